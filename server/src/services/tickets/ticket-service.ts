import { maskedUrl } from '../../notify/mask-url.js';
import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { parseProviders, toProvider, webhookUrlProblems, type Provider, type ProviderConfig, type WebhookConfig } from '../../domain/sla/providers.js';
import type { StoreConfig } from '../../domain/store.js';
import type { TicketsConfig } from '../../domain/tickets/config.js';
import { TicketEngine, ticketIdFor, type IncidentInputType, type TicketEffect, type TicketInput, type TicketResult } from '../../domain/tickets/engine.js';
import { monthFetchSpan } from '../../domain/month.js';
import type { SlaReportRow } from '@storepulse/protocol';
import { slaReport } from '../../domain/tickets/report.js';
import { scopedToProvider, scopedToStore, ticketVisibleTo, type AssignRequest, type TransitionRequest } from '../../domain/tickets/requests.js';
import { ticketSummary } from '../../domain/tickets/sla-view.js';
import { PRIORITIES, TICKET_STATUSES, type Actor, type Ticket, type TicketStatus } from '../../domain/tickets/types.js';
import { notificationsFor, secretsFromProviders } from '../../notify/dispatch.js';
import { NotificationOutbox, type Attempt, type Channel, type Delivery, type Sender } from '../../notify/outbox.js';
import { publicTicket, type PublicTicket } from '../../notify/payload.js';
import { emailSender, httpSender, smtpTransport } from '../../notify/senders.js';
import { WebhookDestinations, type Refusal } from '../../notify/destination.js';
import type { Principal } from '../auth-service.js';
import { toTicketIncident, type IncidentEvent } from './incident-bridge.js';
import { TicketRepository } from './ticket-repository.js';

export const TICKET_TICK_MS = 10_000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** Settled deliveries are kept this long for the API and UI. */
const DELIVERY_RETENTION_MS = 90 * 24 * 3_600_000;
/** Where a ticket's store was removed: its clock falls back to counting every hour in UTC. */
const ALL_DAY = '00:00-24:00';
const NO_STORE: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'> = {
  hours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
  timezone: 'UTC',
  holidays: [],
};

export interface TicketServiceOptions {
  db: Database.Database;
  /** The stores as they are now (see StoreConfigView). */
  stores: ReadonlyMap<string, StoreConfig>;
  /** The `providers:` section of the config file, validated (parseTicketSections). */
  providers: readonly ProviderConfig[];
  config: TicketsConfig;
  log: Logger;
  registry?: Registry;
  /** Sends email when set. */
  smtp?: { url: string; from: string } | null;
  /** WEBHOOK_ALLOW_HOSTS: internal receivers webhooks may reach; every other internal address is refused. */
  webhookAllowHosts?: readonly string[];
  /** Injectable clock for the engine (tests step through SLA time); the outbox keeps real time. */
  now?: () => number;
  tickMs?: number;
  outbox?: { retryDelaysMs?: readonly number[]; pollMs?: number; leaseMs?: number; senders?: Partial<Record<Channel, Sender>> };
}

/** A ticket change for live clients: the engine's effect with the ticket as outsiders see it. */
export interface TicketChange {
  type: TicketEffect['type'];
  at: string;
  notify: boolean;
  detail: TicketEffect['detail'];
  ticket: PublicTicket;
}

export interface TicketFilter {
  status?: TicketStatus;
  providerId?: string;
  storeId?: string;
  unassigned?: boolean;
}

/** A delivery without its body, with every attempt (time, duration, HTTP status or error). */
export type DeliveryView = Omit<Delivery, 'body'> & { attemptLog: Attempt[] };

export type ProviderView = Omit<ProviderConfig, 'webhooks'> & {
  webhooks: (Omit<WebhookConfig, 'secret'> & { secrets: number })[];
  source: 'file' | 'api';
};

export type ProviderPutResult = { ok: true; created: boolean; provider: ProviderView } | { ok: false; errors: string[] };

/** Who is acting, as the ticket engine names them; null for roles that may not act on tickets. */
/** A ticket as this principal may read it: a provider does not read what another provider wrote on it, a store less. */
function readableBy(who: Principal, t: PublicTicket): PublicTicket {
  if (who.role === 'agent') return scopedToStore(t);
  return who.role === 'provider' && who.providerId ? scopedToProvider(t, who.providerId) : t;
}

export function actorOf(who: Principal): Actor | null {
  switch (who.role) {
    case 'provider':
      return who.providerId ? { role: 'provider', id: who.providerId } : null;
    case 'hq-admin':
    case 'hq-viewer':
      return { role: 'hq', id: who.label };
    case 'agent':
      // A store's own agent token speaks for its staff ("staff fixed it"); a fleet-wide one speaks for nobody.
      return who.storeId ? { role: 'store', id: who.storeId } : null;
  }
}

/**
 * SLA tickets made live: incident events in, the ticket engine in the middle, its state and the
 * notifications it calls for written to SQLite in one transaction, the outbox sending them, and a
 * `change` event per effect for socket clients, and `providers` when the API changed a provider (and so which stores it serves).
 */
export class TicketService extends EventEmitter<{ change: [TicketChange]; providers: [] }> {
  readonly outbox: NotificationOutbox;
  private readonly engine: TicketEngine;
  private readonly repo: TicketRepository;
  private readonly now: () => number;
  private fileProviders: ProviderConfig[];
  private providerList: Provider[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastPrune = 0;
  /** Removed stores' last settings, while tickets of theirs are kept. */
  private readonly removedStores = new Map<string, StoreConfig>();
  private readonly rejected: Counter<'code'> | null;
  /** providersHoldingAt's index; null when tickets changed since it was made. */
  private holders: Map<string, string[]> | null = null;
  private readonly destinations: WebhookDestinations;
  private refusedDestinations: Counter<'channel' | 'class'> | null = null;

  constructor(private readonly opts: TicketServiceOptions) {
    super();
    this.now = opts.now ?? Date.now;
    this.repo = new TicketRepository(opts.db);
    this.fileProviders = [...opts.providers];
    this.engine = new TicketEngine({ stores: opts.stores, providers: [], config: opts.config }, this.repo.loadState());
    this.refreshProviders();
    const senders: Partial<Record<Channel, Sender>> = {};
    this.destinations = new WebhookDestinations(opts.webhookAllowHosts ?? []);
    this.warnRefusedWebhooks();
    const http = httpSender({
      secretsFor: secretsFromProviders(() => this.providerList),
      destinations: this.destinations,
      onRefused: (d, r) => this.destinationRefused(d, r),
    });
    senders.webhook = senders.slack = senders.teams = http;
    if (opts.smtp) senders.email = emailSender(smtpTransport(opts.smtp.url), opts.smtp.from);
    this.outbox = new NotificationOutbox(opts.db, {
      senders: { ...senders, ...opts.outbox?.senders },
      log: opts.log,
      ...(opts.outbox?.retryDelaysMs ? { retryDelaysMs: opts.outbox.retryDelaysMs } : {}),
      ...(opts.outbox?.leaseMs ? { leaseMs: opts.outbox.leaseMs } : {}),
    });
    this.rejected = opts.registry ? this.registerMetrics(opts.registry) : null;
    if (opts.registry) {
      this.refusedDestinations = new Counter({
        name: 'storepulse_notify_destinations_refused_total',
        help: 'Webhook and chat deliveries refused because their destination is an internal address not in WEBHOOK_ALLOW_HOSTS, by channel and address class',
        labelNames: ['channel', 'class'] as const,
        registers: [opts.registry],
      });
    }
  }

  /** A delivery refused for its destination: counted, and logged with the address a host name resolved to. */
  private destinationRefused(d: Delivery, r: Refusal): void {
    this.refusedDestinations?.inc({ channel: d.channel, class: r.class });
    this.opts.log.warn(
      { deliveryId: d.id, providerId: d.providerId, channel: d.channel, target: maskedUrl(d.target), address: r.address, addressClass: r.class },
      'webhook destination refused: an internal address not listed in WEBHOOK_ALLOW_HOSTS',
    );
  }

  /** Providers saved (through the API) before their destination was refused, or before WEBHOOK_ALLOW_HOSTS shrank. */
  private warnRefusedWebhooks(): void {
    for (const p of this.providerConfigs()) {
      const problems = webhookUrlProblems(p, '', (url) => this.destinations.urlProblem(url));
      if (problems.length > 0) this.opts.log.warn({ providerId: p.id, problems }, 'provider has webhooks its deliveries will be refused for');
    }
  }

  /** Ticks every 10 s and starts sending the outbox. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? TICKET_TICK_MS);
    this.timer.unref();
    this.outbox.start(this.opts.outbox?.pollMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.outbox.stop();
  }

  // ---- inputs ----------------------------------------------------------------------------------

  /** One incident lifecycle event, exactly as the bus carries it (`incident:opened|updated|closed`). */
  onIncident(type: IncidentInputType, event: IncidentEvent): TicketResult {
    let incident;
    try {
      incident = toTicketIncident(event.incident);
    } catch {
      return this.refuse({ effects: [], rejection: { code: 'bad_incident', message: 'incident event without a readable incident record' } }, type);
    }
    // Its ticket was archived: the incident has had its ticket, and a new one would take the archived one's id.
    if (!this.engine.ticketForIncident(incident.id) && this.repo.isArchived(ticketIdFor(incident.id))) return { effects: [], rejection: null };
    return this.apply({ type, at: this.now(), incident }, [], incident.id);
  }

  /**
   * HQ removed a store: its tickets still in play are cancelled, and their providers told. Its last settings are
   * kept while its tickets are, so their notices and clocks still read the store's name, zone and hours.
   */
  onStoreRemoved(config: StoreConfig): TicketResult {
    this.removedStores.set(config.id, config);
    return this.apply({ type: 'store.removed', at: this.now(), storeId: config.id }, []);
  }

  /** Fires due SLA marks, escalations, graced P3 openings and auto-closes; archives long-ended tickets. */
  tick(): TicketResult {
    const at = this.now();
    const due = Object.values(this.engine.state.tickets).filter((t) => t.wakeAt !== null && t.wakeAt <= at).map((t) => t.id);
    const result = this.apply({ type: 'tick', at }, due);
    if (at - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = at;
      this.prune(at);
    }
    return result;
  }

  /** A person moves a ticket. Another provider's ticket is not found, as if it did not exist. */
  transition(who: Principal, ticketId: string, req: TransitionRequest): TicketResult {
    const actor = actorOf(who);
    if (!actor) return { effects: [], rejection: { code: 'not_found', message: `ticket ${ticketId} not found` } };
    if (who.role === 'hq-viewer') {
      return { effects: [], rejection: { code: 'invalid_transition', message: 'HQ viewers cannot move tickets', allowed: [] } };
    }
    return this.apply(
      { type: 'transition', at: this.now(), ticketId, actor, to: req.status, reason: req.reason ?? null, note: req.note ?? null, location: req.location ?? null },
      [ticketId],
    );
  }

  /** HQ hands a ticket to a provider (from the unassigned queue, or from another provider). Only HQ admins may. */
  assign(who: Principal, ticketId: string, req: AssignRequest): TicketResult {
    if (who.role !== 'hq-admin') return { effects: [], rejection: { code: 'invalid_transition', message: 'only HQ admins assign tickets' } };
    return this.apply(
      { type: 'assign', at: this.now(), ticketId, actor: actorOf(who)!, providerId: req.providerId, note: req.note ?? null },
      [ticketId],
    );
  }

  /**
   * Applies one input and saves what it touched (the given tickets, the incident's ticket, every
   * ticket in an effect, and the engine's indexes) with the notifications, all or nothing.
   */
  private apply(input: TicketInput, touched: string[], incidentId?: string): TicketResult {
    let result: TicketResult;
    try {
      result = this.transaction(() => {
        const r = this.engine.apply(input);
        const ids = [...touched, ...r.effects.map((e) => e.ticket.id)];
        const incidentTicket = incidentId === undefined ? undefined : this.engine.ticketForIncident(incidentId);
        if (incidentTicket) ids.push(incidentTicket.id);
        this.repo.save(this.engine.state, ids);
        this.outbox.enqueue(r.effects.flatMap((e) => notificationsFor(e, this.dispatchContext())));
        return r;
      });
    } catch (err) {
      // A person's request fails loudly (500); a bus event must not take the server down with it.
      if (input.type === 'transition' || input.type === 'assign') throw err;
      this.opts.log.error({ err, input: input.type }, 'ticket input failed; nothing saved');
      this.rejected?.inc({ code: 'failed' });
      return { effects: [], rejection: null };
    }
    if (result.rejection) return this.refuse(result, input.type);
    if (result.effects.length > 0) this.holders = null;
    for (const e of result.effects) this.emit('change', this.change(e));
    return result;
  }

  /**
   * Runs `fn`, which changes the engine's state, in one transaction. When it rolls back, the engine goes back to the
   * state last saved: otherwise memory would keep what the database does not (a ticket opened that no provider was
   * told of, and that a replay of its incident then finds as already told).
   */
  private transaction<T>(fn: () => T): T {
    try {
      return this.opts.db.transaction(fn)();
    } catch (err) {
      Object.assign(this.engine.state, this.repo.loadState());
      this.holders = null;
      throw err;
    }
  }

  private refuse(result: TicketResult, source: string): TicketResult {
    const r = result.rejection!;
    this.rejected?.inc({ code: r.code });
    // People's invalid moves are answered to them; broken incident input is the server's to see.
    const level = source === 'transition' || source === 'assign' ? 'info' : 'warn';
    this.opts.log[level]({ code: r.code, source }, `ticket input refused: ${r.message}`);
    return result;
  }

  private change(e: TicketEffect): TicketChange {
    return { type: e.type, at: new Date(e.at).toISOString(), notify: e.notify, detail: e.detail, ticket: publicTicket(e.ticket, this.storeOf(e.ticket), e.at) };
  }

  private prune(at: number): void {
    this.transaction(() => {
      const gone = this.engine.prune(at);
      this.holders = null;
      this.repo.archive(gone);
      const kept = new Set(Object.values(this.engine.state.tickets).map((t) => t.storeId));
      for (const id of this.removedStores.keys()) if (!kept.has(id)) this.removedStores.delete(id);
      this.repo.save(this.engine.state, []);
    });
    this.outbox.purge(Date.now() - DELIVERY_RETENTION_MS);
  }

  // ---- reads -----------------------------------------------------------------------------------

  private storeOf(t: Ticket) {
    return this.knownStore(t.storeId) ?? NO_STORE;
  }

  private knownStore(id: string): StoreConfig | undefined {
    return this.opts.stores.get(id) ?? this.removedStores.get(id);
  }

  private visible(who: Principal): (t: Ticket) => boolean {
    const actor = actorOf(who);
    return (t) => actor !== null && ticketVisibleTo(t, actor);
  }

  /** The live tickets (active, and ended within the reopen window) this principal may see, newest first. */
  list(who: Principal, filter: TicketFilter = {}) {
    const now = this.now();
    const see = this.visible(who);
    return Object.values(this.engine.state.tickets)
      .filter(
        (t) =>
          see(t) &&
          (filter.status === undefined || t.status === filter.status) &&
          (filter.providerId === undefined || t.providerId === filter.providerId) &&
          (filter.storeId === undefined || t.storeId === filter.storeId) &&
          (!filter.unassigned || t.providerId === null),
      )
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.id.localeCompare(b.id))
      .map((t) => ticketSummary(t, this.storeOf(t), now));
  }

  /** The live ticket that holds an incident (a recurrence joins an earlier ticket), as it stands now. */
  incidentTicket(incidentId: string): PublicTicket | undefined {
    const t = this.engine.ticketForIncident(incidentId);
    return t && publicTicket(t, this.storeOf(t), this.now());
  }

  /** Full public tickets for a live snapshot. */
  visibleTickets(who: Principal): PublicTicket[] {
    const now = this.now();
    const see = this.visible(who);
    return Object.values(this.engine.state.tickets)
      .filter(see)
      .map((t) => readableBy(who, publicTicket(t, this.storeOf(t), now)));
  }

  /** One ticket (live or archived) with its audit trail and deliveries; undefined when absent or not theirs. */
  detail(who: Principal, id: string): { ticket: PublicTicket; deliveries: DeliveryView[] } | undefined {
    const t = this.engine.state.tickets[id] ?? this.repo.get(id);
    if (!t || !this.visible(who)(t)) return undefined;
    const deliveries = this.outbox
      .list({ ticketId: t.id, limit: 200 })
      // Where providers are notified (their e-mail addresses, webhook hosts) is HQ's business and each provider's own:
      // a provider HQ handed the ticket to does not see the one before it, and a store sees none.
      .filter((d) => (who.role === 'provider' ? d.providerId === who.providerId : who.role === 'hq-admin' || who.role === 'hq-viewer'))
      .map(({ body: _b, ...d }) => ({
        ...d,
        target: d.channel === 'email' ? d.target : maskedUrl(d.target),
        attemptLog: this.outbox.attempts(d.id),
      }));
    return { ticket: readableBy(who, publicTicket(t, this.storeOf(t), this.now())), deliveries };
  }

  /** The monthly SLA report, each ticket in its store's local month; a provider only ever gets its own row. */
  report(who: Principal, q: { month: string; providerId?: string }): SlaReportRow[] | null {
    const span = monthFetchSpan(q.month);
    if (!span) return null;
    const providerId = who.role === 'provider' ? (who.providerId ?? '') : q.providerId;
    return slaReport(this.repo.openedBetween(span.from, span.to), this.opts.stores, q.month, this.now(), providerId);
  }

  // ---- providers -------------------------------------------------------------------------------

  /** Every provider in force (config file and API), for store scoping. */
  providerCoverage(): readonly Provider[] {
    return this.providerList;
  }

  /**
   * The providers holding a ticket in play at this store (however it came to them: routed, or assigned by HQ). Asked
   * for every store change the live feed sends, so it reads an index, made again after tickets change.
   */
  providersHoldingAt(storeId: string): readonly string[] {
    if (!this.holders) {
      const byStore = new Map<string, Set<string>>();
      for (const t of Object.values(this.engine.state.tickets)) {
        // An ended ticket kept for the reopen window gives no sight of the store.
        if (!t.providerId || t.status === 'closed' || t.status === 'cancelled') continue;
        const ids = byStore.get(t.storeId) ?? new Set<string>();
        byStore.set(t.storeId, ids.add(t.providerId));
      }
      this.holders = new Map([...byStore].map(([id, ids]) => [id, [...ids]]));
    }
    return this.holders.get(storeId) ?? [];
  }

  /**
   * Providers as configured (file first, then API), without webhook secrets; a provider sees only itself. Webhook
   * URLs in full only for HQ admins, who maintain them: a wall screen's viewer token should not carry a helpdesk's
   * endpoint, which may hold a key in its path.
   */
  providers(who: Principal): ProviderView[] {
    const fileIds = new Set(this.fileProviders.map((p) => p.id));
    return this.providerConfigs()
      .filter((p) => who.role !== 'provider' || p.id === who.providerId)
      .map((p) => providerView(p, fileIds.has(p.id) ? 'file' : 'api', who.role === 'hq-admin'));
  }

  /** Creates or replaces a provider, kept across restarts; a provider also in the config file is reset to it at start. */
  putProvider(cfg: ProviderConfig): ProviderPutResult {
    const others = this.providerConfigs().filter((p) => p.id !== cfg.id);
    const check = parseProviders([...others, cfg]);
    if (!check.ok) return { ok: false, errors: check.errors };
    const refused = webhookUrlProblems(cfg, '', (url) => this.destinations.urlProblem(url));
    if (refused.length > 0) return { ok: false, errors: refused };
    const created = !this.providerConfigs().some((p) => p.id === cfg.id);
    this.repo.putProvider(cfg, new Date(this.now()).toISOString());
    // The API edit wins until the next start, so it must override the file's copy now.
    this.fileProviders = this.fileProviders.filter((p) => p.id !== cfg.id);
    this.refreshProviders();
    this.emit('providers');
    return { ok: true, created, provider: providerView(cfg, 'api', true) };
  }

  deleteProvider(id: string): boolean {
    const fromFile = this.fileProviders.some((p) => p.id === id);
    const fromApi = this.repo.deleteProvider(id);
    this.fileProviders = this.fileProviders.filter((p) => p.id !== id);
    this.refreshProviders();
    if (fromFile || fromApi) this.emit('providers');
    return fromFile || fromApi;
  }

  private providerConfigs(): ProviderConfig[] {
    const fileIds = new Set(this.fileProviders.map((p) => p.id));
    return [...this.fileProviders, ...this.repo.apiProviders().filter((p) => !fileIds.has(p.id))];
  }

  private refreshProviders(): void {
    this.providerList = this.providerConfigs().map(toProvider);
    this.engine.setContext({ stores: this.opts.stores, providers: this.providerList, config: this.opts.config });
  }

  private dispatchContext() {
    return { providers: this.providerList, stores: { get: (id: string) => this.knownStore(id) }, email: Boolean(this.opts.smtp) };
  }

  private registerMetrics(registry: Registry): Counter<'code'> {
    const state = this.engine.state;
    new Gauge({
      name: 'storepulse_tickets',
      help: 'Live tickets by status and priority',
      labelNames: ['status', 'priority'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of TICKET_STATUSES) for (const p of PRIORITIES) this.set({ status: s, priority: p }, 0);
        for (const t of Object.values(state.tickets)) this.inc({ status: t.status, priority: t.priority });
      },
    });
    const outbox = this.outbox;
    new Gauge({
      name: 'storepulse_notify_deliveries',
      help: 'Notification deliveries in the outbox by status',
      labelNames: ['status'] as const,
      registers: [registry],
      collect() {
        for (const [status, n] of Object.entries(outbox.counts())) this.set({ status }, n);
      },
    });
    return new Counter({
      name: 'storepulse_ticket_inputs_refused_total',
      help: 'Incident events and ticket transitions the ticket engine refused, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    });
  }
}

/** A chat webhook's URL is its credential: shown by origin only, even to admins. */
function providerView(p: ProviderConfig, source: 'file' | 'api', fullUrls: boolean): ProviderView {
  return {
    ...p,
    webhooks: (p.webhooks ?? []).map((w) => ({
      url: fullUrls && w.format !== 'slack' && w.format !== 'teams' ? w.url : maskedUrl(w.url),
      ...(w.events ? { events: [...w.events] } : {}),
      ...(w.format ? { format: w.format } : {}),
      secrets: typeof w.secret === 'string' ? 1 : w.secret.length,
    })),
    source,
  };
}


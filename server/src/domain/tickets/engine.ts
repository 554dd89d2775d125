import { createHash } from 'node:crypto';
import { severalTillsFailing } from '@storepulse/protocol';
import type { Provider } from '../sla/providers.js';
import { elapsedMs } from '../sla/clock.js';
import { ASSIGNED, REROUTED, assignTicket, assignmentProblem, isHandover, placedByHq } from './assignment.js';
import { thresholdAt } from '../sla/status.js';
import type { StoreConfig } from '../store.js';
import type { TicketsConfig } from './config.js';
import { dueEscalations, escalationStartMs, nextEscalationAt } from './escalation.js';
import { faultKey, incidentCategory, ticketLostRevenue, type TicketIncident } from './incident.js';
import { higherPriority, priorityFor } from './priority.js';
import { ticketVisibleTo } from './requests.js';
import { coversCategory, coversStore, routeTicket } from './routing.js';
import { clockEndMs, raisedPolicy, ticketSla, ticketTargets } from './sla-view.js';
import { SYSTEM_REASONS, allowedTransitions, checkTransition, isActive, type AllowedTransition } from './transitions.js';
import {
  SLA_TARGETS,
  type Actor,
  type Category,
  type GeoLocation,
  type Priority,
  type SlaTargetName,
  type Ticket,
  type TicketEventType,
  type TicketSlaPolicy,
  type TicketStatus,
} from './types.js';

export interface TicketContext {
  stores: ReadonlyMap<string, StoreConfig>;
  providers: readonly Provider[];
  config: TicketsConfig;
}

/** A P3 fault waiting out its self-fix grace. */
export interface PendingTicket {
  incident: TicketIncident;
  openAt: number;
}

/** Everything the engine knows; plain JSON, so the server can persist it and restore it after a restart. */
export interface TicketsState {
  tickets: Record<string, Ticket>;
  /** incident id → ticket id: one ticket per incident, however often the incident is replayed. */
  byIncident: Record<string, string>;
  /** fault key → the latest ticket for that fault: where a recurrence looks for a ticket to reopen. */
  byFault: Record<string, string>;
  pending: Record<string, PendingTicket>;
  /** Incidents with a ticket that have not ended: their ticket stays live however long ago it was closed or cancelled. */
  runningIncidents: Record<string, true>;
}

export function emptyTicketsState(): TicketsState {
  return { tickets: {}, byIncident: {}, byFault: {}, pending: {}, runningIncidents: {} };
}

export type IncidentInputType = 'incident.opened' | 'incident.updated' | 'incident.closed';

export type TicketInput =
  | { type: IncidentInputType; at: number; incident: TicketIncident }
  | {
      type: 'transition';
      at: number;
      ticketId: string;
      actor: Actor;
      to: TicketStatus;
      reason?: string | null;
      note?: string | null;
      location?: GeoLocation | null;
    }
  | { type: 'tick'; at: number }
  /** HQ hands the ticket to a provider (from the unassigned queue, or from another provider). */
  | { type: 'assign'; at: number; ticketId: string; actor: Actor; providerId: string; note?: string | null }
  /** HQ removed the store: nobody can work on its tills any more. */
  | { type: 'store.removed'; at: number; storeId: string };

export interface EffectDetail {
  /** What changed, for ticket.updated: status, recovered, reopened, recurred, priority, incident; `assigned` on ticket.opened. */
  change?: string;
  /** On `assigned`: the provider that had it before (absent: the unassigned queue), which no longer sees it. */
  fromProvider?: string;
  /** On a handover (`assigned`, and ticket.withdrawn): `assigned` by HQ, or `rerouted` as the fault changed. */
  reason?: typeof ASSIGNED | typeof REROUTED;
  target?: SlaTargetName;
  percent?: 50 | 75;
  step?: number;
  notify?: string;
}

/**
 * Something that happened to a ticket. `notify: false` marks a quiet refresh (live lost revenue,
 * footfall) that the web should show but that is not worth a webhook.
 */
export interface TicketEffect {
  type: TicketEventType;
  at: number;
  ticket: Ticket;
  notify: boolean;
  detail: EffectDetail;
}

export interface TicketRejection {
  code: 'not_found' | 'invalid_transition' | 'invalid_reason' | 'unknown_store' | 'bad_incident' | 'unknown_provider';
  message: string;
  allowed?: AllowedTransition[];
}

export interface TicketResult {
  effects: TicketEffect[];
  rejection: TicketRejection | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const SYSTEM: Actor = { role: 'system', id: 'storepulse' };

/** Deterministic from the incident, so a replay after a restart lands on the same ticket. */
export function ticketIdFor(incidentId: string): string {
  return 'T-' + createHash('sha256').update(incidentId).digest('hex').slice(0, 12);
}

function incidentProblem(i: TicketIncident | undefined): string | null {
  if (!i || typeof i !== 'object') return 'incident is missing';
  if (typeof i.id !== 'string' || i.id === '') return 'incident.id must be a non-empty string';
  if (typeof i.storeId !== 'string') return 'incident.storeId must be a string';
  if (typeof i.kind !== 'string') return 'incident.kind must be a string';
  if (!Array.isArray(i.tillIds) || i.tillIds.some((t) => typeof t !== 'string')) return 'incident.tillIds must be strings';
  if (typeof i.startedAt !== 'string' || Number.isNaN(Date.parse(i.startedAt))) return 'incident.startedAt must be an ISO time';
  return null;
}

/**
 * The ticket lifecycle as a small class over plain state: feed it incident effects, people's
 * transitions and periodic ticks (time always comes in with the input); it answers with effects to
 * notify and push live. It never reads the clock or does I/O.
 */
export class TicketEngine {
  constructor(
    private ctx: TicketContext,
    readonly state: TicketsState = emptyTicketsState(),
  ) {}

  /** New stores, providers or settings (config reload); open tickets keep the SLA they opened with. */
  setContext(ctx: TicketContext): void {
    this.ctx = ctx;
  }

  apply(input: TicketInput): TicketResult {
    switch (input.type) {
      case 'tick':
        return this.tick(input.at);
      case 'transition':
        return this.transition(input);
      case 'assign':
        return this.assign(input);
      case 'store.removed':
        return { effects: this.onStoreRemoved(input.storeId, input.at), rejection: null };
      default: {
        const result = this.onIncident(input.type, input.at, input.incident);
        this.noteRunning(input.type, input.incident);
        return result;
      }
    }
  }

  /** Keeps runningIncidents: any event of an incident with a ticket says whether it still runs. */
  private noteRunning(type: IncidentInputType, incident: TicketIncident | undefined): void {
    if (!incident || !this.ticketForIncident(incident.id)) return;
    if (type === 'incident.closed' || incident.endedAt) delete this.state.runningIncidents[incident.id];
    else this.state.runningIncidents[incident.id] = true;
  }

  /** The ticket an incident opened or was attached to, if any. */
  ticketForIncident(incidentId: string): Ticket | undefined {
    const id = this.state.byIncident[incidentId];
    return id ? this.state.tickets[id] : undefined;
  }

  /**
   * Drops closed and cancelled tickets that can no longer be reopened, with their incident keys, and
   * returns them so the server can archive them: keeps the live state small. One whose incident still runs (HQ
   * cancelled it as a false alarm, say) stays, or the incident's next update would open it again as new.
   */
  prune(at: number): Ticket[] {
    const gone: Ticket[] = [];
    for (const t of Object.values(this.state.tickets)) {
      const ended = t.closedAt ?? t.cancelledAt;
      if (ended && at - Date.parse(ended) > this.ctx.config.reopenWindowMs && !t.incidentIds.some((id) => this.state.runningIncidents[id])) {
        gone.push(t);
        delete this.state.tickets[t.id];
        for (const id of t.incidentIds) delete this.state.byIncident[id];
        if (this.state.byFault[t.faultKey] === t.id) delete this.state.byFault[t.faultKey];
      }
    }
    return gone;
  }

  // ---- incidents -------------------------------------------------------------------------------

  private onIncident(type: IncidentInputType, at: number, incident: TicketIncident): TicketResult {
    const problem = incidentProblem(incident);
    if (problem) return reject('bad_incident', problem);
    const store = this.ctx.stores.get(incident.storeId);
    if (!store) {
      // The store was removed while its incident ran: its ticket was cancelled then, and the incident's end changes nothing.
      if (this.ticketForIncident(incident.id)) return { effects: [], rejection: null };
      return reject('unknown_store', `store ${incident.storeId} is not configured`);
    }
    if (incident.suppressed) return { effects: [], rejection: null };
    const over = type === 'incident.closed' || Boolean(incident.endedAt);

    const existing = this.ticketForIncident(incident.id);
    if (existing) return { effects: this.updateFromIncident(existing, incident, over, at, store), rejection: null };

    const pending = this.state.pending[incident.id];
    if (pending) {
      // Recovering: its parts all say ok, which tells nothing of the fault, so it waits as it was seen failing.
      if (!over && nothingFails(incident)) return { effects: [], rejection: null };
      delete this.state.pending[incident.id];
      // Fixed within the grace (staff changed the paper): no ticket at all.
      if (over) return { effects: [], rejection: null };
      const priority = this.priorityOf(incident, store);
      if (priority !== 'P3') return { effects: this.openOrReopen(incident, priority, at, store), rejection: null };
      this.state.pending[incident.id] = { ...pending, incident };
      return { effects: [], rejection: null };
    }
    if (over) return { effects: [], rejection: null };

    const priority = this.priorityOf(incident, store);
    const graceEnd = Date.parse(incident.startedAt) + this.ctx.config.selfFixGraceMs;
    if (priority === 'P3' && graceEnd > at) {
      this.state.pending[incident.id] = { incident, openAt: graceEnd };
      return { effects: [], rejection: null };
    }
    return { effects: this.openOrReopen(incident, priority, at, store), rejection: null };
  }

  private priorityOf(incident: TicketIncident, store: StoreConfig): Priority {
    return priorityFor(
      {
        kind: incident.kind,
        category: incidentCategory(incident),
        // Tills at fault at the same time: tills failing one after another are not a bigger outage.
        tillsAffected: incident.peakTills ?? incident.tillIds.length,
        tillsTotal: store.tills.length,
      },
      this.ctx.config.priorityMatrix,
    );
  }

  private openOrReopen(incident: TicketIncident, priority: Priority, at: number, store: StoreConfig): TicketEffect[] {
    const previousId = this.state.byFault[faultKey(incident)];
    const previous = previousId ? this.state.tickets[previousId] : undefined;
    if (previous && (isActive(previous.status) || this.withinReopenWindow(previous, at))) {
      this.state.byIncident[incident.id] = previous.id;
      previous.incidentIds.push(incident.id);
      if (isActive(previous.status)) {
        // The fault came back before the ticket closed: the same ticket simply carries on, its clocks again from
        // now, not counting the time it stood recovered, and its escalations afresh.
        if (previous.recoveredAt) {
          previous.pauses.push({ start: previous.recoveredAt, end: iso(at) });
          previous.escalationsSent = [];
        }
        previous.recoveredAt = null;
        previous.resolutionProposedAt = null;
        this.copyIncident(previous, incident);
        this.raisePriority(previous, priority);
        return [this.touch(previous, at, 'ticket.updated', true, { change: 'recurred' })];
      }
      this.reopen(previous, at, SYSTEM, SYSTEM_REASONS.recurred, null);
      this.copyIncident(previous, incident);
      this.raisePriority(previous, priority);
      return this.reopened(previous, at, store);
    }
    return [this.open(incident, priority, at, store)];
  }

  private withinReopenWindow(t: Ticket, at: number): boolean {
    if (t.status !== 'resolved' && t.status !== 'closed') return false;
    const ended = Date.parse(t.closedAt ?? t.resolvedAt!);
    return at - ended <= this.ctx.config.reopenWindowMs;
  }

  private open(incident: TicketIncident, priority: Priority, at: number, store: StoreConfig): TicketEffect {
    const category = incidentCategory(incident);
    const provider = routeTicket(this.ctx.providers, store, category);
    const now = iso(at);
    const t: Ticket = {
      id: ticketIdFor(incident.id),
      incidentId: incident.id,
      incidentIds: [incident.id],
      faultKey: faultKey(incident),
      storeId: incident.storeId,
      tillIds: [...incident.tillIds],
      kind: incident.kind,
      category,
      components: null,
      details: null,
      providerId: provider?.id ?? null,
      priority,
      status: 'open',
      startedAt: new Date(Date.parse(incident.startedAt)).toISOString(),
      openedAt: now,
      updatedAt: now,
      acknowledgedAt: null,
      onSiteAt: null,
      resolvedAt: null,
      closedAt: null,
      cancelledAt: null,
      recoveredAt: null,
      resolutionProposedAt: null,
      visitors: null,
      lostRevenue: null,
      sla: slaPolicy(provider, priority),
      pauses: [],
      slaMarks: {
        response: { warned50: false, warned75: false, breached: false },
        onSite: { warned50: false, warned75: false, breached: false },
        resolve: { warned50: false, warned75: false, breached: false },
      },
      escalationsSent: [],
      onSiteLocation: null,
      audit: [{ at: now, actor: SYSTEM, from: null, to: 'open', reason: 'incident', note: null }],
      wakeAt: null,
    };
    this.copyIncident(t, incident);
    this.state.tickets[t.id] = t;
    this.state.byIncident[incident.id] = t.id;
    this.state.byFault[t.faultKey] = t.id;
    return this.touch(t, at, 'ticket.opened', true, {});
  }

  /** More tills went down: the ticket moves up and takes that priority's targets. It never moves down on its own. */
  private raisePriority(t: Ticket, priority: Priority): boolean {
    const raised = higherPriority(t.priority, priority);
    if (raised === t.priority) return false;
    const next = slaPolicy(this.providerOf(t), raised);
    t.priority = raised;
    if (next) t.sla = raisedPolicy(t, next);
    return true;
  }

  /** `over`: the incident has ended, so none of its loss is left uncounted. */
  private copyIncident(t: Ticket, incident: TicketIncident, over = false): void {
    // A till down that grows into the whole store offline is that now, for whoever reads the ticket.
    t.kind = incident.kind;
    t.tillIds = [...incident.tillIds];
    if (incident.components !== undefined) t.components = incident.components;
    if (incident.details !== undefined) t.details = incident.details;
    if (over || incident.endedAt) {
      t.failing = [];
      t.stillFailing = [];
    } else if (incident.failing !== undefined) {
      t.failing = [...incident.failing];
      // Without the structured form the lines stand alone: a stale one beside them would contradict them.
      if (incident.stillFailing) t.stillFailing = structuredClone(incident.stillFailing);
      else delete t.stillFailing;
    }
    if (incident.visitors !== undefined) t.visitors = incident.visitors;
    const lost = ticketLostRevenue(incident, !over && !incident.endedAt);
    if (lost !== undefined) t.lostRevenue = lost;
  }

  private updateFromIncident(t: Ticket, incident: TicketIncident, over: boolean, at: number, store: StoreConfig): TicketEffect[] {
    if (incident.id !== t.incidentIds[t.incidentIds.length - 1]) {
      // A replay of an older incident of this ticket: it must not undo what the newer one says.
      return [];
    }
    // A fault that grows into the store offline is the network's. Whether the ticket goes to another provider is
    // decided on the ticket as its provider has it, before this update changes it.
    const network = !over && incident.kind === 'store_offline' && t.kind !== 'store_offline' ? incidentCategory(incident) : null;
    const handover = network ? this.reroute(t, network, at, store) : null;
    this.copyIncident(t, incident, over);
    if (network) t.category = network;
    if (!over && faultSinceEnded(t, incident)) {
      // A till failed (again) in this incident after the ticket was resolved or closed: the fault is live once
      // more, and a live fault never stands without an active ticket. The time it stood ended is not counted.
      this.reopen(t, at, SYSTEM, SYSTEM_REASONS.recurred, null);
      this.raisePriority(t, this.priorityOf(incident, store));
      return this.reopened(t, at, store);
    }
    if (t.status === 'closed' || t.status === 'cancelled') return [this.touch(t, at, 'ticket.updated', false, { change: 'incident' })];
    // An ended or recovering fault is not growing: a raise would keep its end from being recorded, and its parts, all
    // ok now, would pass a printer fault for the till's own.
    const raised = !over && !nothingFails(incident) && this.raisePriority(t, this.priorityOf(incident, store));
    if (handover) return [...handover.withdrawn, this.touch(t, at, 'ticket.opened', true, handover.detail)];
    if (raised) return [this.touch(t, at, 'ticket.updated', true, { change: 'priority' })];
    // The provider that keeps it hears that the store went offline, even when its priority was already the highest.
    if (network) return [this.touch(t, at, 'ticket.updated', true, { change: 'incident' })];
    if (over && t.recoveredAt === null && !reopenedSince(t, incident.endedAt)) {
      // The clocks stop where the recovery began (the incident's end), not when the incident engine had seen it hold,
      // recoverSec later; never before the ticket opened (a graced P3 may open while its fault recovers).
      const ended = incident.endedAt ? Date.parse(incident.endedAt) : at;
      t.recoveredAt = iso(Math.min(at, Math.max(Date.parse(t.openedAt), ended)));
      t.resolutionProposedAt = iso(at);
      return [this.touch(t, at, 'ticket.updated', true, { change: 'recovered' })];
    }
    return [this.touch(t, at, 'ticket.updated', false, { change: 'incident' })];
  }

  // ---- people ----------------------------------------------------------------------------------

  private transition(input: Extract<TicketInput, { type: 'transition' }>): TicketResult {
    const t = this.state.tickets[input.ticketId];
    // Another provider's ticket does not exist as far as a provider can tell.
    if (!t || !ticketVisibleTo(t, input.actor)) {
      return reject('not_found', `ticket ${input.ticketId} not found`);
    }
    const live = input.actor.role !== 'hq' ? (t.failing ?? []) : [];
    // While the fault is live, resolving is not among the moves a provider or the store is offered.
    const offered = (allowed: AllowedTransition[]) => (live.length > 0 ? allowed.filter((a) => a.to !== 'resolved') : allowed);
    const check = checkTransition(t.status, input.to, input.actor.role, input.reason);
    if (!check.ok) return { effects: [], rejection: { code: check.code, message: check.message, allowed: offered(check.allowed) } };

    const stillFailing = input.to === 'resolved' ? live : [];
    if (stillFailing.length > 0) {
      // Resolving a live fault would stop the clock on a till that still cannot sell and hide it from the boards.
      const tills = severalTillsFailing(stillFailing);
      return {
        effects: [],
        rejection: {
          code: 'invalid_transition',
          message: `${stillFailing.join('; ')}: the ticket resolves itself once the ${tills ? 'tills have' : 'till has'} recovered`,
          allowed: offered(allowedTransitions(t.status, input.actor.role)),
        },
      };
    }

    const { at, actor } = input;
    // The store's answer ends the wait: the ticket goes back to where it was, on site if the engineer was.
    const to = input.to === 'acknowledged' && actor.role === 'store' && t.status === 'waiting_store' ? statusBeforeWaiting(t) : input.to;
    const reason = input.reason ?? null;
    const note = input.note ?? null;
    const location = input.location ?? null;
    if (to === 'open') {
      this.reopen(t, at, actor, reason, note);
      return { effects: [this.touch(t, at, 'ticket.updated', true, { change: 'reopened' })], rejection: null };
    }
    this.setStatus(t, to, at, actor, reason, note, location);
    if (to === 'resolved') {
      // A resolution on a recovered incident starts the quiet period before auto-close.
      t.resolutionProposedAt = t.recoveredAt ? iso(at) : null;
    } else if (actor.role === 'provider' || actor.role === 'hq') {
      // They are acting on it: recovery no longer closes it on its own.
      t.resolutionProposedAt = null;
    }
    const type: TicketEventType = to === 'closed' || to === 'cancelled' ? 'ticket.closed' : 'ticket.updated';
    return { effects: [this.touch(t, at, type, true, { change: 'status' })], rejection: null };
  }

  private assign(input: Extract<TicketInput, { type: 'assign' }>): TicketResult {
    const t = this.state.tickets[input.ticketId];
    if (!t) return reject('not_found', `ticket ${input.ticketId} not found`);
    const problem = assignmentProblem(t, input.providerId, this.ctx.providers, input.actor);
    if (problem) return reject(problem.code, problem.message);
    const provider = this.ctx.providers.find((p) => p.id === input.providerId)!;
    const handover = this.handOver(t, provider, input.at, input.actor, ASSIGNED, input.note ?? null);
    return { effects: [...handover.withdrawn, this.touch(t, input.at, 'ticket.opened', true, handover.detail)], rejection: null };
  }

  /**
   * Hands a ticket nobody has taken up (open, never acknowledged, not placed by HQ) to the provider routed for its new
   * category when its own does not cover it; null when it stays. One a provider has acknowledged stays with it: HQ
   * moves it if it must.
   */
  private reroute(t: Ticket, category: Category, at: number, store: StoreConfig): Handover | null {
    const holder = this.providerOf(t);
    if (t.status !== 'open' || t.acknowledgedAt !== null || placedByHq(t) || (holder && coversCategory(holder, category))) return null;
    const to = routeTicket(this.ctx.providers, store, category);
    if (!to || to.id === t.providerId) return null;
    return this.handOver(t, to, at, SYSTEM, REROUTED, null);
  }

  /**
   * What the system's reopening tells: the ticket goes where a new one would when its provider is gone or no longer covers
   * its store and category (the contracts changed while it stood ended), else it is reopened for the provider it had.
   * One HQ placed by hand stays while its provider exists.
   */
  private reopened(t: Ticket, at: number, store: StoreConfig): TicketEffect[] {
    const holder = this.providerOf(t);
    const stays = holder && (placedByHq(t) || (coversStore(holder, store) && coversCategory(holder, t.category)));
    const to = stays ? holder : routeTicket(this.ctx.providers, store, t.category);
    if ((to?.id ?? null) === t.providerId) return [this.touch(t, at, 'ticket.updated', true, { change: 'reopened' })];
    const handover = this.handOver(t, to, at, SYSTEM, REROUTED, null);
    return [...handover.withdrawn, this.touch(t, at, 'ticket.opened', true, handover.detail)];
  }

  /**
   * Gives the ticket to `provider` (null: HQ's unassigned queue), its clocks from now. The provider that had it is told it is withdrawn, with the
   * ticket as it last had it (nothing of the new provider's); the caller announces it to the new one (ticket.opened).
   */
  private handOver(t: Ticket, provider: Provider | null, at: number, actor: Actor, reason: typeof ASSIGNED | typeof REROUTED, note: string | null): Handover {
    const from = t.providerId;
    const withdrawn: TicketEffect[] = [];
    if (from) withdrawn.push({ type: 'ticket.withdrawn', at, ticket: { ...structuredClone(t), updatedAt: iso(at) }, notify: true, detail: { change: 'assigned', reason } });
    // What the provider it is taken from had breached by now, whether a tick has marked it yet or not.
    const store = this.ctx.stores.get(t.storeId);
    const targets = from && store ? ticketSla(t, store, at).targets : null;
    const breached = SLA_TARGETS.filter((n) => targets?.[n]?.breached === true);
    assignTicket(t, provider, slaPolicy(provider, t.priority), iso(at), actor, reason, note, breached);
    return { withdrawn, detail: from ? { change: 'assigned', reason, fromProvider: from } : { change: 'assigned', reason } };
  }

  private setStatus(t: Ticket, to: TicketStatus, at: number, actor: Actor, reason: string | null, note: string | null, location: GeoLocation | null): void {
    const now = iso(at);
    const from = t.status;
    if (from === 'waiting_store') {
      const open = t.pauses.find((p) => p.end === null);
      if (open) open.end = now;
    }
    if (to === 'waiting_store') t.pauses.push({ start: now, end: null });
    // Any hands-on move by the provider or HQ counts as the response.
    if (actor.role === 'provider' || actor.role === 'hq') {
      if (to === 'acknowledged' || to === 'waiting_store' || to === 'on_site') t.acknowledgedAt ??= now;
    }
    if (to === 'on_site') {
      t.onSiteAt ??= now;
      if (location) t.onSiteLocation = location;
    }
    if (to === 'resolved') t.resolvedAt = now;
    if (to === 'closed') t.closedAt = now;
    if (to === 'cancelled') t.cancelledAt = now;
    t.status = to;
    t.audit.push({ at: now, actor, from, to, reason, note, ...(location ? { location } : {}) });
  }

  private reopen(t: Ticket, at: number, actor: Actor, reason: string | null, note: string | null): void {
    const now = iso(at);
    // The clocks stopped when it was resolved, or closed without a resolution: from then until now is not the
    // provider's time, including the hours it stood resolved before HQ or the auto-close closed it.
    const endedAt = clockEndMs(t);
    if (endedAt !== null) t.pauses.push({ start: iso(endedAt), end: now });
    t.audit.push({ at: now, actor, from: t.status, to: 'open', reason, note });
    // Its escalations count afresh from now (escalationStartMs).
    t.escalationsSent = [];
    t.status = 'open';
    t.resolvedAt = null;
    t.closedAt = null;
    t.recoveredAt = null;
    t.resolutionProposedAt = null;
  }

  /** Cancels the store's tickets still in play, so providers stop work and their SLA clocks stop with it. */
  private onStoreRemoved(storeId: string, at: number): TicketEffect[] {
    for (const [incidentId, p] of Object.entries(this.state.pending)) {
      if (p.incident.storeId === storeId) delete this.state.pending[incidentId];
    }
    const effects: TicketEffect[] = [];
    for (const t of Object.values(this.state.tickets)) {
      if (t.storeId !== storeId || t.status === 'closed' || t.status === 'cancelled') continue;
      this.setStatus(t, 'cancelled', at, SYSTEM, SYSTEM_REASONS.storeRemoved, null, null);
      t.resolutionProposedAt = null;
      t.wakeAt = null;
      effects.push(this.touch(t, at, 'ticket.closed', true, { change: 'status' }));
    }
    return effects;
  }

  // ---- time ------------------------------------------------------------------------------------

  private tick(at: number): TicketResult {
    const effects: TicketEffect[] = [];
    for (const [incidentId, p] of Object.entries(this.state.pending)) {
      if (p.openAt > at) continue;
      delete this.state.pending[incidentId];
      const store = this.ctx.stores.get(p.incident.storeId);
      if (store) effects.push(...this.openOrReopen(p.incident, this.priorityOf(p.incident, store), at, store));
    }
    for (const t of Object.values(this.state.tickets)) {
      if (t.wakeAt !== null && t.wakeAt <= at) effects.push(...this.wake(t, at));
    }
    return { effects, rejection: null };
  }

  private wake(t: Ticket, at: number): TicketEffect[] {
    const store = this.ctx.stores.get(t.storeId);
    if (!store) {
      // Nothing more happens to a store no longer configured (a config reload dropped it): stop waking for it.
      t.wakeAt = null;
      return [];
    }
    if (t.resolutionProposedAt && Date.parse(t.resolutionProposedAt) + this.ctx.config.autoCloseAfterMs <= at) {
      this.setStatus(t, 'closed', at, SYSTEM, SYSTEM_REASONS.recovered, null, null);
      // Resolved by the recovery itself, when nobody resolved it by hand: time to resolve ends there, not after the
      // quiet period.
      t.resolvedAt ??= t.recoveredAt;
      return [this.touch(t, at, 'ticket.closed', true, { change: 'status' })];
    }
    const effects: TicketEffect[] = [];
    const targets = ticketTargets(t, store);
    for (const name of SLA_TARGETS) {
      const input = targets[name];
      if (!input || input.stopMs !== null || input.pauses.some((p) => p.end === null)) continue;
      const marks = t.slaMarks[name];
      const used = elapsedMs(input.cal, input.startMs, at, input.pauses);
      // The same rounding as thresholdAt, so a mark fires exactly at the moment scheduled for it.
      const reached = (f: number) => used >= Math.ceil(input.goalMs * f);
      if (!marks.warned50 && reached(0.5)) {
        marks.warned50 = true;
        effects.push(this.snapshot(t, at, 'sla.warning', { target: name, percent: 50 }));
      }
      if (!marks.warned75 && reached(0.75)) {
        marks.warned75 = true;
        effects.push(this.snapshot(t, at, 'sla.warning', { target: name, percent: 75 }));
      }
      if (!marks.breached && reached(1)) {
        marks.breached = true;
        effects.push(this.snapshot(t, at, 'sla.breached', { target: name }));
      }
    }
    if (t.status === 'open' && t.acknowledgedAt === null && t.recoveredAt === null) {
      const steps = this.providerOf(t)?.escalation ?? [];
      for (const due of dueEscalations(escalationStartMs(t), steps, t.escalationsSent, at)) {
        t.escalationsSent[due.step] = due.count;
        effects.push(this.snapshot(t, at, 'ticket.escalated', { step: due.step, notify: due.notify }));
      }
    }
    this.refreshWake(t, store);
    return effects;
  }

  /** The earliest moment something may happen to this ticket on its own. */
  private refreshWake(t: Ticket, store: StoreConfig): void {
    if (t.status === 'closed' || t.status === 'cancelled') {
      t.wakeAt = null;
      t.autoCloseAt = null;
      return;
    }
    const times: number[] = [];
    const closeAt = t.resolutionProposedAt ? Date.parse(t.resolutionProposedAt) + this.ctx.config.autoCloseAfterMs : null;
    // Told to people ("closes itself at 14:32"), so that they know how long a recovered ticket stays on their board.
    t.autoCloseAt = closeAt === null ? null : iso(closeAt);
    if (closeAt !== null) times.push(closeAt);
    const targets = ticketTargets(t, store);
    for (const name of SLA_TARGETS) {
      const input = targets[name];
      if (!input) continue;
      const m = t.slaMarks[name];
      const next = !m.warned50 ? 0.5 : !m.warned75 ? 0.75 : !m.breached ? 1 : null;
      const when = next === null ? null : thresholdAt(input.cal, input, next);
      if (when !== null) times.push(when);
    }
    if (t.status === 'open' && t.acknowledgedAt === null && t.recoveredAt === null) {
      (this.providerOf(t)?.escalation ?? []).forEach((step, i) => {
        const when = nextEscalationAt(escalationStartMs(t), step, t.escalationsSent[i] ?? 0);
        if (when !== null) times.push(when);
      });
    }
    t.wakeAt = times.length ? Math.min(...times) : null;
  }

  private providerOf(t: Ticket): Provider | undefined {
    return this.ctx.providers.find((p) => p.id === t.providerId);
  }

  /** Stamps a change, reschedules the ticket and returns the effect announcing it. */
  private touch(t: Ticket, at: number, type: TicketEventType, notify: boolean, detail: EffectDetail): TicketEffect {
    t.updatedAt = iso(at);
    const store = this.ctx.stores.get(t.storeId);
    if (store) this.refreshWake(t, store);
    return { type, at, ticket: structuredClone(t), notify, detail };
  }

  private snapshot(t: Ticket, at: number, type: TicketEventType, detail: EffectDetail): TicketEffect {
    return { type, at, ticket: structuredClone(t), notify: true, detail };
  }
}

/** A ticket handed to another provider: the withdrawal for the one that had it, and what its ticket.opened says. */
interface Handover {
  withdrawn: TicketEffect[];
  detail: EffectDetail;
}

function slaPolicy(provider: Provider | null | undefined, priority: Priority): TicketSlaPolicy | null {
  const p = provider?.sla[priority];
  if (!p) return null;
  return { clock: p.clock, goalsMs: { response: p.responseMs, onSite: p.onSiteMs, resolve: p.resolveMs } };
}

function reject(code: TicketRejection['code'], message: string): TicketResult {
  return { effects: [], rejection: { code, message } };
}

/** What the ticket was before its latest wait for the store: on_site, else acknowledged. */
function statusBeforeWaiting(t: Ticket): TicketStatus {
  const wait = t.audit.findLast((a) => a.to === 'waiting_store');
  return wait?.from === 'on_site' ? 'on_site' : 'acknowledged';
}

/** Whether the incident says nothing fails any more (its tills are recovering); absent, nothing is assumed. */
function nothingFails(incident: TicketIncident): boolean {
  return incident.failing?.length === 0;
}

/** Whether the incident says a till began to fail after the ticket was resolved or closed (not cancelled). */
function faultSinceEnded(t: Ticket, incident: TicketIncident): boolean {
  if (t.status !== 'resolved' && t.status !== 'closed') return false;
  const ended = t.resolvedAt ?? t.closedAt;
  return Boolean(incident.faultAt && ended && Date.parse(incident.faultAt) > Date.parse(ended));
}

/**
 * Whether HQ reopened the ticket after the incident's recorded end: they judged the fault not over, so a late
 * update carrying that same end (the final loss figures come an hour later) must not propose resolution again.
 */
function reopenedSince(t: Ticket, endedAt: string | null | undefined): boolean {
  if (!endedAt) return false;
  const ended = Date.parse(endedAt);
  // The ticket's own opening (a graced P3 may open as its recovery begins), the system's reopening and handing the
  // ticket over all put it to open too, but judge nothing about the fault.
  return t.audit.some((a) => a.to === 'open' && a.actor.role === 'hq' && !isHandover(a.reason) && Date.parse(a.at) > ended);
}

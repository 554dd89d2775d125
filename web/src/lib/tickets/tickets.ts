import { rankingWorth, type HqCurrency, type TicketChangedEvent, type TicketPriority, type TicketStatus, type TicketView } from '@storepulse/protocol';
import type { Locale } from '$lib/paraglide/runtime.js';
import { stillFailingLines } from './failing.js';

/**
 * What the tickets list API carries of a ticket; the live events carry the whole view, and with it the fields marked
 * optional here (the list API leaves them out): whether the fault recovered, and how the ticket came to wait.
 */
export type TicketSummary = Pick<
  TicketView,
  'id' | 'incidentId' | 'storeId' | 'providerId' | 'category' | 'priority' | 'status' | 'openedAt' | 'sla' | 'lostRevenue'
> &
  Partial<Pick<TicketView, 'recoveredAt' | 'resolutionProposedAt' | 'autoCloseAt' | 'onSiteAt' | 'audit' | 'failing' | 'stillFailing'>>;

/**
 * What of the ticket's fault still fails now, one line a group of tills, in the reader's language ("T4 (Receipt
 * printer: paper out)", "T1, T2 (offline)"), or as the server words it for a ticket from before it said more;
 * empty once it has recovered, and when the copy at hand does not say (the list API's copy). While it is not empty,
 * a provider or the store cannot resolve the ticket (the server answers 409): it resolves itself once the tills have
 * recovered. HQ still can.
 */
export function stillFailing(t: Pick<TicketSummary, 'failing' | 'stillFailing'>, locale?: Locale): string[] {
  if (Array.isArray(t.stillFailing)) return stillFailingLines(t.stillFailing, locale);
  return Array.isArray(t.failing) ? t.failing.filter((line) => typeof line === 'string' && line.length > 0) : [];
}

export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'acknowledged', 'waiting_store', 'on_site'];
export const isActive = (status: TicketStatus): boolean => ACTIVE_STATUSES.includes(status);

/** Folds a live change in; an older copy of a ticket never replaces a newer one. */
export function applyTicketChange<T extends TicketSummary & { updatedAt?: string }>(
  tickets: Map<string, T>,
  event: Pick<TicketChangedEvent, 'ticket'> & { ticket: T },
): boolean {
  const prev = tickets.get(event.ticket.id);
  if (prev?.updatedAt && event.ticket.updatedAt && Date.parse(prev.updatedAt) > Date.parse(event.ticket.updatedAt)) return false;
  tickets.set(event.ticket.id, event.ticket);
  return true;
}

export interface TicketCounts {
  open: number;
  breached: number;
  unassigned: number;
}

/** The wall's ticket figures: active tickets, those past an SLA target, and those no provider covers. */
export function ticketCounts(tickets: Iterable<TicketSummary>): TicketCounts {
  const out = { open: 0, breached: 0, unassigned: 0 };
  for (const t of tickets) {
    if (!isActive(t.status)) continue;
    out.open += 1;
    if (t.sla.breached) out.breached += 1;
    if (t.providerId === null) out.unassigned += 1;
  }
  return out;
}

/**
 * The fault went away by itself while the ticket is still in play (active, or resolved and not yet closed). The
 * server then proposes the resolution and closes the ticket itself after a quiet period (tickets.autoCloseAfter),
 * unless the fault comes back (which reopens it and clears `recoveredAt`) or a provider or HQ moves it by hand other
 * than to resolved, which withdraws the proposal (`resolutionProposedAt` null): then it stays until someone resolves
 * it. Null for a ticket whose fault still lasts, or when the copy at hand does not say (the list API's).
 */
export interface Recovery {
  at: number;
  /** The server will close it by itself unless the fault comes back. */
  closesItself: boolean;
  /** When, as the server says (`autoCloseAt`); null when it does not close itself or the copy does not say. */
  closesAt: number | null;
}

export function recovery(t: Pick<TicketSummary, 'status' | 'recoveredAt' | 'resolutionProposedAt' | 'autoCloseAt'>): Recovery | null {
  if (!t.recoveredAt || !(isActive(t.status) || t.status === 'resolved')) return null;
  const at = Date.parse(t.recoveredAt);
  if (Number.isNaN(at)) return null;
  const closesItself = !!t.resolutionProposedAt;
  const closesAt = closesItself && t.autoCloseAt ? Date.parse(t.autoCloseAt) : NaN;
  return { at, closesItself, closesAt: Number.isNaN(closesAt) ? null : closesAt };
}

export type SlaTargetName = 'response' | 'onSite' | 'resolve';
export type Urgency = 'ok' | 'warn' | 'near' | 'breached' | 'paused';

export interface SlaCountdown {
  target: SlaTargetName;
  dueAt: number;
  /** Wall-clock time left until the due time; negative once past it. */
  remainingMs: number;
  percent: number;
  urgency: Urgency;
}

const TARGETS: readonly SlaTargetName[] = ['response', 'onSite', 'resolve'];

/**
 * The SLA target that runs out next, as of `now`. A 24×7 clock moves with the wall clock; a store-hours
 * clock only counts while the store is open, so its percentage is the server's until the due time passes.
 */
export function nextDue(ticket: Pick<TicketSummary, 'sla' | 'status'>, now: number): SlaCountdown | null {
  let best: SlaCountdown | null = null;
  for (const name of TARGETS) {
    const t = ticket.sla.targets[name];
    if (!t || t.stopped || t.dueAt === null) continue;
    const dueAt = Date.parse(t.dueAt);
    const remainingMs = dueAt - now;
    let percent = t.percent;
    if (!t.paused && ticket.sla.clock === '24x7' && t.goalMs > 0) percent = Math.max(percent, ((t.goalMs - remainingMs) / t.goalMs) * 100);
    const breached = t.breached || (!t.paused && remainingMs <= 0);
    const urgency: Urgency = breached ? 'breached' : t.paused ? 'paused' : percent >= 75 ? 'near' : percent >= 50 ? 'warn' : 'ok';
    const c = { target: name, dueAt, remainingMs, percent, urgency };
    if (!best || (best.urgency !== 'breached' && (breached || dueAt < best.dueAt))) best = c;
  }
  return best;
}

export interface TicketFilter {
  /** 'active' (default) or one status, or 'all'. */
  status: 'active' | 'all' | TicketStatus;
  priority: 'all' | TicketPriority;
  /** A provider id, '' for the unassigned queue, or 'all'. */
  provider: string;
  query: string;
}

export const DEFAULT_FILTER: TicketFilter = { status: 'active', priority: 'all', provider: 'all', query: '' };

export function filterTickets<T extends TicketSummary>(
  tickets: Iterable<T>,
  f: TicketFilter,
  storeName: (id: string) => string = (id) => id,
  providerName: (id: string) => string = (id) => id,
): T[] {
  const q = f.query.trim().toLowerCase();
  const out: T[] = [];
  for (const t of tickets) {
    if (f.status === 'active' ? !isActive(t.status) : f.status !== 'all' && t.status !== f.status) continue;
    if (f.priority !== 'all' && t.priority !== f.priority) continue;
    if (f.provider !== 'all' && (t.providerId ?? '') !== f.provider) continue;
    const provider = t.providerId ? `${t.providerId} ${providerName(t.providerId)}` : '';
    if (q && !`${t.id} ${t.storeId} ${storeName(t.storeId)} ${provider}`.toLowerCase().includes(q)) continue;
    out.push(t);
  }
  return out;
}

export type TicketSort = 'due' | 'priority' | 'opened' | 'loss';

/**
 * 'due': breached first, then soonest due; then the tickets whose fault recovered by itself (nothing to go and fix:
 * they close themselves), ended tickets last. Ties go to the higher priority, then the older ticket.
 * 'loss' ranks by worth in HQ's currency where `hq` gives rates.
 */
export function sortTickets<T extends TicketSummary>(tickets: T[], by: TicketSort, now: number, hq: HqCurrency | null = null): T[] {
  const due = new Map(tickets.map((t) => [t.id, isActive(t.status) ? nextDue(t, now) : null]));
  const byPriority = (a: T, b: T) => a.priority.localeCompare(b.priority);
  const byOpened = (a: T, b: T) => Date.parse(a.openedAt) - Date.parse(b.openedAt);
  const cmp: Record<TicketSort, (a: T, b: T) => number> = {
    due: (a, b) => {
      const quiet = (t: T) => (!isActive(t.status) ? 2 : recovery(t) ? 1 : 0);
      const q = quiet(a) - quiet(b);
      if (q !== 0) return q;
      const da = due.get(a.id) ?? null;
      const db = due.get(b.id) ?? null;
      if (!da || !db) return (da ? 0 : 1) - (db ? 0 : 1);
      const late = (d: SlaCountdown) => (d.urgency === 'breached' ? 0 : 1);
      return late(da) - late(db) || da.dueAt - db.dueAt;
    },
    priority: byPriority,
    opened: (a, b) => -byOpened(a, b),
    loss: (a, b) => lossWorth(b, hq) - lossWorth(a, hq),
  };
  return [...tickets].sort((a, b) => cmp[by](a, b) || byPriority(a, b) || byOpened(a, b) || a.id.localeCompare(b.id));
}

/** How pressing a card is, as remembered by the provider view between passes. */
export interface Pressure {
  /** 3 for P1, 2 for P2, 1 for P3. */
  priority: number;
  /**
   * The SLA clock's step: 0 paused, no target or the fault recovered by itself, 1 running, 2 past 50 %, 3 past 75 %,
   * 4 breached. A recovered fault that comes back is thus more pressing again, and its card moves up.
   */
  sla: number;
}

const SLA_STEP: Record<Urgency, number> = { paused: 0, ok: 1, warn: 2, near: 3, breached: 4 };

export function pressure(t: Pick<TicketSummary, 'priority' | 'sla' | 'status' | 'recoveredAt' | 'resolutionProposedAt'>, now: number): Pressure {
  const due = isActive(t.status) && !recovery(t) ? nextDue(t, now) : null;
  return { priority: 4 - Number(t.priority.slice(1)), sla: due ? SLA_STEP[due.urgency] : 0 };
}

/** A card as shown: its ticket and how pressing it was then. */
export interface ShownCard {
  id: string;
  pressure: Pressure;
}

export function shownCards(list: readonly TicketSummary[], now: number): ShownCard[] {
  return list.map((t) => ({ id: t.id, pressure: pressure(t, now) }));
}

/**
 * `sorted`, with the cards already `shown` kept in their order, so that a card does not move under the reader's
 * thumb when it becomes less pressing (acknowledged, its response target met, would take it down the list) or a
 * clock ticks. The rule: a card moves only up, and only when it became more pressing than when last shown: its
 * priority rose, or its SLA clock reached a further step (resumed after a pause, past 50 % or 75 % of its goal,
 * breached). It then goes up to where `sorted` puts it: before the first card above it that sorts after it. A
 * ticket new to the list goes likewise before the first card that sorts after it; a ticket gone from `sorted`
 * leaves. With nothing shown yet this is `sorted`.
 */
export function keepOrder<T extends TicketSummary>(shown: readonly ShownCard[], sorted: readonly T[], now: number): T[] {
  const rank = new Map(sorted.map((t, i) => [t.id, i]));
  const before = new Map(shown.map((c) => [c.id, c.pressure]));
  const out = shown.flatMap((c) => {
    const r = rank.get(c.id);
    return r === undefined ? [] : [sorted[r]!];
  });
  const firstAfter = (t: T) => out.findIndex((u) => rank.get(u.id)! > rank.get(t.id)!);
  // Most pressing first, so that each one's place is found among those already placed.
  for (const t of sorted) {
    const was = before.get(t.id);
    if (was === undefined) {
      const at = firstAfter(t);
      out.splice(at < 0 ? out.length : at, 0, t);
      continue;
    }
    const is = pressure(t, now);
    if (is.priority <= was.priority && is.sla <= was.sla) continue;
    const from = out.indexOf(t);
    const to = firstAfter(t);
    if (to < 0 || to >= from) continue;
    out.splice(from, 1);
    out.splice(to, 0, t);
  }
  return out;
}

function lossWorth(t: TicketSummary, hq: HqCurrency | null): number {
  return t.lostRevenue ? rankingWorth(t.lostRevenue.gross, t.lostRevenue.currency, hq) : 0;
}

/** True when the ticket has SLA targets at all: an unassigned one (no provider, so no contract) has none. */
export function hasSla(ticket: Pick<TicketSummary, 'sla'>): boolean {
  const { response, onSite, resolve } = ticket.sla.targets;
  return response !== null || onSite !== null || resolve !== null;
}

export type ProviderAction = 'acknowledged' | 'waiting_store' | 'on_site' | 'resolved';
/** Every button an engineer may get, in the order shown: waiting for the store pauses the SLA clock. */
export const PROVIDER_ACTIONS: readonly ProviderAction[] = ['acknowledged', 'waiting_store', 'on_site', 'resolved'];

/**
 * The status a ticket waiting for the store was in before it waited: the latest move into waiting_store says; a copy
 * without the audit trail tells on site by the engineer's check-in. Null when it is not waiting, or nothing says.
 */
export function waitedFrom(t: Pick<TicketSummary, 'status' | 'onSiteAt' | 'audit'>): TicketStatus | null {
  if (t.status !== 'waiting_store') return null;
  const entry = t.audit?.findLast((e) => e.to === 'waiting_store');
  if (entry?.from) return entry.from;
  return t.onSiteAt ? 'on_site' : null;
}

/**
 * What the provider view offers from each status: the server's rules for a provider, in the order shown, the first
 * being the main button. A ticket that waited for the store after the engineer was on site goes on from there: back
 * on site comes first, and acknowledging (a step back, which the server would record as such) is not offered. While
 * the fault is live (`failing`, see stillFailing) resolving is not offered: the server would refuse it.
 */
export function providerActions(status: TicketStatus, from: TicketStatus | null = null, failing: readonly string[] = []): ProviderAction[] {
  const allowed = new Set(ticketMoves(status, 'provider', failing).map((m) => m.to));
  const out = PROVIDER_ACTIONS.filter((a) => allowed.has(a));
  if (status !== 'waiting_store' || from !== 'on_site' || !allowed.has('on_site')) return out;
  return ['on_site', ...out.filter((a) => a !== 'on_site' && a !== 'acknowledged')];
}

export const PROVIDER_RESOLVE_REASONS = ['hardware_replaced', 'config_fixed', 'remote_fix'] as const;

/** Who moves tickets, in the server's terms: an hq-admin session acts as `hq`. */
export type MoveRole = 'provider' | 'hq' | 'store';

/**
 * The server's ticket lifecycle (server/src/domain/tickets/transitions.ts) for the people using the web, without
 * storepulse's own moves: each rule lists the statuses it starts from and, per role, the reasons to pick from
 * (empty: none asked). test/tickets.test.ts compares it with the server's for every status and role. A rule of the
 * server's ticket engine comes on top (ticketMoves): a provider or the store cannot resolve while the fault is live.
 */
const MOVES: readonly { from: readonly TicketStatus[]; to: TicketStatus; roles: Partial<Record<MoveRole, readonly string[]>> }[] = [
  { from: ['open', 'waiting_store'], to: 'acknowledged', roles: { provider: [], hq: [] } },
  { from: ['waiting_store'], to: 'acknowledged', roles: { store: [] } },
  { from: ['open', 'acknowledged', 'on_site'], to: 'waiting_store', roles: { provider: [], hq: [] } },
  { from: ['open', 'acknowledged', 'waiting_store'], to: 'on_site', roles: { provider: [] } },
  {
    from: ['open', 'acknowledged', 'waiting_store', 'on_site'],
    to: 'resolved',
    roles: {
      provider: PROVIDER_RESOLVE_REASONS,
      store: ['staff_fixed'],
      hq: ['hardware_replaced', 'config_fixed', 'remote_fix', 'staff_fixed'],
    },
  },
  { from: ['resolved'], to: 'closed', roles: { hq: [] } },
  { from: ['open', 'acknowledged', 'waiting_store', 'on_site', 'resolved'], to: 'cancelled', roles: { hq: ['false_alarm', 'duplicate'] } },
  { from: ['resolved', 'closed'], to: 'open', roles: { hq: [] } },
];

/**
 * What a role may do from a status, as the server's `allowedTransitions` lists it; with what still fails
 * (`failing`, see stillFailing), as the server's engine allows it: no resolving a live fault but for HQ.
 */
export function ticketMoves(status: TicketStatus, role: MoveRole, failing: readonly string[] = []): { to: TicketStatus; reasons: string[] }[] {
  return MOVES.flatMap((r) => {
    const reasons = r.roles[role];
    if (r.to === 'resolved' && role !== 'hq' && failing.length > 0) return [];
    return reasons && r.from.includes(status) ? [{ to: r.to, reasons: [...reasons] }] : [];
  });
}

export type HqAction = 'acknowledged' | 'waiting_store' | 'resolved' | 'closed' | 'open' | 'cancelled';
/** Every button an HQ administrator may get, in the order shown. */
export const HQ_ACTIONS: readonly HqAction[] = ['acknowledged', 'waiting_store', 'resolved', 'closed', 'open', 'cancelled'];

/** The buttons an HQ administrator gets from a status, in the order shown: the ending moves (close, reopen, cancel) last. */
export function hqActions(status: TicketStatus): HqAction[] {
  const allowed = new Set(ticketMoves(status, 'hq').map((m) => m.to));
  return HQ_ACTIONS.filter((a) => allowed.has(a));
}

/** The reasons an HQ administrator picks from for a move. */
export function hqReasons(status: TicketStatus, to: HqAction): string[] {
  return ticketMoves(status, 'hq').find((m) => m.to === to)?.reasons ?? [];
}

import { rankingWorth, type HqCurrency, type TicketChangedEvent, type TicketPriority, type TicketStatus, type TicketView } from '@storepulse/protocol';

/** What the tickets list API carries of a ticket; the live events carry the whole view. */
export type TicketSummary = Pick<
  TicketView,
  'id' | 'incidentId' | 'storeId' | 'providerId' | 'category' | 'priority' | 'status' | 'openedAt' | 'sla' | 'lostRevenue'
>;

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
 * 'due': breached first, then soonest due; ended tickets last. Ties go to the higher priority, then the older ticket.
 * 'loss' ranks by worth in HQ's currency where `hq` gives rates.
 */
export function sortTickets<T extends TicketSummary>(tickets: T[], by: TicketSort, now: number, hq: HqCurrency | null = null): T[] {
  const due = new Map(tickets.map((t) => [t.id, isActive(t.status) ? nextDue(t, now) : null]));
  const byPriority = (a: T, b: T) => a.priority.localeCompare(b.priority);
  const byOpened = (a: T, b: T) => Date.parse(a.openedAt) - Date.parse(b.openedAt);
  const cmp: Record<TicketSort, (a: T, b: T) => number> = {
    due: (a, b) => {
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

/**
 * `sorted`, with the tickets already in `shown` kept in that order: a card does not move under the reader's thumb
 * when its own status changes (acknowledged, its response target met, would take it down the list) or a clock
 * ticks. A ticket new to the list goes where `sorted` puts it, before the first shown ticket that sorts after it;
 * a ticket gone from `sorted` leaves. With nothing shown yet this is `sorted`.
 */
export function keepOrder<T extends { id: string }>(shown: readonly string[], sorted: readonly T[]): T[] {
  const byId = new Map(sorted.map((t) => [t.id, t]));
  const kept = shown.filter((id) => byId.has(id));
  const rank = new Map(kept.map((id, i) => [id, i]));
  const out = kept.map((id) => byId.get(id)!);
  // New tickets, each placed before the first kept ticket that comes after it in `sorted`.
  const inserts: { at: number; ticket: T }[] = [];
  let next = kept.length;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const t = sorted[i]!;
    const r = rank.get(t.id);
    if (r !== undefined) next = Math.min(next, r);
    else inserts.push({ at: next, ticket: t });
  }
  // Last to first, so that earlier positions stay right; equal positions keep `sorted`'s order.
  for (const { at, ticket } of inserts) out.splice(at, 0, ticket);
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

/** What the provider view offers from each status: the server's rules for a provider, in the order shown. */
export function providerActions(status: TicketStatus): ProviderAction[] {
  const allowed = new Set(ticketMoves(status, 'provider').map((m) => m.to));
  return PROVIDER_ACTIONS.filter((a) => allowed.has(a));
}

export const PROVIDER_RESOLVE_REASONS = ['hardware_replaced', 'config_fixed', 'remote_fix'] as const;

/** Who moves tickets, in the server's terms: an hq-admin session acts as `hq`. */
export type MoveRole = 'provider' | 'hq' | 'store';

/**
 * The server's ticket lifecycle (server/src/domain/tickets/transitions.ts) for the people using the web, without
 * storepulse's own moves: each rule lists the statuses it starts from and, per role, the reasons to pick from
 * (empty: none asked). test/tickets.test.ts compares it with the server's for every status and role.
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

/** What a role may do from a status, as the server's `allowedTransitions` lists it. */
export function ticketMoves(status: TicketStatus, role: MoveRole): { to: TicketStatus; reasons: string[] }[] {
  return MOVES.flatMap((r) => {
    const reasons = r.roles[role];
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

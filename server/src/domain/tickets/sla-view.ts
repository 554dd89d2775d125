import type { TicketSla, TicketSlaTarget } from '@storepulse/protocol';
import { calendarFor, type Pause, type SlaCalendar } from '../sla/clock.js';
import { targetStatus, type TargetInput } from '../sla/status.js';
import type { StoreConfig } from '../store.js';
import { clockStartMs } from './assignment.js';
import { SLA_TARGETS, type SlaTargetName, type Ticket, type TicketSlaPolicy } from './types.js';

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export function ticketPauses(t: Ticket): Pause[] {
  return t.pauses.map((p) => ({ start: Date.parse(p.start), end: ms(p.end) }));
}

/**
 * When the ticket's clocks stop: it was resolved, closed or cancelled, or its fault recovered, whichever came first.
 * After recovery nothing is left to respond to, come to or fix, so no target can breach from then on.
 */
export function clockEndMs(t: Ticket): number | null {
  const ends = [t.resolvedAt, t.closedAt, t.cancelledAt, t.recoveredAt].filter((x): x is string => x !== null).map(Date.parse);
  return ends.length > 0 ? Math.min(...ends) : null;
}

/** When each target stops counting: met, or the ticket's clocks stopped, whichever came first. */
function stopOf(t: Ticket, target: SlaTargetName): number | null {
  const end = clockEndMs(t);
  const met = target === 'response' ? ms(t.acknowledgedAt ?? t.onSiteAt) : target === 'onSite' ? ms(t.onSiteAt) : null;
  return met === null ? end : end === null ? met : Math.min(met, end);
}

/** One target's clock inputs, with the calendar it counts in. */
export interface TicketTarget extends TargetInput {
  cal: SlaCalendar;
}

/** The clock inputs of each target the ticket's policy sets (or kept from before a raise); null where it sets none. */
export function ticketTargets(t: Ticket, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>): Record<SlaTargetName, TicketTarget | null> {
  const pauses = ticketPauses(t);
  const out = {} as Record<SlaTargetName, TicketTarget | null>;
  for (const name of SLA_TARGETS) {
    const policy = t.sla;
    const { clock, goalMs } = policy?.kept?.[name] ?? { clock: policy?.clock ?? '24x7', goalMs: policy?.goalsMs[name] ?? null };
    out[name] = goalMs === null ? null : { goalMs, startMs: clockStartMs(t), stopMs: stopOf(t, name), pauses, cal: calendarFor(clock, store) };
  }
  return out;
}

/**
 * The ticket's policy once its priority went up to `next`'s. A target already stopped (met, or the ticket ended) keeps
 * the goal and clock it stopped under, so a verdict given never changes; the running ones take the new goals, counted,
 * like every target, from the opening (or HQ's assignment).
 */
export function raisedPolicy(t: Ticket, next: TicketSlaPolicy): TicketSlaPolicy {
  const old = t.sla;
  const kept: NonNullable<TicketSlaPolicy['kept']> = {};
  for (const name of SLA_TARGETS) {
    if (old && stopOf(t, name) !== null) kept[name] = old.kept?.[name] ?? { clock: old.clock, goalMs: old.goalsMs[name] };
  }
  return Object.keys(kept).length > 0 ? { ...next, kept } : next;
}

/** One SLA target and the `sla` object of the API, as the protocol defines them for the web. */
export type TargetView = TicketSlaTarget;
export type TicketSlaView = TicketSla;

export function ticketSla(t: Ticket, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>, nowMs: number): TicketSlaView {
  const inputs = ticketTargets(t, store);
  const targets = {} as Record<SlaTargetName, TargetView | null>;
  for (const name of SLA_TARGETS) {
    const input = inputs[name];
    if (!input) {
      targets[name] = null;
      continue;
    }
    const s = targetStatus(input.cal, input, nowMs);
    targets[name] = {
      goalMs: s.goalMs,
      dueAt: iso(s.dueAt),
      elapsedMs: s.elapsedMs,
      remainingMs: s.remainingMs,
      percent: Math.round(s.fraction * 1000) / 10,
      stopped: s.stopped,
      paused: s.paused,
      breached: s.breached,
    };
  }
  const all = Object.values(targets).filter((v): v is TargetView => v !== null);
  return {
    clock: t.sla?.clock ?? null,
    responseDueAt: targets.response?.dueAt ?? null,
    onSiteDueAt: targets.onSite?.dueAt ?? null,
    resolveDueAt: targets.resolve?.dueAt ?? null,
    paused: all.some((v) => v.paused),
    breached: all.some((v) => v.breached),
    targets,
  };
}

/** The list shape of the tickets API. */
export function ticketSummary(t: Ticket, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>, nowMs: number) {
  return {
    id: t.id,
    incidentId: t.incidentId,
    storeId: t.storeId,
    providerId: t.providerId,
    category: t.category,
    priority: t.priority,
    status: t.status,
    openedAt: t.openedAt,
    sla: ticketSla(t, store, nowMs),
    lostRevenue: t.lostRevenue,
    // A ticket whose fault recovered on its own shows so in lists too, not only once opened.
    recoveredAt: t.recoveredAt,
    resolutionProposedAt: t.resolutionProposedAt,
    autoCloseAt: t.autoCloseAt ?? null,
  };
}

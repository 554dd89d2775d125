import type { Provider } from '../sla/providers.js';
import { isActive } from './transitions.js';
import type { Actor, SlaTargetName, Ticket, TicketSlaPolicy } from './types.js';

/** The audit reason of HQ's assignment. */
export const ASSIGNED = 'assigned';
/** The audit reason of the system's: the fault became one another provider covers, before anyone took it up. */
export const REROUTED = 'rerouted';

/** Whether an audit entry hands the ticket over (back to open for the new provider), judging nothing about the fault. */
export const isHandover = (reason: string | null): boolean => reason === ASSIGNED || reason === REROUTED;

/** Whether HQ gave the ticket its provider by hand (its latest handover is HQ's): the system does not move it then. */
export const placedByHq = (t: Ticket): boolean => t.audit.findLast((a) => isHandover(a.reason))?.actor.role === 'hq';

/** Why HQ cannot hand this ticket to this provider, or null when it can. */
export type AssignmentProblem =
  | { code: 'unknown_provider'; message: string }
  | { code: 'invalid_transition'; message: string }
  | null;

export function assignmentProblem(t: Ticket, providerId: string, providers: readonly Provider[], actor: Actor): AssignmentProblem {
  if (actor.role !== 'hq') return { code: 'invalid_transition', message: 'only HQ assigns tickets' };
  if (!providers.some((p) => p.id === providerId)) return { code: 'unknown_provider', message: `providerId: no provider ${providerId}` };
  // A resolved ticket has nothing left to hand over; reopen it first.
  if (!isActive(t.status)) return { code: 'invalid_transition', message: `a ${t.status} ticket cannot be assigned` };
  if (t.providerId === providerId) return { code: 'invalid_transition', message: `the ticket is already ${providerId}'s` };
  return null;
}

/**
 * Hands the ticket to a provider as if it had just opened for them: their SLA policy for its priority, the clocks,
 * marks and escalations from now, and back to `open` so they acknowledge it themselves. Someone else's
 * acknowledgement or visit does not count as theirs; the audit keeps them, and `earlierHolders` what the SLA report
 * counts for the provider it is taken from (`breached`: the targets that provider had breached by now). A recovered
 * fault stays recovered: its clocks stay stopped, and it still closes itself if it was going to. A null provider is
 * HQ's unassigned queue (rerouted when nobody covers it any more).
 */
export function assignTicket(
  t: Ticket, provider: Provider | null, policy: TicketSlaPolicy | null, at: string, actor: Actor, reason: typeof ASSIGNED | typeof REROUTED,
  note: string | null, breached: readonly SlaTargetName[],
): void {
  const from = t.status;
  if (t.providerId) {
    const stint = { providerId: t.providerId, from: new Date(clockStartMs(t)).toISOString(), acknowledgedAt: t.acknowledgedAt, onSiteAt: t.onSiteAt, breached: [...breached] };
    t.earlierHolders = [...(t.earlierHolders ?? []), stint];
  }
  const open = t.pauses.find((p) => p.end === null);
  if (open) open.end = at;
  t.audit.push({ at, actor, from, to: 'open', reason, note, fromProvider: t.providerId, ...(provider ? { toProvider: provider.id } : {}) });
  t.providerId = provider?.id ?? null;
  t.sla = policy;
  t.assignedAt = at;
  t.status = 'open';
  t.acknowledgedAt = null;
  t.onSiteAt = null;
  t.onSiteLocation = null;
  // Unlike a hands-on move, handing it over judges nothing about the fault: a ticket whose fault recovered still
  // closes itself, for the new provider too.
  t.slaMarks = {
    response: { warned50: false, warned75: false, breached: false },
    onSite: { warned50: false, warned75: false, breached: false },
    resolve: { warned50: false, warned75: false, breached: false },
  };
  t.escalationsSent = [];
}

/** Where the ticket's SLA clocks and escalations count from: its assignment, else its opening. */
export function clockStartMs(t: Pick<Ticket, 'openedAt' | 'assignedAt'>): number {
  return Date.parse(t.assignedAt ?? t.openedAt);
}

import type { StillFailing, TicketLostRevenue } from '@storepulse/protocol';
import type { SlaClock } from '../sla/clock.js';

export const PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** What a ticket is about; a provider covers some of these (or all). */
export const CATEGORIES = ['pos', 'printer', 'payment', 'network'] as const;
export type Category = (typeof CATEGORIES)[number];

export const TICKET_STATUSES = ['open', 'acknowledged', 'waiting_store', 'on_site', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Notification types, also the `type` of a webhook body. */
export const TICKET_EVENT_TYPES = [
  'ticket.opened',
  'ticket.updated',
  'ticket.escalated',
  'sla.warning',
  'sla.breached',
  'ticket.closed',
  // The ticket went to another provider (HQ's assignment, or rerouted): sent to the one that had it, to stop work on it.
  'ticket.withdrawn',
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/** Who acts on a ticket. `system` is storepulse itself (auto-open, reopen, auto-close). */
export type ActorRole = 'provider' | 'hq' | 'store' | 'system';
export interface Actor {
  role: ActorRole;
  /** Provider id, user name or store id; `storepulse` for the system. */
  id: string;
}

export interface GeoLocation {
  lat: number;
  lon: number;
  accuracyM?: number;
}

export interface AuditEntry {
  at: string;
  actor: Actor;
  from: TicketStatus | null;
  to: TicketStatus;
  reason: string | null;
  note: string | null;
  location?: GeoLocation;
  /** On a handover: the provider it came from and the one it went to (null, or absent: the unassigned queue). */
  fromProvider?: string | null;
  toProvider?: string;
}

/** A provider's time with a ticket before HQ handed it to another, as the SLA report counts it. */
export interface ProviderStint {
  providerId: string;
  /** Where its clocks counted from: the opening, or HQ's assignment to it (the audit says when HQ took it away). */
  from: string;
  acknowledgedAt: string | null;
  onSiteAt: string | null;
  /** The SLA targets it had breached by then. */
  breached: SlaTargetName[];
}

export type SlaTargetName = 'response' | 'onSite' | 'resolve';
export const SLA_TARGETS: readonly SlaTargetName[] = ['response', 'onSite', 'resolve'];

/** The policy copied onto the ticket when it opens, so later config edits never move its clock. */
export interface TicketSlaPolicy {
  clock: SlaClock;
  goalsMs: Record<SlaTargetName, number | null>;
  /** Targets already stopped when the priority went up: still judged by the goal and clock they stopped under. */
  kept?: Partial<Record<SlaTargetName, { clock: SlaClock; goalMs: number | null }>>;
}

/** Which threshold notifications were already sent, per target. */
export interface SlaMarks {
  warned50: boolean;
  warned75: boolean;
  breached: boolean;
}

export type { LostRevenue, TicketLostRevenue } from '@storepulse/protocol';

export interface Ticket {
  id: string;
  /** The incident that opened it, and every incident attached later by recurrence. */
  incidentId: string;
  incidentIds: string[];
  /** Same store, kind and tills: what a recurrence must match to reopen this ticket. */
  faultKey: string;
  storeId: string;
  tillIds: string[];
  kind: string;
  category: Category;
  components: Record<string, { state: string; detail?: string }> | null;
  details: string | null;
  /** Null: nobody covers this store and category, so it sits in HQ's unassigned queue. */
  providerId: string | null;
  priority: Priority;
  status: TicketStatus;
  /** When the fault began (the incident's start). */
  startedAt: string;
  openedAt: string;
  /**
   * When HQ last handed the ticket to its provider: its SLA clocks and escalations count from here, not from
   * `openedAt` (the provider cannot answer a ticket before it has it). Absent or null: routed when it opened.
   */
  assignedAt?: string | null;
  updatedAt: string;
  acknowledgedAt: string | null;
  onSiteAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  /** Set while the incident is over; cleared by a recurrence. */
  recoveredAt: string | null;
  /** Recovery proposes resolution; auto-close counts its quiet period from here. */
  resolutionProposedAt: string | null;
  /** When the ticket closes itself if nothing changes (resolutionProposedAt + autoCloseAfter); null when it will not. */
  autoCloseAt?: string | null;
  /**
   * What of the incident still fails, one line a fault ("T4 still reports printer paper_out"); empty once it has
   * recovered. While it is not, only HQ can resolve the ticket. Absent on tickets saved before it existed.
   */
  failing?: string[];
  /** The same, structured, for the web to word in the reader's language. Absent on tickets saved before it existed. */
  stillFailing?: StillFailing[];
  visitors: number | null;
  /** The current incident's, `uncounted` while none of it is counted yet (see TicketLostRevenue). */
  lostRevenue: TicketLostRevenue | null;
  sla: TicketSlaPolicy | null;
  pauses: { start: string; end: string | null }[];
  slaMarks: Record<SlaTargetName, SlaMarks>;
  /** Escalation notifications sent so far, per step index. */
  escalationsSent: number[];
  onSiteLocation: GeoLocation | null;
  /** The providers the ticket was taken from (by HQ, or rerouted), in turn: the SLA report counts their time with it. Absent: never handed over. */
  earlierHolders?: ProviderStint[];
  audit: AuditEntry[];
  /** Earliest moment a tick may change something (epoch ms), or null: lets tick skip idle tickets. */
  wakeAt: number | null;
}

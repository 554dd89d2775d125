import type { IncidentKind, TicketPriority } from './state.js';

/** A month's incidents, of one store or (in `totals`) of one currency: `GET /api/reports/lost-revenue`. */
export interface LossFigures {
  currency: string;
  incidents: number;
  /** From each fault's start to its end (or to where recovery began, or now, while open). */
  downtimeMs: number;
  visitors: number;
  gross: number;
  net: number;
  /** Only when some are stores offline still open with none of their loss counted yet: the most they may add to gross. */
  uncountedUpTo?: number;
}

/** One store's incidents of a month, in one currency. */
export interface LossReportRow extends LossFigures {
  storeId: string;
  /** Incidents by kind, only the kinds it had. */
  kinds: Partial<Record<IncidentKind, number>>;
}

export interface LossReport {
  /** Highest net loss first within each currency; currencies in alphabetical order. */
  stores: LossReportRow[];
  /** One line per currency: currencies are never added together. */
  totals: LossFigures[];
}

/** One provider's tickets of a month (`providerId` null: HQ's unassigned queue): `GET /api/reports/sla`. */
export interface SlaReportRow {
  providerId: string | null;
  /** The tickets it held last (taken away from it or not: each ticket counts once, under its last provider). */
  tickets: Record<TicketPriority, number> & { total: number };
  /**
   * Tickets taken from it (by HQ, or rerouted) that another provider holds last (they count in that one's `tickets`).
   * Its response and on-site times on every ticket it had, and the targets it had breached by the time it was taken,
   * count in its own means and breaches, one ticket it had twice with both times'.
   */
  withdrawn: number;
  /** Mean wall-clock times from opening (or from HQ's assignment), over the tickets that reached the step; null if none did. */
  mttaMs: number | null;
  mttoMs: number | null;
  /** Leaves out a ticket resolved before its provider had it (its fault recovered before HQ assigned it). */
  mttrMs: number | null;
  breaches: Record<'response' | 'onSite' | 'resolve', number> & { total: number };
  /**
   * Lost revenue during these tickets, per currency. `uncountedUpTo`, only when some are: the most the tickets whose
   * loss is not counted yet (a store offline still open) may add to it, the sum of their bounds.
   */
  lostRevenue: Record<string, { gross: number; net: number; uncountedUpTo?: number }>;
}

import type { IncidentKind } from './state.js';

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

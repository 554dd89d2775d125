import type { WeekHours } from '@storepulse/protocol';
import { openIntervals } from '../opening-hours.js';
import { buildBaselineProfile, incidentLevel } from './baseline.js';
import type { FootfallBin, SalesBin } from './bins.js';
import type { CapacitySegment } from './capacity.js';
import { estimateLoss, type EstimatorOptions, type LossEstimate, type StoreRates } from './estimator.js';
import { learnRates } from './rates.js';
import { clipTo, MINUTE_MS, QUARTER_MS, type Interval } from './time.js';

/** The rates look 4 weeks back, and entries up to an hour before that. */
const HISTORY_MS = (4 * 7 + 1) * 24 * 3600_000;

export interface WindowStore extends StoreRates {
  timezone: string;
  hours: WeekHours;
  holidays: readonly string[];
}

/** One outage judged after the fact from what a store sends: the backtest's entry point. */
export interface WindowInput {
  store: WindowStore;
  range: Interval;
  /** Counter bins of the past weeks and of the day itself. */
  footfall: readonly FootfallBin[];
  /** Sales bins likewise, or null when the store has no sales feed. */
  sales: readonly SalesBin[] | null;
  capacity: readonly CapacitySegment[];
  normalTills: number;
  /** Earlier incidents, left out of the baseline and the learned rates. */
  pastIncidents?: readonly Interval[];
  /** Minutes after recovery looked at for net; 60 by default. */
  recaptureMin?: number;
  options?: Partial<EstimatorOptions>;
}

/**
 * Learns the baseline and rates as of the incident's day, measures today's level around it, and
 * estimates the loss over opening hours, net of the hour after recovery.
 */
export function estimateWindow(input: WindowInput): LossEstimate {
  const { store, range } = input;
  const excluded = [...(input.pastIncidents ?? []), range];
  const recaptureUntil = range.end + (input.recaptureMin ?? 60) * MINUTE_MS;
  const open = openIntervals(store.hours, store.timezone, range.start - HISTORY_MS, recaptureUntil, store.holidays);
  const history = { footfall: input.footfall, timezone: store.timezone, asOf: range.start, holidays: store.holidays, excluded };
  const baseline = buildBaselineProfile(history);
  const rates = input.sales ? learnRates({ ...history, sales: input.sales, open }) : null;
  const level = incidentLevel(baseline, input.footfall, range, recaptureUntil);
  return estimateLoss({
    range,
    // From a quarter before the start: a sales bin straddling it (15 min at most) is compared whole.
    active: clipTo({ start: range.start - QUARTER_MS, end: recaptureUntil }, open),
    open,
    footfall: input.footfall,
    sales: input.sales,
    // Judged after the fact: the sales feed is complete up to its newest bin (a loop: weeks of bins overflow a spread).
    salesUntil: input.sales?.reduce((until, b) => Math.max(until, b.binEnd), range.end),
    capacity: input.capacity,
    normalTills: input.normalTills,
    baseline,
    level: level.k,
    levelAfterRecovery: level.afterRecovery,
    rates,
    store,
    recaptureUntil,
    options: input.options,
  });
}

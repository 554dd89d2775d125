import { openIntervals } from '../opening-hours.js';
import { buildBaselineProfile } from '../revenue/baseline.js';
import type { FootfallBin, SalesBin } from '../revenue/bins.js';
import { learnRates } from '../revenue/rates.js';
import type { Interval } from '../revenue/time.js';
import type { IncidentStore, StoreModel } from './types.js';

/** The rates look 4 weeks back, and entries up to an hour before that. */
const RATES_HISTORY_MS = (4 * 7 + 1) * 24 * 3600_000;

export interface StoreHistory {
  /** Footfall and sales bins of at least the past 6 weeks. */
  footfall: readonly FootfallBin[];
  sales: readonly SalesBin[];
  /** Earlier incidents of the store, left out of what is learned. */
  incidents: readonly Interval[];
}

/** What the engine needs to know about a store's normal days, learned as of `asOf` (rebuild daily). */
export function buildStoreModel(store: IncidentStore, history: StoreHistory, asOf: number): StoreModel {
  const common = { footfall: history.footfall, timezone: store.timezone, asOf, holidays: store.holidays, excluded: history.incidents };
  const baseline = buildBaselineProfile(common);
  return {
    baseline: Object.keys(baseline.slots).length > 0 ? baseline : null,
    rates: history.sales.length > 0 ? learnRates({ ...common, sales: history.sales, open: openIntervals(store.hours, store.timezone, asOf - RATES_HISTORY_MS, asOf, store.holidays) }) : null,
  };
}

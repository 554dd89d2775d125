import { DateTime } from 'luxon';
import { footfallIn, salesIn, type FootfallBin, type SalesBin } from './bins.js';
import { coveredShare, DEFAULT_LAG_OPTIONS, learnPurchaseLag, minuteGrid, sumMinutes, type LagOptions } from './minute-grid.js';
import { clamp, quantile } from './stats.js';
import { localParts, type LocalParts, MINUTE_MS, overlapWithAll, quarterStart, QUARTER_MS, type Interval } from './time.js';

/** Conversion and basket learned over some hours of sales and footfall. */
export interface RateCell {
  conversion: number;
  basket: number;
  visitors: number;
  transactions: number;
  hours: number;
}

export interface RateTable {
  timezone: string;
  /** Keyed "weekday-HH" (ISO weekday 1–7, local hour). */
  byHour: Record<string, RateCell>;
  /** Every usable hour pooled: used where a weekday-hour has too little data. */
  store: RateCell | null;
  /** P90 of transactions one working till handles in 15 min: the capacity model's μ. */
  tillPerQuarterP90: number | null;
  /**
   * How long customers typically take from coming in to paying. Conversion is purchases over the
   * entries this long before them, and an outage loses the purchases of those who came in this long
   * before it; 0 when it could not be learned.
   */
  purchaseLagMs: number;
  /** Spread of single transaction values (standard deviation ÷ mean), from the sales bins; null when too few. */
  basketCv?: number | null;
}

export interface RateOptions {
  weeks: number;
  minHours: number;
  minVisitors: number;
  minTransactions: number;
  /** An hour counts only if the counter covered at least this share of it. */
  minCoverage: number;
  /** Busy till-quarters needed before μ is trusted. */
  minTillSamples: number;
  /** Weight of the store's pooled basket in each weekday-hour, in visitors. */
  priorVisitors: number;
  lag: LagOptions;
}

export const DEFAULT_RATE_OPTIONS: RateOptions = {
  weeks: 4,
  minHours: 2,
  minVisitors: 50,
  minTransactions: 10,
  minCoverage: 0.9,
  minTillSamples: 20,
  priorVisitors: 200,
  lag: DEFAULT_LAG_OPTIONS,
};

export interface RateHistory {
  footfall: readonly FootfallBin[];
  sales: readonly SalesBin[];
  timezone: string;
  /** Learn from the weeks before this moment's local date. */
  asOf: number;
  /** Past incidents: an hour touching one is left out. */
  excluded?: readonly Interval[];
  holidays?: readonly string[];
  sensors?: readonly string[];
  /** When the store was open over the history: entries are known to be zero outside. Without it, only counted minutes count. */
  open?: readonly Interval[];
}

function bucket<T extends { binStart: number; binEnd: number }>(bins: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const b of bins) {
    for (let q = quarterStart(b.binStart); q < b.binEnd; q += QUARTER_MS) {
      const list = map.get(q);
      if (list) list.push(b);
      else map.set(q, [b]);
    }
  }
  return map;
}

interface HourAcc {
  key: string;
  /** First minute of the hour in the grid, and its length in minutes (a DST hour may repeat). */
  minute: number;
  minutes: number;
  visitors: number;
  transactions: number;
  revenue: number;
  usable: boolean;
  sales: boolean;
}

function hourKey(local: LocalParts): string {
  return `${local.weekday}-${local.time.slice(0, 2)}`;
}

function cell(visitors: number, transactions: number, revenue: number, hours: number): RateCell {
  return { conversion: transactions / visitors, basket: revenue / transactions, visitors, transactions, hours };
}

/**
 * Conversion (transactions ÷ entries) and basket (revenue ÷ transactions) per local weekday and hour over
 * the trailing weeks, from hours with both a covered counter and a sales feed and no incident; plus μ.
 */
export function learnRates(history: RateHistory, options: Partial<RateOptions> = {}): RateTable {
  const opts = { ...DEFAULT_RATE_OPTIONS, ...options, lag: { ...DEFAULT_RATE_OPTIONS.lag, ...options.lag } };
  const zone = history.timezone;
  const holidays = new Set(history.holidays ?? []);
  const excluded = history.excluded ?? [];
  const sensors = history.sensors ?? [...new Set(history.footfall.map((b) => b.sensorId))];
  const foot = bucket(history.footfall);
  const sales = bucket(history.sales);
  const tills = [...new Set(history.sales.map((b) => b.tillId))];
  const hours = new Map<string, HourAcc>();
  const tillQuarters: number[] = [];
  /** Each clean sales bin's revenue and transactions: its spread around n × basket is n × the basket's variance. */
  const binSales: { revenue: number; transactions: number }[] = [];
  const end = DateTime.fromMillis(history.asOf, { zone }).startOf('day');
  const start = end.minus({ days: opts.weeks * 7 });
  // Entries are looked at up to the longest lag before each hour.
  const gridStart = start.toMillis() - opts.lag.maxLagMin * MINUTE_MS;
  const grid = minuteGrid({ start: gridStart, end: end.toMillis() }, history.footfall, sensors, history.sales, history.open ?? null);
  for (let q = start.toMillis(); q < end.toMillis(); q += QUARTER_MS) {
    const local = localParts(q, zone);
    if (holidays.has(local.date)) continue;
    const slot = { start: q, end: q + QUARTER_MS };
    const hourId = `${local.date} ${local.time.slice(0, 2)}`;
    let h = hours.get(hourId);
    if (!h) {
      h = { key: hourKey(local), minute: (q - gridStart) / MINUTE_MS, minutes: 0, visitors: 0, transactions: 0, revenue: 0, usable: true, sales: false };
      hours.set(hourId, h);
    }
    h.minutes += QUARTER_MS / MINUTE_MS;
    const seen = footfallIn(foot.get(q) ?? [], slot, sensors);
    const sold = sales.get(q) ?? [];
    const clean = overlapWithAll(slot, excluded) === 0;
    if (!clean || seen.coverage < opts.minCoverage) h.usable = false;
    if (sold.length > 0) h.sales = true;
    const s = salesIn(sold, slot);
    h.transactions += s.transactions;
    h.revenue += s.revenue;
    if (!clean) continue;
    for (const till of tills) {
      const t = salesIn(sold.filter((b) => b.tillId === till), slot).transactions;
      if (t > 0) tillQuarters.push(t);
    }
    // Whole bins only, once each: the quarter they start in.
    for (const b of sold) if (b.transactions > 0 && quarterStart(b.binStart) === q && b.binEnd <= q + QUARTER_MS) binSales.push(b);
  }
  const candidates = [...hours.values()].filter((h) => h.usable && h.sales);
  const maxLag = opts.lag.maxLagMin;
  const lagMin = learnPurchaseLag(
    grid,
    candidates.filter((h) => h.minutes === 60 && coveredShare(grid, h.minute - maxLag, h.minutes + maxLag) >= opts.minCoverage).map((h) => h.minute),
    opts.lag,
  );
  // Conversion is purchases over the entries one lag earlier: an hour's buyers came in before it.
  for (const h of candidates) {
    if (coveredShare(grid, h.minute - lagMin, h.minutes) < opts.minCoverage) h.usable = false;
    // Entries are counts: drop the float dust that spreading bins over minutes leaves.
    h.visitors = Math.round(sumMinutes(grid.entries, h.minute - lagMin, h.minutes) * 1e6) / 1e6;
  }
  const pooled = new Map<string, { v: number; t: number; r: number; n: number }>();
  const all = { v: 0, t: 0, r: 0, n: 0 };
  for (const h of hours.values()) {
    if (!h.usable || !h.sales || h.visitors <= 0) continue;
    const p = pooled.get(h.key) ?? { v: 0, t: 0, r: 0, n: 0 };
    for (const acc of [p, all]) {
      acc.v += h.visitors;
      acc.t += h.transactions;
      acc.r += h.revenue;
      acc.n += 1;
    }
    pooled.set(h.key, p);
  }
  const enough = (a: { v: number; t: number; n: number }) =>
    a.n >= opts.minHours && a.v >= opts.minVisitors && a.t >= opts.minTransactions;
  const store = enough(all) ? cell(all.v, all.t, all.r, all.n) : null;
  const byHour: Record<string, RateCell> = {};
  const cells = [...pooled].filter(([, p]) => enough(p));
  // A weekday-hour has only a few weeks of data: shrink it toward the store's pooled rates, so a handful
  // of unusual hours cannot swing the estimate. Conversion is pooled as much as the store's hours look
  // alike; the basket with the weight of `priorVisitors`.
  const prior = store ? conversionPrior(cells.map(([, p]) => p), store.conversion, all.v) : 0;
  for (const [key, p] of cells) {
    if (!store) continue;
    const conversion = (p.t + prior * store.conversion) / (p.v + prior);
    const t = p.t + opts.priorVisitors * store.conversion;
    const r = p.r + opts.priorVisitors * store.conversion * store.basket;
    byHour[key] = { conversion, basket: r / t, visitors: p.v, transactions: p.t, hours: p.n };
  }
  return {
    timezone: zone,
    byHour,
    store,
    tillPerQuarterP90: tillQuarters.length >= opts.minTillSamples ? quantile(tillQuarters, 0.9) : null,
    purchaseLagMs: lagMin * MINUTE_MS,
    basketCv: store ? basketSpread(binSales, store.basket, opts.minTillSamples) : null,
  };
}

/** Standard deviation ÷ mean of one transaction's value, from bins' revenue around transactions × basket. */
function basketSpread(bins: readonly { revenue: number; transactions: number }[], basket: number, minBins: number): number | null {
  if (bins.length < minBins || basket <= 0) return null;
  let squares = 0;
  let n = 0;
  for (const b of bins) {
    squares += (b.revenue - b.transactions * basket) ** 2;
    n += b.transactions;
  }
  return Math.sqrt(squares / n) / basket;
}

/**
 * How many visitors' worth of the pooled conversion `p` each weekday-hour is shrunk with: the counting
 * noise of a conversion over V visitors is p(1 − p)/V, and whatever the hours spread beyond that is
 * real difference between them (τ², method of moments). Hours that differ only by noise are pooled
 * (up to `max`, the store's visitors); hours that really differ keep their own.
 */
export function conversionPrior(cells: readonly { v: number; t: number }[], p: number, max: number): number {
  const noise = p * (1 - p);
  if (cells.length < 2 || noise <= 0) return max;
  let q = 0;
  let sw = 0;
  let sw2 = 0;
  for (const c of cells) {
    const w = c.v / noise;
    q += w * (c.t / c.v - p) ** 2;
    sw += w;
    sw2 += w * w;
  }
  const spread = Math.max(0, (q - (cells.length - 1)) / (sw - sw2 / sw));
  return spread > 0 ? Math.min(max, noise / spread) : max;
}

export type RateSource = 'hour' | 'store' | 'config';

export interface Rates {
  conversion: number;
  basket: number;
  source: RateSource;
  /** Relative uncertainty of conversion × basket, for the low/high band. */
  relError: number;
}

/** A configured rate is a guess: give it a wide band. */
const CONFIG_REL_ERROR = 0.3;

function fromCell(c: RateCell, source: RateSource): Rates {
  // Counting noise of the transactions the rate was learned from, kept within sane bounds.
  return { conversion: c.conversion, basket: c.basket, source, relError: clamp(1 / Math.sqrt(c.transactions), 0.05, 0.3) };
}

/** The rates for the local weekday-hour of `ms`: learned if possible, else the store's configured ones. */
export function ratesAt(table: RateTable | null, ms: number, config: { conversion: number; avgBasket: number }): Rates {
  if (table) {
    const c = table.byHour[hourKey(localParts(ms, table.timezone))];
    if (c) return fromCell(c, 'hour');
    if (table.store) return fromCell(table.store, 'store');
  }
  return { conversion: config.conversion, basket: config.avgBasket, source: 'config', relError: CONFIG_REL_ERROR };
}

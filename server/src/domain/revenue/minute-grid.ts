import type { FootfallBin, SalesBin } from './bins.js';
import { MINUTE_MS, type Interval } from './time.js';

/**
 * Footfall and sales spread over one-minute cells (pro rata within each bin), so that entries can be
 * shifted against purchases by whole minutes cheaply.
 */
export interface MinuteGrid {
  start: number;
  length: number;
  entries: Float64Array;
  /** Share of the minute the counter covered (averaged over sensors), or 1 while the store was closed. */
  covered: Float64Array;
  transactions: Float64Array;
}

function spread(bin: { binStart: number; binEnd: number }, grid: { start: number; length: number }, add: (m: number, share: number, ms: number) => void) {
  const width = bin.binEnd - bin.binStart;
  if (width <= 0) return;
  const first = Math.max(0, Math.floor((bin.binStart - grid.start) / MINUTE_MS));
  const last = Math.min(grid.length - 1, Math.floor((bin.binEnd - 1 - grid.start) / MINUTE_MS));
  for (let m = first; m <= last; m++) {
    const cellStart = grid.start + m * MINUTE_MS;
    const ms = Math.min(bin.binEnd, cellStart + MINUTE_MS) - Math.max(bin.binStart, cellStart);
    if (ms > 0) add(m, ms / width, ms);
  }
}

/**
 * Builds the grid over [range.start, range.end) (whole minutes from range.start). `open`, when given,
 * lists when the store was open: nobody could come in outside it, so those minutes count as covered with
 * no entries (staff or a miscount before opening), as the estimator counts them.
 */
export function minuteGrid(
  range: Interval,
  footfall: readonly FootfallBin[],
  sensors: readonly string[],
  sales: readonly SalesBin[],
  open: readonly Interval[] | null,
): MinuteGrid {
  const length = Math.max(0, Math.ceil((range.end - range.start) / MINUTE_MS));
  const grid: MinuteGrid = {
    start: range.start,
    length,
    entries: new Float64Array(length),
    covered: new Float64Array(length),
    transactions: new Float64Array(length),
  };
  const ids = new Set(sensors);
  for (const b of footfall) {
    if (b.binEnd <= range.start || b.binStart >= range.end || !ids.has(b.sensorId)) continue;
    spread(b, grid, (m, share, ms) => {
      grid.entries[m]! += b.visitors * share;
      grid.covered[m]! += ms / MINUTE_MS / ids.size;
    });
  }
  for (const b of sales) {
    if (b.binEnd <= range.start || b.binStart >= range.end) continue;
    spread(b, grid, (m, share) => {
      grid.transactions[m]! += b.transactions * share;
    });
  }
  if (open) {
    const isOpen = new Uint8Array(length);
    for (const o of open) spread({ binStart: o.start, binEnd: o.end }, grid, (m) => (isOpen[m] = 1));
    for (let m = 0; m < length; m++) {
      if (isOpen[m]) continue;
      grid.covered[m] = 1;
      grid.entries[m] = 0;
    }
  }
  for (let m = 0; m < length; m++) grid.covered[m] = Math.min(1, grid.covered[m]!);
  return grid;
}

/** Sum of `series` over the minutes [from, from + count); minutes outside the grid add nothing. */
export function sumMinutes(series: Float64Array, from: number, count: number): number {
  let n = 0;
  for (let m = Math.max(0, from); m < Math.min(series.length, from + count); m++) n += series[m]!;
  return n;
}

/** Share of the minutes [from, from + count) the counter covered; minutes outside the grid count as uncovered. */
export function coveredShare(grid: MinuteGrid, from: number, count: number): number {
  return count > 0 ? sumMinutes(grid.covered, from, count) / count : 1;
}

export interface LagOptions {
  /** Longest delay between coming in and paying that is considered. */
  maxLagMin: number;
  /**
   * Purchases are compared with entries in cells of this many minutes: no finer than the bins (the
   * server keeps 15-min bins), or spreading a bin's entries evenly over it passes for a longer delay.
   */
  cellMin: number;
  /** Hours needed before the lag is trusted. */
  minHours: number;
}

export const DEFAULT_LAG_OPTIONS: LagOptions = { maxLagMin: 45, cellMin: 15, minHours: 20 };

/**
 * Entries spread forward in time by a memoryless delay with a mean of `meanMin` minutes: the expected
 * purchases per minute, up to conversion, if shoppers' browse times have that mean.
 */
export function delayedEntries(entries: Float64Array, meanMin: number): Float64Array {
  const keep = meanMin / (1 + meanMin);
  const out = new Float64Array(entries.length);
  let carry = 0;
  for (let m = 0; m < entries.length; m++) {
    carry = (1 - keep) * entries[m]! + keep * carry;
    out[m] = carry;
  }
  return out;
}

/**
 * The mean delay, in whole minutes, between customers coming in and paying. Shoppers need a few
 * minutes at least to pick and pay, and then browse for a skewed while (most briefly, a few for long),
 * so purchases trail entries by a delay of a fixed part plus a memoryless part; a plain shift would fit
 * the bulk of it and miss its mean, which is what the loss needs. Both parts are chosen so that the
 * delayed entries best explain the purchases within each hour (least squares with a free conversion
 * per hour, so hourly swings in conversion do not pass for a delay), with their sum at most
 * `maxLagMin`. `hours` are the grid minute offsets of usable hours (covered, clean, with sales,
 * entries covered `maxLagMin` back). 0 when there are too few.
 */
export function learnPurchaseLag(grid: MinuteGrid, hours: readonly number[], options: Partial<LagOptions> = {}): number {
  const opts = { ...DEFAULT_LAG_OPTIONS, ...options };
  if (hours.length < opts.minHours) return 0;
  const cells = Math.floor(60 / opts.cellMin);
  const bought = hours.map((h) => Array.from({ length: cells }, (_, c) => sumMinutes(grid.transactions, h + c * opts.cellMin, opts.cellMin)));
  let best = 0;
  let bestSse = Infinity;
  for (let browse = 0; browse <= opts.maxLagMin; browse++) {
    // Running totals of the delayed entries: any shifted cell is then one subtraction.
    const delayed = delayedEntries(grid.entries, browse);
    const total = new Float64Array(delayed.length + 1);
    for (let m = 0; m < delayed.length; m++) total[m + 1] = total[m]! + delayed[m]!;
    const cellSum = (from: number) => total[Math.min(delayed.length, Math.max(0, from + opts.cellMin))]! - total[Math.min(delayed.length, Math.max(0, from))]!;
    for (let fixed = 0; fixed + browse <= opts.maxLagMin; fixed++) {
      let sse = 0;
      hours.forEach((h, i) => {
        const x = bought[i]!;
        let xx = 0;
        let xe = 0;
        let ee = 0;
        for (let c = 0; c < cells; c++) {
          const e = cellSum(h + c * opts.cellMin - fixed);
          xx += x[c]! * x[c]!;
          xe += x[c]! * e;
          ee += e * e;
        }
        sse += ee > 0 ? xx - (xe * xe) / ee : xx;
      });
      if (sse < bestSse) {
        best = fixed + browse;
        bestSse = sse;
      }
    }
  }
  return best;
}

import { overlapMs, QUARTER_MS, type Interval } from './time.js';

/** Entries counted by one door sensor over [binStart, binEnd) (epoch ms). */
export interface FootfallBin {
  sensorId: string;
  binStart: number;
  binEnd: number;
  visitors: number;
}

/** Sales of one till over [binStart, binEnd) (epoch ms), in the store's currency. */
export interface SalesBin {
  tillId: string;
  binStart: number;
  binEnd: number;
  transactions: number;
  revenue: number;
}

interface Binned {
  binStart: number;
  binEnd: number;
}

/** Share of a bin that lies inside `range`: a bin partly inside counts pro rata. */
export function binShare(bin: Binned, range: Interval): number {
  const width = bin.binEnd - bin.binStart;
  if (width <= 0) return 0;
  return overlapMs({ start: bin.binStart, end: bin.binEnd }, range) / width;
}

export interface FootfallSlice {
  /** Measured entries inside the range, pro rata. */
  visitors: number;
  /** Share of the range (0..1) the sensors reported on, averaged over sensors. */
  coverage: number;
}

/**
 * Entries in `range` summed over sensors, with how much of the range they covered. A store's sensors
 * are taken to share its traffic evenly, so a silent sensor leaves (1 − coverage) to be filled in.
 */
export function footfallIn(bins: readonly FootfallBin[], range: Interval, sensors?: readonly string[]): FootfallSlice {
  const ids = sensors ?? [...new Set(bins.map((b) => b.sensorId))];
  const width = range.end - range.start;
  if (ids.length === 0 || width <= 0) return { visitors: 0, coverage: 0 };
  let visitors = 0;
  const covered = new Map<string, number>();
  for (const b of bins) {
    const share = binShare(b, range);
    if (share === 0 || !ids.includes(b.sensorId)) continue;
    visitors += b.visitors * share;
    covered.set(b.sensorId, (covered.get(b.sensorId) ?? 0) + overlapMs({ start: b.binStart, end: b.binEnd }, range));
  }
  let coverage = 0;
  for (const id of ids) coverage += Math.min(1, (covered.get(id) ?? 0) / width);
  return { visitors, coverage: coverage / ids.length };
}

export interface SalesSlice {
  transactions: number;
  revenue: number;
}

/** Transactions and revenue in `range` over all tills, pro rata. */
export function salesIn(bins: readonly SalesBin[], range: Interval): SalesSlice {
  let transactions = 0;
  let revenue = 0;
  for (const b of bins) {
    const share = binShare(b, range);
    transactions += b.transactions * share;
    revenue += b.revenue * share;
  }
  return { transactions, revenue };
}

/**
 * The bins that may overlap a range (those in the quarter hours it touches), in their original order, so that sums over
 * them come out the same to the last bit as over every bin. A long incident
 * asks for many short ranges of thousands of bins: scanning them all each time made a week-long outage's refresh
 * take a hundred times longer than a day-old one's.
 */
export class BinIndex<T extends Binned> {
  private readonly byQuarter = new Map<number, number[]>();

  constructor(private readonly bins: readonly T[]) {
    bins.forEach((b, i) => {
      for (let q = Math.floor(b.binStart / QUARTER_MS) * QUARTER_MS; q < b.binEnd; q += QUARTER_MS) {
        const list = this.byQuarter.get(q);
        if (list) list.push(i);
        else this.byQuarter.set(q, [i]);
      }
    });
  }

  within(range: Interval): T[] {
    const found = new Set<number>();
    for (let q = Math.floor(range.start / QUARTER_MS) * QUARTER_MS; q < range.end; q += QUARTER_MS) {
      for (const i of this.byQuarter.get(q) ?? []) found.add(i);
    }
    return [...found].sort((a, b) => a - b).map((i) => this.bins[i]!);
  }
}

/**
 * Merges each run of back-to-back bins of one sensor or till that lie inside the same 15-min bin and
 * end before `before` into one bin: old data keeps its counts and coverage at a fraction of the size.
 * Within a merged bin, pro rata becomes uniform.
 */
export function compactBins<T extends { binStart: number; binEnd: number }>(
  bins: readonly T[],
  before: number,
  key: (b: T) => string,
  merge: (a: T, b: T) => T,
): T[] {
  const out: T[] = [];
  const sorted = [...bins].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.binStart - b.binStart));
  for (const b of sorted) {
    const prev = out[out.length - 1];
    const q = Math.floor(b.binStart / QUARTER_MS) * QUARTER_MS;
    const fits = b.binEnd <= before && b.binEnd <= q + QUARTER_MS;
    if (prev && fits && key(prev) === key(b) && prev.binEnd === b.binStart && prev.binStart >= q) out[out.length - 1] = merge(prev, b);
    else out.push(b);
  }
  return out;
}

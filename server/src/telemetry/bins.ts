/** Bin arithmetic shared by both adapters, so that they return the same bins for the same query. */
import { DateTime } from 'luxon';
import type { HistoryQuery, RollupQuery, SeriesQuery } from './port.js';

/** Width of rollup bins, and so of baseline history. */
export const ROLLUP_BIN_SECONDS = 15 * 60;
export const ROLLUP_BIN_MS = ROLLUP_BIN_SECONDS * 1000;
/** Longest range one series query may cover, in bins: keeps a chart request from scanning a year at 10 s. */
export const MAX_SERIES_BINS = 20_000;
export const MAX_HISTORY_WEEKS = 60;

/** Time stored in the database: whole seconds, floored. */
export function toSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export function floorTo(ms: number, binMs: number): number {
  return Math.floor(ms / binMs) * binMs;
}

/** Throws a RangeError describing what is wrong with a series query. */
export function checkSeriesQuery(q: SeriesQuery): void {
  if (!Number.isInteger(q.binSeconds) || q.binSeconds < 1) throw new RangeError('binSeconds must be a positive integer');
  const binMs = q.binSeconds * 1000;
  if (!Number.isSafeInteger(q.from) || !Number.isSafeInteger(q.to)) throw new RangeError('from and to must be integers (ms)');
  if (q.from % binMs !== 0 || q.to % binMs !== 0) throw new RangeError('from and to must be multiples of binSeconds');
  if (q.to <= q.from) throw new RangeError('to must be after from');
  if ((q.to - q.from) / binMs > MAX_SERIES_BINS) throw new RangeError(`a series may hold at most ${MAX_SERIES_BINS} bins`);
}

/** Throws a RangeError describing what is wrong with a rollup query: a series query of quarter-hour bins. */
export function checkRollupQuery(q: RollupQuery): void {
  checkSeriesQuery({ ...q, binSeconds: ROLLUP_BIN_SECONDS });
}

/** Start times of every bin of [from, to). */
export function binStarts(q: SeriesQuery): number[] {
  const binMs = q.binSeconds * 1000;
  const out: number[] = [];
  for (let t = q.from; t < q.to; t += binMs) out.push(t);
  return out;
}

/** Empty bins take the previous bin's value; leading empty bins stay null (InfluxQL's fill(previous)). */
export function fillPrevious(values: (number | null)[]): (number | null)[] {
  let last: number | null = null;
  return values.map((v) => {
    if (v !== null) last = v;
    return v ?? last;
  });
}

/** Throws a RangeError describing what is wrong with a history query. */
export function checkHistoryQuery(q: HistoryQuery): void {
  if (!Number.isSafeInteger(q.binStart) || q.binStart % ROLLUP_BIN_MS !== 0) {
    throw new RangeError('binStart must be the start of a 15-minute bin');
  }
  if (!Number.isInteger(q.weeks) || q.weeks < 1 || q.weeks > MAX_HISTORY_WEEKS) {
    throw new RangeError(`weeks must be 1..${MAX_HISTORY_WEEKS}`);
  }
  if (!DateTime.local().setZone(q.timezone).isValid) throw new RangeError(`unknown time zone ${q.timezone}`);
}

/**
 * The bins at the same weekday and local wall time, 1..weeks weeks before `binStart`, in `timezone`.
 * A wall time that does not exist on that day (spring forward) moves forward with the clock, as Luxon does.
 */
export function sameBinPreviousWeeks(binStart: number, timezone: string, weeks: number): { weeksAgo: number; binStart: number }[] {
  const local = DateTime.fromMillis(binStart, { zone: timezone });
  const out: { weeksAgo: number; binStart: number }[] = [];
  for (let k = 1; k <= weeks; k++) {
    out.push({ weeksAgo: k, binStart: floorTo(local.minus({ weeks: k }).toMillis(), ROLLUP_BIN_MS) });
  }
  return out;
}

/** One entry per bin of the query, from a map of bin start (ms) to value; missing bins are null. */
export function dense<T>(q: SeriesQuery, found: Map<number, T>): { t: number; value: T | null }[] {
  return binStarts(q).map((t) => ({ t, value: found.get(t) ?? null }));
}

import { IANAZone } from 'luxon';
import type { Interval } from '../opening-hours.js';

export type { Interval };

/** A moment as epoch milliseconds or an ISO-8601 string with a zone (as on the wire). */
export type Moment = number | string;

export const MINUTE_MS = 60_000;
export const QUARTER_MS = 15 * MINUTE_MS;

/** Epoch ms of a moment; NaN for an unparsable string, so callers can reject it. */
export function toMs(t: Moment): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Start of the 15-min bin holding `ms`. Every real UTC offset is a multiple of 15 min, so it is also a local quarter. */
export function quarterStart(ms: number): number {
  return Math.floor(ms / QUARTER_MS) * QUARTER_MS;
}

export function overlapMs(a: Interval, b: Interval): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
}

/** Total overlap of `a` with a list of disjoint intervals. */
export function overlapWithAll(a: Interval, list: readonly Interval[]): number {
  let total = 0;
  for (const i of list) total += overlapMs(a, i);
  return total;
}

/** Intersection of a single interval with a list of disjoint intervals, in order. */
export function clipTo(a: Interval, list: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const i of list) {
    const start = Math.max(a.start, i.start);
    const end = Math.min(a.end, i.end);
    if (start < end) out.push({ start, end });
  }
  return out.sort((x, y) => x.start - y.start);
}

/** `list` minus `cut`; both sorted lists of disjoint intervals. */
export function subtract(list: readonly Interval[], cut: readonly Interval[]): Interval[] {
  let out = list.map((i) => ({ ...i }));
  for (const c of cut) {
    const next: Interval[] = [];
    for (const i of out) {
      if (c.end <= i.start || c.start >= i.end) next.push(i);
      else {
        if (i.start < c.start) next.push({ start: i.start, end: c.start });
        if (c.end < i.end) next.push({ start: c.end, end: i.end });
      }
    }
    out = next;
  }
  return out;
}

/** Sorts and merges overlapping or touching intervals. */
export function mergeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const prev = out[out.length - 1];
    if (prev && i.start <= prev.end) prev.end = Math.max(prev.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/** `i` cut in two at `at` when `at` falls inside it. */
export function splitAt(i: Interval, at: number): Interval[] {
  return at > i.start && at < i.end ? [{ start: i.start, end: at }, { start: at, end: i.end }] : [i];
}

/** The 15-min bins overlapping [start, end), each clipped to it. */
export function quarters(range: Interval): Interval[] {
  const out: Interval[] = [];
  for (let q = quarterStart(range.start); q < range.end; q += QUARTER_MS) {
    out.push({ start: Math.max(q, range.start), end: Math.min(q + QUARTER_MS, range.end) });
  }
  return out;
}

export interface LocalParts {
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** YYYY-MM-DD */
  date: string;
  /** "HH:MM" */
  time: string;
}

/**
 * Local calendar fields of a moment in a time zone. The zone's offset at that very moment is used, so
 * DST days come out right; plain Date arithmetic after that keeps long history scans fast.
 */
export function localParts(ms: number, timezone: string): LocalParts {
  const local = new Date(ms + IANAZone.create(timezone).offset(ms) * 60_000);
  const iso = local.toISOString();
  return { weekday: local.getUTCDay() || 7, date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

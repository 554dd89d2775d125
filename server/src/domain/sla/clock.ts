import type { WeekHours } from '@storepulse/protocol';
import type { Interval } from '../opening-hours.js';
import { openIntervals } from '../opening-hours.js';
import type { StoreConfig } from '../store.js';

export const SLA_CLOCKS = ['24x7', 'store_hours'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/** The time an SLA counts: every minute, or only the store's own opening hours in its time zone. */
export type SlaCalendar =
  | { clock: '24x7' }
  | { clock: 'store_hours'; hours: WeekHours; timezone: string; holidays: readonly string[] };

/** A pause of the clock; `end: null` while it still runs. Epoch ms. */
export interface Pause {
  start: number;
  end: number | null;
}

const DAY_MS = 86_400_000;
/** How far ahead a due time is searched for; a store that never opens in this span has none. */
const HORIZON_MS = 400 * DAY_MS;
const MAX_WINDOW_MS = 32 * DAY_MS;

export function calendarFor(clock: SlaClock, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>): SlaCalendar {
  return clock === '24x7' ? { clock } : { clock, hours: store.hours, timezone: store.timezone, holidays: store.holidays };
}

function subtract(intervals: Interval[], pauses: readonly Pause[]): Interval[] {
  let out = intervals;
  for (const p of pauses) {
    const pEnd = p.end ?? Infinity;
    const next: Interval[] = [];
    for (const i of out) {
      if (pEnd <= i.start || p.start >= i.end) {
        next.push(i);
        continue;
      }
      if (p.start > i.start) next.push({ start: i.start, end: p.start });
      if (pEnd < i.end) next.push({ start: pEnd, end: i.end });
    }
    out = next;
  }
  return out;
}

/** The counting intervals of a calendar inside [fromMs, toMs), pauses taken out. */
export function countingIntervals(cal: SlaCalendar, fromMs: number, toMs: number, pauses: readonly Pause[] = []): Interval[] {
  if (toMs <= fromMs) return [];
  const base =
    cal.clock === '24x7' ? [{ start: fromMs, end: toMs }] : openIntervals(cal.hours, cal.timezone, fromMs, toMs, cal.holidays);
  return subtract(base, pauses);
}

/** Counted milliseconds between two moments. */
export function elapsedMs(cal: SlaCalendar, fromMs: number, toMs: number, pauses: readonly Pause[] = []): number {
  return countingIntervals(cal, fromMs, toMs, pauses).reduce((sum, i) => sum + (i.end - i.start), 0);
}

/**
 * The moment at which `amountMs` of counted time has passed since `fromMs`; null when that never
 * happens within the search horizon (a store with no opening hours, or a pause that has not ended).
 */
export function addCountedTime(cal: SlaCalendar, fromMs: number, amountMs: number, pauses: readonly Pause[] = []): number | null {
  let left = amountMs;
  // Windows grow from two days: most targets end within a few, and each day costs a little.
  for (let winStart = fromMs, win = 2 * DAY_MS; winStart < fromMs + HORIZON_MS; winStart += win, win = Math.min(win * 2, MAX_WINDOW_MS)) {
    for (const i of countingIntervals(cal, winStart, winStart + win, pauses)) {
      const len = i.end - i.start;
      if (len >= left) return i.start + left;
      left -= len;
    }
  }
  return null;
}

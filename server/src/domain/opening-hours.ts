import { DateTime } from 'luxon';
import { WEEKDAYS, type WeekHours } from '@storepulse/protocol';

/** "HH:MM-HH:MM"; an end at or before the start runs past midnight, and 24:00 is the end of the day. */
export const HOURS_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-4]):[0-5]\\d$';
const HOURS_REGEX = new RegExp(HOURS_PATTERN);

export interface Interval {
  /** Epoch milliseconds, inclusive. */
  start: number;
  /** Epoch milliseconds, exclusive. */
  end: number;
}

const DAY_MS = 86_400_000;
/** Day openings already converted to UTC, by zone, date and hours: the same few store days recur everywhere. */
const dayCache = new Map<string, Interval>();
const DAY_CACHE_LIMIT = 100_000;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function isValidHours(spec: string): boolean {
  if (!HOURS_REGEX.test(spec)) return false;
  const [from, to] = spec.split('-') as [string, string];
  return minutes(from) < 24 * 60 && minutes(to) <= 24 * 60;
}

/**
 * Whether "HH:MM-HH:MM" ends the next day (22:00-06:00, or 00:00-00:00 for a whole day). Decided on the written
 * times, not their instants: on the spring DST day a start inside the skipped hour moves forward onto the end.
 */
export function runsPastMidnight(spec: string): boolean {
  const [from, to] = spec.split('-') as [string, string];
  return minutes(to) <= minutes(from);
}

/** Epoch ms of a local wall-clock time; 24:00 is the next midnight. A time skipped by DST moves forward. */
function wallTime(timezone: string, date: string, hhmm: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const base = DateTime.fromObject({ year, month, day }, { zone: timezone });
  // Wall-clock times (set), never elapsed minutes from midnight: a DST day has 23 or 25 hours.
  return (hour === 24 ? base.plus({ days: 1 }).startOf('day') : base.set({ hour, minute })).toMillis();
}

/** The opening that starts on a local date, e.g. 2026-10-25 with "10:00-20:00"; an end before the start is the next day. */
function dayOpening(timezone: string, date: string, spec: string): Interval {
  const key = `${timezone}|${date}|${spec}`;
  let hit = dayCache.get(key);
  if (!hit) {
    const [from, to] = spec.split('-') as [string, string];
    const start = wallTime(timezone, date, from);
    const end = wallTime(timezone, runsPastMidnight(spec) ? nextDate(date) : date, to);
    hit = { start, end };
    if (dayCache.size >= DAY_CACHE_LIMIT) dayCache.clear();
    dayCache.set(key, hit);
  }
  return hit;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The opening intervals (UTC epoch ms) of a store that overlap [fromMs, toMs), built from the local wall-clock times
 * of each day in the store's time zone, so DST changes and midnight crossings come out right. Holidays are local
 * dates on which the store does not open (its overnight tail included).
 */
export function openIntervals(
  hours: WeekHours,
  timezone: string,
  fromMs: number,
  toMs: number,
  holidays: readonly string[] = [],
): Interval[] {
  const out: Interval[] = [];
  // Local calendar dates, walked as plain dates, from the day before: its overnight opening can reach in.
  let day = Date.parse(`${DateTime.fromMillis(fromMs, { zone: timezone }).toISODate()}T00:00:00Z`) - DAY_MS;
  const last = Date.parse(`${DateTime.fromMillis(toMs, { zone: timezone }).toISODate()}T00:00:00Z`);
  for (; day <= last; day += DAY_MS) {
    const d = new Date(day);
    const spec = hours[WEEKDAYS[(d.getUTCDay() + 6) % 7]!];
    const date = d.toISOString().slice(0, 10);
    if (!spec || holidays.includes(date)) continue;
    const open = dayOpening(timezone, date, spec);
    const s = Math.max(open.start, fromMs);
    const e = Math.min(open.end, toMs);
    if (s >= e) continue;
    const prev = out[out.length - 1];
    if (prev && s <= prev.end) prev.end = Math.max(prev.end, e);
    else out.push({ start: s, end: e });
  }
  return out;
}

const HORIZON_MS = 8 * 24 * 3600_000;

/** Whether the store is open at `atMs`, and until when that holds (null: for more than a week). */
export function openState(hours: WeekHours, timezone: string, atMs: number, holidays: readonly string[] = []): { open: boolean; until: number | null } {
  const [first] = openIntervals(hours, timezone, atMs, atMs + HORIZON_MS, holidays);
  if (!first) return { open: false, until: null };
  if (first.start > atMs) return { open: false, until: first.start };
  return { open: true, until: first.end < atMs + HORIZON_MS ? first.end : null };
}

/** True when the store is open at `atMs`. */
export function isOpenAt(hours: WeekHours, timezone: string, atMs: number, holidays: readonly string[] = []): boolean {
  return openIntervals(hours, timezone, atMs, atMs + 1, holidays).length > 0;
}

/** The next moment after `atMs` at which open/closed changes, within a week; null if it never does. */
export function nextTransition(hours: WeekHours, timezone: string, atMs: number, holidays: readonly string[] = []): number | null {
  return openState(hours, timezone, atMs, holidays).until;
}

import { DateTime } from 'luxon';
import { WEEKDAYS, type MaintenanceWarning, type MaintenanceWindow as SavedWindow, type StoreGroup, type Weekday } from '@storepulse/protocol';
import { isValidHours, runsPastMidnight, type Interval } from '../opening-hours.js';
import { mergeIntervals } from '../revenue/time.js';

/**
 * The API's and the config file's window (in the protocol, which the web app shares). `since` (epoch ms): it covers
 * nothing before then. A window made through the API takes the moment it was first saved: maintenance is planned, and
 * one declared after the fact must not erase the losses of an incident already counted and shown, nor a fault's record.
 */
export type MaintenanceWindow = SavedWindow & { since?: number };

/** What a window needs to know about a store. */
export interface MaintenanceTarget {
  id: string;
  timezone: string;
  groups?: readonly string[];
}

const hasOffset = (iso: string) => /[Tt ].*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(iso);

/** Why a window is unusable, or null when it is fine: the config loader and the API reject such windows. */
export function maintenanceProblem(w: MaintenanceWindow): string | null {
  if (!w.storeIds?.length && !w.groups?.length) return 'a maintenance window needs storeIds or groups';
  const oneOff = w.start !== undefined || w.end !== undefined;
  if (oneOff === (w.recurrence !== undefined)) return 'a maintenance window is either one-off (start, end) or recurring';
  if (w.recurrence) {
    if (w.recurrence.weekdays.length === 0 || w.recurrence.weekdays.some((d) => !WEEKDAYS.includes(d))) {
      return 'recurrence weekdays must be mon..sun';
    }
    return isValidHours(w.recurrence.hours) ? null : 'recurrence hours must be HH:MM-HH:MM';
  }
  const start = DateTime.fromISO(w.start ?? '', { zone: 'UTC' });
  const end = DateTime.fromISO(w.end ?? '', { zone: 'UTC' });
  if (!start.isValid || !end.isValid) return 'start and end must be ISO date-times';
  // Only comparable without a store's zone when both are local times or both are instants.
  if (hasOffset(w.start!) === hasOffset(w.end!) && end <= start) return 'end must be after start';
  return null;
}

/**
 * Why a window would cover less than it names. Saving is not refused for this: a window is often made before the
 * store it is for is configured, or before stores are put in its group, and covers them as soon as they are.
 */
export function maintenanceWarnings(w: MaintenanceWindow, stores: readonly MaintenanceTarget[]): MaintenanceWarning[] {
  const ids = new Set(stores.map((s) => s.id));
  const groups = new Set(stores.flatMap((s) => s.groups ?? []));
  return [
    ...(w.storeIds ?? []).filter((id) => !ids.has(id)).map((id) => ({
      code: 'store_not_configured' as const,
      subject: id,
      message: `store ${id} is not configured: the window covers it once it is`,
    })),
    ...(w.groups ?? []).filter((g) => !groups.has(g)).map((g) => ({
      code: 'group_without_stores' as const,
      subject: g,
      message: `no configured store is in group ${g}: the window covers nothing there until one is`,
    })),
  ];
}

/** Every group the stores are in, by name, with its stores: what a window may name. */
export function storeGroups(stores: readonly MaintenanceTarget[]): StoreGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const s of stores) for (const g of s.groups ?? []) void (byGroup.get(g)?.push(s.id) ?? byGroup.set(g, [s.id]));
  return [...byGroup].sort(([a], [b]) => a.localeCompare(b)).map(([group, storeIds]) => ({ group, storeIds: storeIds.sort() }));
}

export function coversStore(w: MaintenanceWindow, store: MaintenanceTarget): boolean {
  return (w.storeIds?.includes(store.id) ?? false) || (w.groups?.some((g) => store.groups?.includes(g)) ?? false);
}

function wallClock(date: DateTime, hhmm: string, zone: string): DateTime {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  if (hour === 24) return date.plus({ days: 1 }).startOf('day');
  // From calendar fields, not "midnight + minutes": on a DST day those differ by an hour.
  return DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour, minute }, { zone });
}

/**
 * A one-off window's instants in a zone, parsed once: parsing is the dear part (a chain may keep a window per store
 * refit, looked at again on every change), and a window is replaced, never changed in place.
 */
const oneOffs = new WeakMap<MaintenanceWindow, Map<string, Interval>>();
function oneOffInterval(w: MaintenanceWindow, zone: string): Interval {
  let byZone = oneOffs.get(w);
  if (!byZone) oneOffs.set(w, (byZone = new Map()));
  let i = byZone.get(zone);
  if (!i) byZone.set(zone, (i = { start: DateTime.fromISO(w.start ?? '', { zone }).toMillis(), end: DateTime.fromISO(w.end ?? '', { zone }).toMillis() }));
  return i;
}

function windowIntervals(w: MaintenanceWindow, zone: string, from: number, to: number): Interval[] {
  const placed = placedIntervals(w, zone, from, to);
  const since = w.since;
  if (since === undefined) return placed;
  return placed.filter((i) => i.end > since).map((i) => (i.start < since ? { start: since, end: i.end } : i));
}

function placedIntervals(w: MaintenanceWindow, zone: string, from: number, to: number): Interval[] {
  if (!w.recurrence) {
    const { start, end } = oneOffInterval(w, zone);
    return start < end && start < to && end > from ? [{ start, end }] : [];
  }
  const [fromHm, toHm] = w.recurrence.hours.split('-') as [string, string];
  const overnight = runsPastMidnight(w.recurrence.hours);
  const out: Interval[] = [];
  // A day early: last night's window can run past midnight into the range.
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone }).startOf('day');
  while (day <= last) {
    if (w.recurrence.weekdays.includes(WEEKDAYS[day.weekday - 1]!)) {
      const start = wallClock(day, fromHm, zone).toMillis();
      const end = wallClock(overnight ? day.plus({ days: 1 }) : day, toHm, zone).toMillis();
      // A window wholly inside the hour the spring DST change skips does not happen that day.
      if (start < end && start < to && end > from) out.push({ start, end });
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/** The maintenance intervals (epoch ms, merged) of a store that overlap [from, to). */
export function maintenanceIntervals(
  windows: readonly MaintenanceWindow[],
  store: MaintenanceTarget,
  from: number,
  to: number,
): Interval[] {
  return mergeIntervals(windows.filter((w) => coversStore(w, store)).flatMap((w) => windowIntervals(w, store.timezone, from, to)));
}

/** How far ahead the end of a maintenance stretch, or the next change, is looked for: a week, a weekly window's longest run. */
const LOOKAHEAD_MS = 8 * 86_400_000;

/** The window a store is in and when its maintenance (windows that overlap, merged) ends, epoch ms. */
export interface MaintenanceNow {
  windowId: string;
  until: number;
}

/**
 * Which stores are in maintenance at `at` (the first window in order that holds them, as the engine judges) and the
 * first moment after `at` when any of that may change: a window of theirs starts or ends, or a lookahead has passed.
 * A fleet shares a few time zones, so each window is placed once per zone rather than once per store.
 */
export function maintenanceSchedule(
  windows: readonly MaintenanceWindow[],
  stores: Iterable<MaintenanceTarget>,
  at: number,
): { now: Map<string, MaintenanceNow>; nextChange: number } {
  const to = at + LOOKAHEAD_MS;
  const placed = new Map<MaintenanceWindow, Map<string, Interval[]>>();
  const place = (w: MaintenanceWindow, zone: string): Interval[] => {
    const byZone = placed.get(w) ?? placed.set(w, new Map()).get(w)!;
    return byZone.get(zone) ?? byZone.set(zone, windowIntervals(w, zone, at, to)).get(zone)!;
  };
  // Windows by the stores and groups they name, so each store looks only at its own (in their order): a chain with a
  // one-off window per store refit would otherwise check every window against every store.
  const named = new Map<string, number[]>();
  const add = (key: string, i: number) => void (named.get(key)?.push(i) ?? named.set(key, [i]));
  windows.forEach((w, i) => {
    for (const id of w.storeIds ?? []) add(`s:${id}`, i);
    for (const g of w.groups ?? []) add(`g:${g}`, i);
  });
  const now = new Map<string, MaintenanceNow>();
  let nextChange = to;
  for (const store of stores) {
    const own = [...(named.get(`s:${store.id}`) ?? []), ...(store.groups ?? []).flatMap((g) => named.get(`g:${g}`) ?? [])];
    if (own.length === 0) continue;
    let windowId: string | null = null;
    const mine: Interval[] = [];
    for (const k of [...new Set(own)].sort((a, b) => a - b)) {
      const w = windows[k]!;
      for (const i of place(w, store.timezone)) {
        mine.push(i);
        if (i.start <= at && at < i.end) windowId ??= w.id;
        if (i.start > at) nextChange = Math.min(nextChange, i.start);
        nextChange = Math.min(nextChange, i.end);
      }
    }
    if (windowId === null) continue;
    const stretch = mergeIntervals(mine).find((i) => i.start <= at && at < i.end)!;
    now.set(store.id, { windowId, until: stretch.end });
  }
  return { now, nextChange };
}

/** The window a store is in at `at`, or null. */
export function activeMaintenance(windows: readonly MaintenanceWindow[], store: MaintenanceTarget, at: number): MaintenanceWindow | null {
  for (const w of windows) {
    if (coversStore(w, store) && windowIntervals(w, store.timezone, at, at + 1).some((i) => i.start <= at && at < i.end)) return w;
  }
  return null;
}

import { DateTime } from 'luxon';

/** The [start, end) of a `YYYY-MM` month in a time zone, in epoch ms; null for a malformed month. */
export function monthRange(month: string, timezone = 'UTC'): { start: number; end: number } | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) return null;
  const start = DateTime.fromISO(`${month}-01`, { zone: timezone });
  if (!start.isValid) return null;
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** Widest gap between UTC and a local clock. */
const MAX_ZONE_OFFSET_MS = 14 * 3600_000;

/** The ISO UTC span that holds `month` in every time zone: what to fetch for a report of stores' local months. */
export function monthFetchSpan(month: string): { from: string; to: string } | null {
  const utc = monthRange(month);
  if (!utc) return null;
  return { from: new Date(utc.start - MAX_ZONE_OFFSET_MS).toISOString(), to: new Date(utc.end + MAX_ZONE_OFFSET_MS).toISOString() };
}

/**
 * Whether a moment falls in `month` on a zone's own calendar (a Vladivostok ticket of 1 December 01:00 local is
 * December's); each zone's month is worked out once. Null for a malformed month.
 */
export function localMonth(month: string): ((ms: number, timezone: string) => boolean) | null {
  if (!monthRange(month)) return null;
  const ranges = new Map<string, { start: number; end: number } | null>();
  return (ms, timezone) => {
    if (!ranges.has(timezone)) ranges.set(timezone, monthRange(month, timezone));
    const range = ranges.get(timezone)!;
    return range !== null && ms >= range.start && ms < range.end;
  };
}

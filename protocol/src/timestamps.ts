/** ISO-8601 in UTC, e.g. 2026-11-23T10:15:00Z or 2026-11-23T10:15:00.123Z. */
export const UTC_TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const UTC_TIMESTAMP = new RegExp(UTC_TIMESTAMP_PATTERN);

/** JSON Schema format name of a timestamp that names a real instant; validators register `isUtcTimestamp` for it. */
export const UTC_TIMESTAMP_FORMAT = 'utc-instant';

/**
 * Whether `s` is a UTC timestamp naming a real instant. The pattern alone lets through 2026-13-01 (NaN once parsed)
 * and 2026-02-30 or 24:00:00, which Date.parse quietly rolls into the next month or day; nor can a Date hold a leap second.
 */
export function isUtcTimestamp(s: string): boolean {
  if (!UTC_TIMESTAMP.test(s)) return false;
  const ms = Date.parse(s);
  // Date.parse refuses month 13, minute 60 and a leap second, but rolls 30 February and 24:00 into the next day:
  // the day of the month then differs. (Cheaper than writing the instant back out: this runs on every message.)
  return Number.isFinite(ms) && new Date(ms).getUTCDate() === Number(s.slice(8, 10));
}

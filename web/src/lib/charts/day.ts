import { DateTime } from 'luxon';

/** The store's local day around `at`, as UTC instants, so a chart shows the store's own today. */
export function localDay(at: number, timeZone: string): { from: string; to: string } {
  const start = DateTime.fromMillis(at, { zone: timeZone }).startOf('day');
  return { from: start.toUTC().toISO()!, to: start.plus({ days: 1 }).toUTC().toISO()! };
}

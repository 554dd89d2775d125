import { DateTime } from 'luxon';
import type { LostRevenueToday, WeekHours } from '@storepulse/protocol';
import type { Incident } from '../../domain/incidents/index.js';
import { openIntervals } from '../../domain/opening-hours.js';

/** Incidents older than this cannot have started "today" in any time zone. */
export const TODAY_LOOKBACK_MS = 38 * 3600_000;

/** What "today" and its trading time mean for a store. */
export interface StoreDay {
  timezone: string;
  hours: WeekHours;
  holidays: readonly string[];
}

/**
 * The share of an incident's loss that falls on or after `dayStart`. Sales are lost only while the store
 * trades, so an incident that runs past the store's local midnight (a store open round the clock, or a till
 * still down from the evening before) is split by its trading time on either side; by clock time if it had none.
 */
function shareSince(inc: Incident, store: StoreDay, dayStart: number, now: number): number {
  const start = Date.parse(inc.startedAt);
  const end = inc.endedAt === null ? now : Date.parse(inc.endedAt);
  if (start >= dayStart) return 1;
  if (end <= dayStart) return 0;
  // The store's trading stretches over the incident, walked once: all of them, and their part since midnight.
  let trading = 0;
  let today = 0;
  for (const i of openIntervals(store.hours, store.timezone, start, end, store.holidays)) {
    trading += i.end - i.start;
    today += Math.max(0, i.end - Math.max(i.start, dayStart));
  }
  return trading > 0 ? today / trading : (end - dayStart) / (end - start);
}

/**
 * Lost revenue on the current local day of each store, per currency: incidents that began today, and today's
 * share of those that began before and ran on into it. Net equals gross until an incident is settled;
 * currencies are never added together.
 */
export function lostRevenueToday(incidents: readonly Incident[], storeOf: (storeId: string) => StoreDay | undefined, now: number): LostRevenueToday[] {
  const dayStart = new Map<string, number>();
  const totals = new Map<string, LostRevenueToday>();
  for (const inc of incidents) {
    const store = storeOf(inc.storeId);
    if (!store) continue;
    const zone = store.timezone;
    let start = dayStart.get(zone);
    if (start === undefined) dayStart.set(zone, (start = DateTime.fromMillis(now, { zone }).startOf('day').toMillis()));
    const share = shareSince(inc, store, start, now);
    if (share <= 0) continue;
    const c = inc.lostRevenue.currency;
    const t = totals.get(c) ?? { currency: c, gross: 0, net: 0, incidents: 0 };
    t.gross += inc.lostRevenue.gross * share;
    t.net += inc.lostRevenue.net * share;
    t.incidents++;
    totals.set(c, t);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return [...totals.values()]
    .map((t) => ({ ...t, gross: round(t.gross), net: round(t.net) }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

import { DateTime } from 'luxon';
import type { LostRevenueToday } from '@storepulse/protocol';
import type { Incident } from '../../domain/incidents/index.js';

/** Incidents older than this cannot have started "today" in any time zone. */
export const TODAY_LOOKBACK_MS = 38 * 3600_000;

/**
 * Lost revenue of incidents that started on the current local day of their store, per currency.
 * Net equals gross until an incident is settled; currencies are never added together.
 */
export function lostRevenueToday(incidents: readonly Incident[], zoneOf: (storeId: string) => string | undefined, now: number): LostRevenueToday[] {
  const dayStart = new Map<string, number>();
  const totals = new Map<string, LostRevenueToday>();
  for (const inc of incidents) {
    const zone = zoneOf(inc.storeId);
    if (!zone) continue;
    let start = dayStart.get(zone);
    if (start === undefined) dayStart.set(zone, (start = DateTime.fromMillis(now, { zone }).startOf('day').toMillis()));
    if (Date.parse(inc.startedAt) < start) continue;
    const c = inc.lostRevenue.currency;
    const t = totals.get(c) ?? { currency: c, gross: 0, net: 0, incidents: 0 };
    t.gross += inc.lostRevenue.gross;
    t.net += inc.lostRevenue.net;
    t.incidents++;
    totals.set(c, t);
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return [...totals.values()]
    .map((t) => ({ ...t, gross: round(t.gross), net: round(t.net) }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

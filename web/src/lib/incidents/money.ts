import { inHqCurrency, rankingWorth, uncountedBound, type HqCurrency, type IncidentView, type LostRevenue, type LostRevenueToday, type TicketLostRevenue } from '@storepulse/protocol';

export type { HqCurrency } from '@storepulse/protocol';

/**
 * A loss so far as an amount, or null when there is none to show: no estimate, or an estimate of nothing yet
 * (a fault that just began, a store with no one in it), which "0.00" would misstate as a measured loss.
 */
export function lostSoFar(lost: Pick<LostRevenue, 'gross' | 'currency'> | null, format: (amount: number, currency: string) => string): string | null {
  return lost && lost.gross > 0 ? format(lost.gross, lost.currency) : null;
}

/** The most an open incident may be losing while none of it is counted (a store offline), or null: see uncountedBound. */
export function lostUpTo(incident: Pick<IncidentView, 'status' | 'flags' | 'lostRevenue'>): number | null {
  return uncountedBound(incident.status === 'open', incident.lostRevenue, incident.flags);
}

/**
 * The same bound for a ticket, from the ticket alone: the server marks its loss `uncounted` while its incident is
 * open with nothing counted (see lostUpTo), so the ticket page, the board, providers and a page read before the
 * live feed came say "up to …" as soon as they have the ticket.
 */
export function ticketLostUpTo(lost: TicketLostRevenue | null): number | null {
  return lost?.uncounted === true && lost.gross === 0 && lost.high > 0 ? lost.high : null;
}

/**
 * A report's loss in one currency: the counted sum, and the most its tickets not counted yet (stores offline) may
 * add to it. With nothing counted beside them, only the bound is said ("none counted yet, up to …"), not a €0.00
 * that reads as "cost nothing"; with something counted, both ("€120.00 + up to …").
 */
export function reportLost(
  sum: { gross: number; uncountedUpTo?: number },
  currency: string,
  format: (amount: number, currency: string) => string,
): { counted: string | null; upTo: string | null } {
  const upTo = sum.uncountedUpTo !== undefined && sum.uncountedUpTo > 0 ? format(sum.uncountedUpTo, currency) : null;
  return { counted: upTo !== null && sum.gross === 0 ? null : format(sum.gross, currency), upTo };
}

/** Largest first (in HQ's currency where rates allow), so the currency that matters most is read first. */
export function sortTotals(today: readonly LostRevenueToday[], hq: HqCurrency | null = null): LostRevenueToday[] {
  const worth = (t: LostRevenueToday) => rankingWorth(t.gross, t.currency, hq);
  return today.filter((t) => t.incidents > 0 || t.gross > 0).sort((a, b) => worth(b) - worth(a) || a.currency.localeCompare(b.currency));
}

/**
 * Today's gross loss in HQ's currency, or null when a currency has no rate. With a single currency and no
 * rates, that currency is the total as it stands.
 */
export function totalInHq(today: readonly LostRevenueToday[], hq: HqCurrency | null): { currency: string; amount: number } | null {
  const used = today.filter((t) => t.gross > 0);
  if (!hq) {
    const currencies = new Set(used.map((t) => t.currency));
    if (currencies.size !== 1) return null;
    return { currency: used[0]!.currency, amount: used.reduce((a, t) => a + t.gross, 0) };
  }
  let amount = 0;
  for (const t of used) {
    const worth = inHqCurrency(t.gross, t.currency, hq);
    if (worth === null) return null;
    amount += worth;
  }
  return { currency: hq.currency, amount };
}

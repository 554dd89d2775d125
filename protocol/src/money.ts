import type { HqCurrency, LostRevenue } from './state.js';

/**
 * An amount in HQ's currency, or null without HQ's currency or a usable rate for this one. Amounts in several
 * currencies are compared (ranked) by it: raw, 50,000 roubles would outrank 5,000 euros.
 */
export function inHqCurrency(amount: number, currency: string, hq: HqCurrency | null): number | null {
  if (!hq) return null;
  const rate = currency === hq.currency ? 1 : hq.rates[currency];
  return rate !== undefined && Number.isFinite(rate) && rate > 0 ? amount * rate : null;
}

/** What to rank an amount by: its worth in HQ's currency where known, else the amount as it is. */
export function rankingWorth(amount: number, currency: string, hq: HqCurrency | null): number {
  return inHqCurrency(amount, currency, hq) ?? amount;
}

/**
 * The most an open incident may be losing while none of its loss is counted, or null. A store offline (its estimate
 * flagged `capacity_assumed`) may sell on behind its network: the server keeps gross at 0 until the tills' sales come
 * in and settle it, and the band's high is the bound. The server marks tickets by it (`uncounted`) and the web says
 * "up to …" by it, never a plain 0, which HQ reads as "costs nothing". A closed incident's 0, or a figure, has none.
 */
export function uncountedBound(open: boolean, lost: Pick<LostRevenue, 'gross' | 'high'>, flags: readonly string[]): number | null {
  return open && lost.gross === 0 && lost.high > 0 && flags.includes('capacity_assumed') ? lost.high : null;
}

import type { HqCurrency } from './state.js';

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

import { MAX_BIN_SECONDS, MIN_BIN_SECONDS } from '@storepulse/protocol';
import type { FootfallBin, SalesBin } from './bins.js';
import type { QualityFlag } from './flags.js';
import { MINUTE_MS } from './time.js';

export interface BinLimits {
  /** A timestamp further than this ahead of the receive time is clock skew. */
  maxSkewMs: number;
  /** Entries per minute per sensor above which a count is absurd. */
  maxVisitorsPerMinute: number;
  /** Transactions per minute per till above which a count is absurd. */
  maxTransactionsPerMinute: number;
  /**
   * A bin's revenue per transaction above this many times the store's configured basket is absurd: an export in
   * cents, or a typo, that would be learned as the store's basket for weeks and multiply every lost revenue figure.
   */
  maxBasketFactor: number;
}

export const DEFAULT_BIN_LIMITS: BinLimits = {
  maxSkewMs: 5 * MINUTE_MS,
  maxVisitorsPerMinute: 120,
  maxTransactionsPerMinute: 10,
  maxBasketFactor: 50,
};

/**
 * What to do with an incoming bin, given the bins already held for the same sensor or till:
 * keep it, let it overwrite a provisional bin with the same bounds, drop an exact duplicate, or reject it.
 */
export type BinVerdict =
  | { action: 'accept' }
  | { action: 'replace'; index: number; flag: 'bin_replaced' }
  | { action: 'ignore'; flag: 'bin_duplicate' }
  | { action: 'reject'; flag: QualityFlag; reason: string };

/** The longest an agent keeps an unsent bin (its spool's `maxAgeH` at most), with a day to spare. */
const MAX_BIN_AGE_MS = 366 * 86_400_000;

interface Bounds {
  binStart: number;
  binEnd: number;
}

function checkBounds(bin: Bounds, receivedAt: number, limits: BinLimits): BinVerdict | null {
  if (!Number.isFinite(bin.binStart) || !Number.isFinite(bin.binEnd)) {
    return { action: 'reject', flag: 'bin_invalid', reason: 'unparsable bin time' };
  }
  const sec = (bin.binEnd - bin.binStart) / 1000;
  if (sec < MIN_BIN_SECONDS || sec > MAX_BIN_SECONDS) {
    return { action: 'reject', flag: 'bin_invalid', reason: `bin width ${sec}s outside ${MIN_BIN_SECONDS}..${MAX_BIN_SECONDS}s` };
  }
  // Agents keep unsent bins a year at most: an older one is a clock gone wrong, which telemetry would refuse anyway.
  if (bin.binEnd < receivedAt - MAX_BIN_AGE_MS) {
    return { action: 'reject', flag: 'bin_invalid', reason: `bin ends ${Math.round((receivedAt - bin.binEnd) / 86_400_000)} days ago, more than agents keep` };
  }
  if (bin.binEnd > receivedAt + limits.maxSkewMs) {
    const ahead = Math.round((bin.binEnd - receivedAt) / 1000);
    return { action: 'reject', flag: 'clock_skew', reason: `bin ends ${ahead}s in the future` };
  }
  return null;
}

function checkAgainst<T extends Bounds>(bin: T, existing: readonly T[], same: (a: T, b: T) => boolean): BinVerdict {
  for (let i = 0; i < existing.length; i++) {
    const e = existing[i]!;
    if (e.binStart === bin.binStart && e.binEnd === bin.binEnd) {
      return same(e, bin) ? { action: 'ignore', flag: 'bin_duplicate' } : { action: 'replace', index: i, flag: 'bin_replaced' };
    }
    if (e.binStart < bin.binEnd && bin.binStart < e.binEnd) {
      return { action: 'reject', flag: 'bin_overlap', reason: 'bin overlaps an earlier bin with other bounds' };
    }
  }
  return { action: 'accept' };
}

/** Checks a footfall bin; `existing` holds the same sensor's bins. */
export function checkFootfallBin(
  bin: FootfallBin,
  existing: readonly FootfallBin[],
  receivedAt: number,
  limits: BinLimits = DEFAULT_BIN_LIMITS,
): BinVerdict {
  const bad = checkBounds(bin, receivedAt, limits);
  if (bad) return bad;
  if (!Number.isFinite(bin.visitors) || bin.visitors < 0) {
    return { action: 'reject', flag: 'counter_negative', reason: `negative count ${bin.visitors}` };
  }
  const perMinute = bin.visitors / ((bin.binEnd - bin.binStart) / MINUTE_MS);
  if (perMinute > limits.maxVisitorsPerMinute) {
    return { action: 'reject', flag: 'counter_absurd', reason: `${Math.round(perMinute)} entries/min` };
  }
  return checkAgainst(bin, existing, (a, b) => a.visitors === b.visitors);
}

/** Checks a sales bin against its store's currency and configured basket; `existing` holds the same till's bins. */
export function checkSalesBin(
  bin: SalesBin & { currency?: string },
  existing: readonly SalesBin[],
  receivedAt: number,
  store: { currency: string; avgBasket: number },
  limits: BinLimits = DEFAULT_BIN_LIMITS,
): BinVerdict {
  const { currency } = store;
  const bad = checkBounds(bin, receivedAt, limits);
  if (bad) return bad;
  if (!(bin.transactions >= 0) || !(bin.revenue >= 0)) {
    return { action: 'reject', flag: 'sales_negative', reason: 'negative transactions or revenue' };
  }
  if (bin.currency !== undefined && bin.currency !== currency) {
    return { action: 'reject', flag: 'currency_mismatch', reason: `${bin.currency} in a ${currency} store` };
  }
  const perMinute = bin.transactions / ((bin.binEnd - bin.binStart) / MINUTE_MS);
  if (perMinute > limits.maxTransactionsPerMinute) {
    return { action: 'reject', flag: 'sales_absurd', reason: `${Math.round(perMinute)} transactions/min on one till` };
  }
  if (bin.transactions === 0 && bin.revenue > 0) {
    return { action: 'reject', flag: 'sales_absurd', reason: `revenue ${bin.revenue} with no transaction` };
  }
  const basket = bin.transactions > 0 ? bin.revenue / bin.transactions : 0;
  if (basket > limits.maxBasketFactor * store.avgBasket) {
    return {
      action: 'reject', flag: 'sales_absurd',
      reason: `${Math.round(basket)} per transaction, over ${limits.maxBasketFactor}× the store's basket of ${store.avgBasket} (amounts in cents?)`,
    };
  }
  return checkAgainst(bin, existing, (a, b) => a.transactions === b.transactions && a.revenue === b.revenue);
}

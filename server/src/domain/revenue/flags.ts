/**
 * Why an estimate is less certain. Bad input is never absorbed silently: each rejection or repair
 * leaves one of these on the incident it touches, and lowers its confidence.
 */
export const QUALITY_FLAGS = {
  counter_negative: 0.15,
  counter_absurd: 0.15,
  clock_skew: 0.1,
  bin_duplicate: 0.05,
  bin_replaced: 0.05,
  bin_overlap: 0.1,
  bin_invalid: 0.1,
  sales_negative: 0.1,
  sales_absurd: 0.1,
  currency_mismatch: 0.1,
  counter_gap: 0.1,
  counter_silent: 0.2,
  baseline_fallback: 0.15,
  no_visitor_data: 0.5,
  rates_fallback: 0.15,
  capacity_assumed: 0.25,
  recapture_unmeasured: 0.05,
} as const;

export type QualityFlag = keyof typeof QUALITY_FLAGS;

/** 1 minus the penalties of the distinct flags, never below 0.1: an estimate with a flag is still a number. */
export function confidenceOf(flags: Iterable<string>): number {
  let c = 1;
  for (const f of new Set(flags)) c -= (QUALITY_FLAGS as Record<string, number>)[f] ?? 0;
  return Math.max(0.1, Math.round(c * 100) / 100);
}

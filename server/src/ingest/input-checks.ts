import { checkFootfallBin, checkSalesBin, DEFAULT_BIN_LIMITS, type BinVerdict } from '../domain/revenue/bin-quality.js';
import type { FootfallBin, SalesBin } from '../domain/revenue/bins.js';

/** Why a schema-valid message is still refused: `reason` is the rejection counter's label. */
export interface InputProblem {
  reason: string;
  detail: string;
}

/** The engine's `bin_invalid` is what ingest calls a bad bin. */
const refusal = (verdict: BinVerdict): InputProblem | null =>
  verdict.action === 'reject' ? { reason: verdict.flag === 'bin_invalid' ? 'bad_bin' : verdict.flag, detail: verdict.reason } : null;

/**
 * The incident engine's own rules for one bin on its own (clock skew, absurd or negative counts, currency), applied
 * before the message is accepted: what they refuse must reach neither the sequence guard nor telemetry (the engine
 * still hears of it, to flag incidents). Rules that compare with earlier bins (overlap, resend) stay with the engine,
 * which holds those bins. Times arrive parsed: this runs on every bin.
 */
export function footfallProblem(bin: FootfallBin, now: number): InputProblem | null {
  return refusal(checkFootfallBin(bin, [], now));
}

export function salesProblem(bin: SalesBin & { currency: string }, store: { currency: string; avgBasket: number }, now: number): InputProblem | null {
  return refusal(checkSalesBin(bin, [], now, store));
}

/**
 * A status from a clock running ahead, by the engine's tolerance: the sequence guard would keep its future `ts`, and the
 * agent's real restart (seq 0, a true `ts`) would then look like a redelivery.
 */
export function statusProblem(ts: number, now: number): InputProblem | null {
  const ahead = ts - now;
  if (ahead <= DEFAULT_BIN_LIMITS.maxSkewMs) return null;
  return { reason: 'clock_skew', detail: `ts is ${Math.round(ahead / 1000)}s ahead of the server's clock` };
}

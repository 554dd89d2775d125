import type { FootfallPayload, SalesPayload, StatusPayload } from '@storepulse/protocol';
import { checkFootfallBin, checkSalesBin, DEFAULT_BIN_LIMITS } from '../domain/revenue/bin-quality.js';

/** Why a schema-valid message is still refused: `reason` is the rejection counter's label. */
export interface InputProblem {
  reason: string;
  detail: string;
}

/**
 * The incident engine's own rules for one bin on its own (clock skew, absurd or negative counts, currency), applied
 * before the message is accepted: what they refuse must reach neither the sequence guard, nor telemetry, nor the
 * engine. Rules that compare with earlier bins (overlap, resend) stay with the engine, which holds those bins.
 */
export function footfallProblem(sensorId: string, p: FootfallPayload, now: number): InputProblem | null {
  const verdict = checkFootfallBin({ sensorId, binStart: Date.parse(p.binStart), binEnd: Date.parse(p.binEnd), visitors: p.in }, [], now);
  return verdict.action === 'reject' ? { reason: verdict.flag, detail: verdict.reason } : null;
}

export function salesProblem(tillId: string, p: SalesPayload, currency: string, now: number): InputProblem | null {
  const bin = { tillId, binStart: Date.parse(p.binStart), binEnd: Date.parse(p.binEnd), transactions: p.transactions, revenue: p.revenue, currency: p.currency };
  const verdict = checkSalesBin(bin, [], now, currency);
  return verdict.action === 'reject' ? { reason: verdict.flag, detail: verdict.reason } : null;
}

/**
 * A status from a clock running ahead, by the engine's tolerance: the sequence guard would keep its future `ts`, and the
 * agent's real restart (seq 0, a true `ts`) would then look like a redelivery.
 */
export function statusProblem(p: StatusPayload, now: number): InputProblem | null {
  const ahead = Date.parse(p.ts) - now;
  if (ahead <= DEFAULT_BIN_LIMITS.maxSkewMs) return null;
  return { reason: 'clock_skew', detail: `ts is ${Math.round(ahead / 1000)}s ahead of the server's clock` };
}

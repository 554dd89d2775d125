import { MAX_BIN_SECONDS, MIN_BIN_SECONDS } from '@storepulse/protocol';

/** A footfall bin in UTC epoch ms, before it becomes a protocol payload. */
export interface FootfallBin {
  binStart: number;
  binEnd: number;
  in: number;
  out: number;
}

/** How far ahead of the agent's clock a device's reading may be: beyond it the device's clock is wrong. */
export const MAX_AHEAD_MS = 5 * 60_000;

/** Why a bin cannot be sent, or null when it can. */
export function binProblem(b: FootfallBin, now = Date.now()): string | null {
  if (!Number.isFinite(b.binStart) || !Number.isFinite(b.binEnd)) return 'bin time is not an ISO 8601 time such as 2026-11-23T10:00:00Z';
  // The server would refuse it as clock skew: said here, where the device that sent it hears why.
  if (b.binEnd > now + MAX_AHEAD_MS) {
    return `bin ends at ${new Date(b.binEnd).toISOString()}, more than 5 min ahead of the agent's clock: check the device's clock and time zone`;
  }
  const width = (b.binEnd - b.binStart) / 1000;
  if (width < MIN_BIN_SECONDS || width > MAX_BIN_SECONDS) return `bin is ${width}s wide; it must be ${MIN_BIN_SECONDS}s to ${MAX_BIN_SECONDS}s`;
  for (const n of [b.in, b.out]) if (!Number.isInteger(n) || n < 0 || n > 1_000_000) return `count ${n} is not a whole number from 0 to 1000000`;
  return null;
}

const key = (sensorId: string, b: FootfallBin) => `${sensorId}|${b.binStart}|${b.binEnd}`;
const value = (b: FootfallBin) => `${b.in}/${b.out}`;

/**
 * Remembers what was last sent for each recent bin of each sensor. A bin the device sends again
 * unchanged is dropped; a revised one goes out again, whole, so the server replaces it instead of
 * adding. Memory is bounded by count, oldest remembered first out: days of one-minute bins.
 */
export class SentBins {
  private readonly sent = new Map<string, string>();

  constructor(private readonly maxEntries = 20_000) {}

  /** True when the bin is new or revised and should be sent. */
  isNew(sensorId: string, b: FootfallBin): boolean {
    return this.sent.get(key(sensorId, b)) !== value(b);
  }

  /** The bin is sent (spooled): the same bin again is not. */
  record(sensorId: string, b: FootfallBin): void {
    const k = key(sensorId, b);
    // Re-inserting moves the key to the young end of the map's insertion order.
    this.sent.delete(k);
    this.sent.set(k, value(b));
    if (this.sent.size > this.maxEntries) this.sent.delete(this.sent.keys().next().value!);
  }

  get size(): number {
    return this.sent.size;
  }
}

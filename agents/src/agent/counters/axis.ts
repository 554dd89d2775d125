import { DateTime } from 'luxon';
import { MAX_BIN_SECONDS } from '@storepulse/protocol';
import type { FootfallBin } from './bins.js';
import { MAX_AHEAD_MS } from './bins.js';
import { wallInstants } from './local-times.js';

/** The answer of an Axis People Counter's `live-sum.json`: counts since local midnight. */
export interface AxisLiveSum {
  timestamp: string;
  in: number;
  out: number;
}

const COUNT_MAX = 10_000_000;
/** More people a second than one door lets through: a count that rises faster is a glitch of the device. */
const MAX_PER_SECOND = 20;
/** A poll late by its own delay (a slow answer, whole-second timestamps) still makes one bin: the widest allowed. */
const LATE_MS = 30_000;
const FORMAT = 'yyyyMMddHHmmss';

/** Checks a live-sum answer; returns a reason when it is not one. */
export function parseLiveSum(body: unknown): AxisLiveSum | { error: string } {
  if (typeof body !== 'object' || body === null) return { error: 'answer is not a JSON object' };
  const b = body as Record<string, unknown>;
  if (typeof b.timestamp !== 'string' || !/^\d{14}$/.test(b.timestamp)) return { error: 'timestamp is not YYYYMMDDhhmmss' };
  for (const k of ['in', 'out'] as const) {
    const v = b[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > COUNT_MAX) return { error: `${k} is not a count` };
  }
  return { timestamp: b.timestamp, in: b.in as number, out: b.out as number };
}

export type AxisStep =
  | { kind: 'baseline'; reason?: string }
  | { kind: 'bin'; bin: FootfallBin; note?: 'midnight' | 'restart' }
  | { kind: 'gap'; from: number; to: number; in: number; out: number }
  | { kind: 'ignored'; reason: string };

/**
 * Turns successive cumulative readings into bins. The device counts from local midnight, so a new
 * local day starts from zero; a reading that falls back within a day means the device restarted and
 * counts again from zero. Either way the new values are what happened since: never a negative bin.
 * Readings that are not newer than the last are ignored, so nothing is counted twice; so are readings
 * from the future, which would otherwise become the last one and have every real reading ignored.
 */
export interface AxisLast {
  utc: number;
  day: string;
  in: number;
  out: number;
}

export class AxisDiffer {
  /** `last` comes from a saved state, so that an agent restart does not lose the counts in between. */
  constructor(private readonly timezone: string, private last: AxisLast | null = null, private readonly now: () => number = Date.now) {}

  /** A reading that rose too fast to be real, kept to tell a glitch from a device that now counts from elsewhere. */
  private suspect: AxisLast | null = null;

  /** The last reading, to save. */
  get state(): AxisLast | null {
    return this.last;
  }

  /** Goes on from this reading (the poller takes a bin's reading only once the bin is spooled). */
  resume(last: AxisLast | null): void {
    this.last = last;
  }

  push(r: AxisLiveSum): AxisStep {
    const local = DateTime.fromFormat(r.timestamp, FORMAT, { zone: this.timezone });
    if (!local.isValid) return { kind: 'ignored', reason: `timestamp ${r.timestamp} is not a valid local time in ${this.timezone}` };
    // In the hour the clocks go back the same wall time comes twice: the reading is taken at whichever instant is
    // nearer the agent's clock, the one the device meant.
    const utc = wallInstants(local).reduce((best, t) => (Math.abs(t - this.now()) <= Math.abs(best - this.now()) ? t : best));
    const day = local.toISODate()!;
    if (utc > this.now() + MAX_AHEAD_MS) return { kind: 'ignored', reason: `reading at ${r.timestamp} is more than 5 min ahead of the agent's clock` };
    const last = this.last;
    if (last && utc <= last.utc) return { kind: 'ignored', reason: `reading at ${r.timestamp} is not newer than the last one` };
    const reading = { utc, day, in: r.in, out: r.out };
    if (last && day === last.day && tooFast(last, reading)) {
      // Twice in a row from the same new level: the device counts from elsewhere now (replaced, or reset to a
      // preset), so go on from there without counting the jump; once only, it was a glitch and is left out.
      const again = this.suspect !== null && reading.utc > this.suspect.utc && !tooFast(this.suspect, reading) && reading.in >= this.suspect.in && reading.out >= this.suspect.out;
      this.suspect = again ? null : reading;
      if (!again) return { kind: 'ignored', reason: `reading at ${r.timestamp} rose by ${reading.in - last.in} in / ${reading.out - last.out} out in ${Math.round((utc - last.utc) / 1000)} s, more than a door lets through` };
      this.last = reading;
      return { kind: 'baseline', reason: `counting on from ${r.in} in / ${r.out} out: the device jumped there from ${last.in} / ${last.out} and stayed` };
    }
    this.suspect = null;
    this.last = reading;
    if (!last) return { kind: 'baseline' };
    let note: 'midnight' | 'restart' | undefined;
    let dIn = r.in - last.in;
    let dOut = r.out - last.out;
    if (day !== last.day) {
      note = 'midnight';
      dIn = r.in;
      dOut = r.out;
    } else if (dIn < 0 || dOut < 0) {
      note = 'restart';
      dIn = r.in;
      dOut = r.out;
    }
    const width = utc - last.utc;
    // live-sum gives only the total since the last reading: in one bin it lands at the wrong time (and past the server's
    // rate limit), spread over several it is made up. The device's history export could fill the gap, but Axis does not
    // document its answer's shape, so the gap is reported, not sent.
    if (width > MAX_BIN_SECONDS * 1000 + LATE_MS) return { kind: 'gap', from: last.utc, to: utc, in: dIn, out: dOut };
    const start = Math.max(last.utc, utc - MAX_BIN_SECONDS * 1000);
    return { kind: 'bin', bin: { binStart: start, binEnd: utc, in: dIn, out: dOut }, ...(note ? { note } : {}) };
  }
}

/** Whether the counts rose from `a` to `b` faster than a door lets people through. */
function tooFast(a: AxisLast, b: AxisLast): boolean {
  const seconds = Math.max(1, (b.utc - a.utc) / 1000);
  return b.in - a.in > seconds * MAX_PER_SECOND || b.out - a.out > seconds * MAX_PER_SECOND;
}

import { DateTime } from 'luxon';
import { MAX_BIN_SECONDS } from '@storepulse/protocol';
import { MAX_AHEAD_MS } from './bins.js';

const DAY_MS = 86_400_000;
const MAX_BIN_MS = MAX_BIN_SECONDS * 1000;
/** An ISO time that carries its own offset: it names one instant. */
const WITH_OFFSET = /T.*(?:Z|[+-]\d\d(?::?\d\d)?)$/i;

const offsetAt = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).offset * 60_000;

/**
 * Every instant an ISO time can mean in `zone`, earliest first: two in the hour the clocks go back (Luxon alone always
 * takes the later), else one. A bin's end may also be the instant the clocks went back, which a device still labels
 * with the hour before (Paris: 03:00 for 01:00Z).
 */
export function instantsOf(value: unknown, zone: string, isEnd: boolean): number[] {
  if (typeof value !== 'string') return [Number.NaN];
  const dt = DateTime.fromISO(value, { zone });
  if (!dt.isValid) return [Number.NaN];
  if (WITH_OFFSET.test(value)) return [dt.toMillis()];
  return wallInstants(dt, isEnd);
}

/** Every instant the wall time of `dt` (read in its zone) can mean, earliest first; see instantsOf. */
export function wallInstants(dt: DateTime, isEnd = false): number[] {
  const zone = dt.zoneName!;
  const wall = dt.setZone('UTC', { keepLocalTime: true }).toMillis();
  const found = new Set<number>();
  for (const o of new Set([dt.toMillis() - DAY_MS, dt.toMillis() + DAY_MS].map((ms) => offsetAt(ms, zone)))) {
    const t = wall - o;
    if (offsetAt(t, zone) === o || (isEnd && offsetAt(t - 1, zone) === o)) found.add(t);
  }
  // A time the clocks skipped (spring) names no instant: Luxon's reading, as before.
  return found.size > 0 ? [...found].sort((a, b) => a - b) : [dt.toMillis()];
}

/**
 * Places a device's bins, listed in time order as devices send them, at instants. Where a local time comes twice, a bin
 * starts no earlier than the one before it can end, and ends where the one after it begins; the last is the reading not
 * ahead of the agent's clock (as the Axis poller does). `guessed` counts the bins this leaves open, such as a push of
 * the second pass alone, which only its being under an hour old tells from the first: they take the later reading.
 */
export function placeBins(labels: ReadonlyArray<readonly [unknown, unknown]>, zone: string, now: number): { times: Array<[number, number]>; guessed: number } {
  const options = labels.map(([from, to]) => {
    const starts = instantsOf(from, zone, false);
    const ends = instantsOf(to, zone, true);
    const pairs = starts.flatMap((s) => ends.map((e): [number, number] => [s, e])).filter(([s, e]) => e > s && e - s <= MAX_BIN_MS);
    // No pair at all: the bin is wider than the protocol allows, and refused as such.
    return { pairs, fallback: [starts.at(-1)!, ends.at(-1)!] as [number, number] };
  });
  let earliest = -Infinity;
  for (const o of options) {
    const after = o.pairs.filter(([s]) => s >= earliest);
    if (after.length > 0) o.pairs = after; // else the push is out of order: every reading stays open
    if (o.pairs.length > 0) earliest = Math.min(...o.pairs.map(([, e]) => e));
  }
  const times: Array<[number, number]> = [];
  let guessed = 0;
  let next: number | null = null;
  for (const { pairs, fallback } of options.reverse()) {
    const before = pairs.filter(([, e]) => e <= (next ?? now + MAX_AHEAD_MS));
    const adjoining = before.filter(([, e]) => e === next);
    const sure = adjoining.length === 1 ? adjoining[0] : before.length === 1 ? before[0] : undefined;
    if (!sure && pairs.length > 1) guessed++;
    const chosen = sure ?? before.at(-1) ?? pairs.at(-1) ?? fallback;
    times.unshift(chosen);
    next = chosen[0];
  }
  return { times, guessed };
}

import { clamp } from './stats.js';
import { overlapMs, type Interval } from './time.js';

/** How many tills could sell over [start, end): degraded tills may count as a fraction; null when unknown. */
export interface CapacitySegment {
  start: number;
  end: number;
  tills: number | null;
}

/** One capacity level over part of a range: `tills` working (null: unknown) for `share` (0..1) of it. */
export interface CapacityLevel {
  tills: number | null;
  share: number;
}

/**
 * The capacity levels over `range` and the share of it each held; stretches no segment covers count as
 * `normal` (nothing was wrong). Levels are kept apart rather than averaged: a stretch with no till
 * loses every sale whatever the other tills did a moment before or after.
 */
export function capacityLevels(segments: readonly CapacitySegment[], range: Interval, normal: number): CapacityLevel[] {
  const width = range.end - range.start;
  if (width <= 0) return [];
  const byLevel = new Map<number | null, number>();
  let covered = 0;
  for (const s of segments) {
    const o = overlapMs(s, range);
    if (o === 0) continue;
    covered += o;
    byLevel.set(s.tills, (byLevel.get(s.tills) ?? 0) + o);
  }
  if (covered < width) byLevel.set(normal, (byLevel.get(normal) ?? 0) + width - covered);
  return [...byLevel].map(([tills, ms]) => ({ tills, share: ms / width }));
}

/**
 * Share of served customers who give up because of the queue, growing with utilisation: none while the
 * tills are comfortably below capacity, `max` once demand reaches it (queues of 10–15 people).
 */
export function balkingShare(utilisation: number, max: number): number {
  return max * clamp((utilisation - 0.7) / 0.3, 0, 1);
}

/** Transactions lost when demand meets a capacity: the excess plus those who balk at the queue. */
export function unservedTransactions(demand: number, capacity: number, maxBalking: number): number {
  if (capacity <= 0) return demand;
  return Math.max(0, demand - capacity) + balkingShare(demand / capacity, maxBalking) * Math.min(demand, capacity);
}

/**
 * Transactions lost because capacity fell from `normalCapacity` to `capacity`. Demand is measured
 * conversion, which already nets out everyday queue losses, so only the increase counts; with no
 * working till at all, every expected transaction is lost.
 */
export function capacityLoss(demand: number, capacity: number, normalCapacity: number, maxBalking: number): number {
  if (capacity <= 0) return demand;
  return Math.max(0, unservedTransactions(demand, capacity, maxBalking) - unservedTransactions(demand, normalCapacity, maxBalking));
}

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

/** Queue lengths (people waiting per till) where purchases start to fall, and where about `max` give up. */
const QUEUE_FIRST_LOSS = 5;
const QUEUE_FULL_LOSS = 12.5;

/**
 * Share of served customers who give up because of the queue. Purchases fall once a queue passes about
 * 5 people and about a tenth are lost at 10–15; a till's mean queue at utilisation ρ is ρ²/(1 − ρ)
 * (M/M/1), so nobody balks below ρ ≈ 0.85 and `max` do from ρ ≈ 0.93 on.
 */
export function balkingShare(utilisation: number, max: number): number {
  if (utilisation >= 1) return max;
  const queue = (utilisation * utilisation) / (1 - utilisation);
  return max * clamp((queue - QUEUE_FIRST_LOSS) / (QUEUE_FULL_LOSS - QUEUE_FIRST_LOSS), 0, 1);
}

/**
 * Transactions lost when demand meets a capacity: those who give up at the queue. Far over capacity they
 * are the excess (the tills stay busy with the rest); near it, a long queue turns away a share of all.
 */
export function unservedTransactions(demand: number, capacity: number, maxBalking: number): number {
  if (capacity <= 0) return demand;
  return Math.max(demand - capacity, balkingShare(demand / capacity, maxBalking) * demand, 0);
}

/**
 * People waiting at one till at utilisation ρ: the M/M/1 mean queue ρ²/(1 − ρ), which stops growing
 * where customers start to turn away (past it, more demand is lost rather than queued).
 */
export function standingQueue(utilisation: number): number {
  if (utilisation >= 1) return QUEUE_FIRST_LOSS;
  return Math.min(QUEUE_FIRST_LOSS, (utilisation * utilisation) / (1 - utilisation));
}

/**
 * Buyers still queueing at the working tills when an outage ends (or now, while it lasts): they are served
 * late, not lost. `perTill` is what one till serves in the time `demand` is counted over.
 */
export function queuedBacklog(demand: number, tills: number, perTill: number): number {
  if (tills <= 0 || perTill <= 0) return 0;
  return tills * standingQueue(demand / (tills * perTill));
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

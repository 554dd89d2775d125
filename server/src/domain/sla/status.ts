import { addCountedTime, elapsedMs, type Pause, type SlaCalendar } from './clock.js';

/** One SLA target (response, on-site or resolve) as seen at a moment. */
export interface TargetStatus {
  goalMs: number;
  /** When counted time reaches the goal; while paused, assuming the clock resumes now. Null if never. */
  dueAt: number | null;
  elapsedMs: number;
  /** Negative once breached. */
  remainingMs: number;
  /** Share of the goal used, 0.5 = 50 %. */
  fraction: number;
  /** The target's stop condition was met (acknowledged, on site, resolved), or the ticket ended. */
  stopped: boolean;
  paused: boolean;
  breached: boolean;
}

export interface TargetInput {
  goalMs: number;
  startMs: number;
  /** When the target was met or the ticket ended; null while it runs. */
  stopMs: number | null;
  pauses: readonly Pause[];
}

export function targetStatus(cal: SlaCalendar, t: TargetInput, nowMs: number): TargetStatus {
  const endMs = t.stopMs ?? nowMs;
  const used = elapsedMs(cal, t.startMs, endMs, t.pauses);
  const paused = t.stopMs === null && t.pauses.some((p) => p.end === null && p.start <= nowMs);
  const closedPauses = t.pauses.map((p) => (p.end === null ? { start: p.start, end: Math.max(p.start, nowMs) } : p));
  const stopped = t.stopMs !== null;
  return {
    goalMs: t.goalMs,
    dueAt: addCountedTime(cal, t.startMs, t.goalMs, closedPauses),
    elapsedMs: used,
    remainingMs: t.goalMs - used,
    fraction: used / t.goalMs,
    stopped,
    paused,
    breached: stopped ? used > t.goalMs : used >= t.goalMs,
  };
}

/**
 * The moment a running, unpaused target reaches `fraction` of its goal: when a warning or breach is
 * due. Null if it is stopped or paused (its clock does not move), or if that moment never comes.
 */
export function thresholdAt(cal: SlaCalendar, t: TargetInput, fraction: number): number | null {
  if (t.stopMs !== null || t.pauses.some((p) => p.end === null)) return null;
  return addCountedTime(cal, t.startMs, Math.ceil(t.goalMs * fraction), t.pauses);
}

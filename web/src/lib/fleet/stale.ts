/** How long the wall may go without hearing from the server, while disconnected, before it says so. */
export const STALE_AFTER_MS = 30_000;

/**
 * Data are stale only while disconnected: a connected socket with no events just means nothing changed.
 */
export function isStale(connected: boolean, heardAt: number | null, nowMs: number, thresholdMs = STALE_AFTER_MS): boolean {
  if (connected) return false;
  if (heardAt === null) return false;
  return nowMs - heardAt >= thresholdMs;
}

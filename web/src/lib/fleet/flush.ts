/** Updates arriving closer together than this are drawn once: 200 updates/s become at most 10 renders. */
export const FLUSH_MS = 100;
/** The longest an update may wait to be drawn, however slow the screen is. */
export const MAX_FLUSH_MS = 800;

/**
 * How long to gather updates before the next render: three times what the last render cost, so that
 * drawing takes at most about a quarter of the main thread on a slow wall PC, and never past MAX_FLUSH_MS.
 */
export function flushDelay(lastRenderMs: number): number {
  if (!Number.isFinite(lastRenderMs) || lastRenderMs < 0) return FLUSH_MS;
  return Math.min(MAX_FLUSH_MS, Math.max(FLUSH_MS, 3 * lastRenderMs));
}

import type { Logger } from 'pino';

/**
 * Logs each rejected message once with its reason, but at most `perMinute` lines per reason, so a
 * misbehaving agent cannot flood the log; what was held back is summarised when the minute ends.
 */
export class RejectionLog {
  private windowStart = 0;
  private readonly logged = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();

  constructor(private readonly log: Logger, private readonly perMinute = 20) {}

  record(reason: string, topic: string, detail: string, now: number): void {
    if (now - this.windowStart >= 60_000) this.rollWindow(now);
    const n = this.logged.get(reason) ?? 0;
    if (n < this.perMinute) {
      this.logged.set(reason, n + 1);
      this.log.warn({ reason, topic: topic.slice(0, 256), detail: detail.slice(0, 512) }, 'mqtt message rejected');
    } else {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    }
  }

  private rollWindow(now: number): void {
    for (const [reason, count] of this.suppressed) {
      this.log.warn({ reason, count }, 'more mqtt messages rejected for this reason in the last minute (not logged one by one)');
    }
    this.suppressed.clear();
    this.logged.clear();
    this.windowStart = now;
  }
}

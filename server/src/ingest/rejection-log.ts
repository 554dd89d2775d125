import type { Logger } from 'pino';

const WINDOW_MS = 60_000;

/** What the log lines say: of one refusal, and of those held back in a minute. */
export interface RejectionWords {
  one: string;
  more: string;
}

const MQTT_WORDS: RejectionWords = {
  one: 'mqtt message rejected',
  more: 'more mqtt messages rejected for this reason in the minute since then (not logged one by one)',
};

/**
 * Logs each rejected message once with its reason, but at most `perMinute` lines per reason, so a
 * misbehaving agent cannot flood the log; what was held back is summarised when the minute ends.
 */
export class RejectionLog {
  private windowStart = 0;
  private readonly logged = new Map<string, number>();
  private readonly suppressed = new Map<string, number>();
  private summary: NodeJS.Timeout | null = null;

  constructor(private readonly log: Logger, private readonly perMinute = 20, private readonly words: RejectionWords = MQTT_WORDS) {}

  /** A refused MQTT message: its topic and why, both cut short (an agent chooses them). */
  record(reason: string, topic: string, detail: string, now: number): void {
    this.note(reason, { topic: topic.slice(0, 256), detail: detail.slice(0, 512) }, now);
  }

  /** Any refusal, with the fields that say what was refused. */
  note(reason: string, fields: object, now: number): void {
    if (now - this.windowStart >= WINDOW_MS) this.rollWindow(now);
    const n = this.logged.get(reason) ?? 0;
    if (n < this.perMinute) {
      this.logged.set(reason, n + 1);
      this.log.warn({ reason, ...fields }, this.words.one);
      return;
    }
    this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    // Said when the minute ends, not whenever the next rejection happens to come (maybe hours later).
    if (!this.summary) {
      this.summary = setTimeout(() => this.summarise(), this.windowStart + WINDOW_MS - now);
      this.summary.unref();
    }
  }

  private rollWindow(now: number): void {
    this.summarise();
    this.logged.clear();
    this.windowStart = now;
  }

  private summarise(): void {
    if (this.summary) clearTimeout(this.summary);
    this.summary = null;
    const since = new Date(this.windowStart).toISOString();
    for (const [reason, count] of this.suppressed) {
      this.log.warn({ reason, count, since }, this.words.more);
    }
    this.suppressed.clear();
  }
}

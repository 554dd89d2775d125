import type { MqttClient } from 'mqtt';
import type { Spool, SpoolEntry } from './spool.js';

/** Wait after a failed read of the spool, doubled at each failure in a row up to the most. */
const RETRY_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Moves messages from the spool to the broker, oldest first, a window at a time. An entry leaves
 * the spool only on its PUBACK; MQTT.js resends unacknowledged ones after a reconnection.
 */
export class Sender {
  private inflight = 0;
  private pumping = false;
  private again = false;
  published = 0;
  private stopped = false;
  private failuresInARow = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly client: MqttClient, private readonly spool: Spool, private readonly window = 16) {}

  start(): () => void {
    const pump = () => void this.pump();
    this.client.on('connect', pump);
    const off = this.spool.onAppend(pump);
    pump();
    return () => {
      this.stopped = true;
      if (this.retry) clearTimeout(this.retry);
      this.client.off('connect', pump);
      off();
    };
  }

  private async pump(): Promise<void> {
    // After a failed read, nothing is read before the wait is over: the timer pumps then.
    if (this.retry) return;
    if (this.pumping) {
      // Something arrived while a take was under way: look again when it is done.
      this.again = true;
      return;
    }
    this.pumping = true;
    this.again = false;
    try {
      while (!this.stopped && this.client.connected && this.inflight < this.window) {
        const batch = await this.take();
        if (batch === null || batch.length === 0) break;
        for (const e of batch) {
          this.inflight++;
          this.client.publish(e.topic, JSON.stringify(e.payload), { qos: 1, retain: e.retain }, (err) => {
            this.inflight--;
            if (err) this.spool.release(e);
            else {
              this.published++;
              this.spool.ack(e.id);
            }
            if (!this.stopped) void this.pump();
          });
        }
      }
    } finally {
      this.pumping = false;
    }
    if (this.again && !this.stopped) await this.pump();
  }

  /** The next batch, or null when the spool could not be read (it counted and logged why) and a retry is set. */
  private async take(): Promise<SpoolEntry[] | null> {
    try {
      const batch = await this.spool.take(this.window - this.inflight);
      this.failuresInARow = 0;
      return batch;
    } catch {
      // A disk that fails now may not later (EMFILE, a passing EIO); spinning on it would only flood the log.
      const wait = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** this.failuresInARow++);
      this.retry = setTimeout(() => {
        this.retry = null;
        if (!this.stopped) void this.pump();
      }, wait);
      return null;
    }
  }
}

import type { MqttClient } from 'mqtt';
import type { Spool } from './spool.js';

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

  constructor(private readonly client: MqttClient, private readonly spool: Spool, private readonly window = 16) {}

  start(): () => void {
    const pump = () => void this.pump();
    this.client.on('connect', pump);
    const off = this.spool.onAppend(pump);
    pump();
    return () => {
      this.stopped = true;
      this.client.off('connect', pump);
      off();
    };
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      // Something arrived while a take was under way: look again when it is done.
      this.again = true;
      return;
    }
    this.pumping = true;
    this.again = false;
    try {
      while (!this.stopped && this.client.connected && this.inflight < this.window) {
        const batch = await this.spool.take(this.window - this.inflight);
        if (batch.length === 0) break;
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
}

import { ReasonCodes, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

/**
 * The wait after the n-th refused CONNECT in a row: doubling from 5 s up to 5 min, then a random point
 * in the upper half of that, so a fleet refused at once (a store's password revoked, a broker briefly
 * misconfigured) does not come back in step.
 */
export function refusedRetryDelayMs(refusalsInARow: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(Math.max(refusalsInARow - 1, 0), 16));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Keeps trying a broker that refused the agent's CONNECT. MQTT.js gives up for good after a refused
 * CONNACK, and its `reconnectOnConnackError` would retry at the fixed `reconnectPeriod` (seconds), which
 * a wrong password never deserves; so the retry is scheduled here, with a long backoff. The spool keeps
 * every message meanwhile: the sender only takes from it while connected.
 */
export class RefusedConnectRetry {
  /** Refused CONNECTs since the agent started. */
  refusals = 0;
  private inARow = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly client: MqttClient, private readonly logger: Logger, private readonly broker: string) {
    client.on('packetreceive', (packet) => {
      if (packet.cmd !== 'connack') return;
      const code = packet.reasonCode ?? packet.returnCode ?? 0;
      if (code > 0) this.refused(code);
    });
    client.on('connect', () => {
      if (this.inARow > 0) logger.info({ broker, refusals: this.inARow }, 'the broker accepts the agent again');
      this.inARow = 0;
    });
  }

  /** True while a retry is scheduled: MQTT.js's own error for the refusal then says nothing new. */
  get waiting(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refused(code: number): void {
    this.refusals++;
    this.inARow++;
    const delayMs = refusedRetryDelayMs(this.inARow);
    // Never the credentials: only what the broker answered.
    this.logger.warn({ broker: this.broker, code, reason: (ReasonCodes as Record<number, string>)[code] ?? 'unknown', refusalsInARow: this.inARow, retryInSec: Math.round(delayMs / 1000) },
      'the broker refused the agent (wrong or revoked password?); spooling and trying again later');
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      // The client's own stores, so messages in flight when the broker went away are sent again.
      this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore });
    }, delayMs);
  }
}

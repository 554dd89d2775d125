import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { ALL_STORES_SUBSCRIPTION } from '@storepulse/protocol';

export interface IngestClientOptions {
  url: string;
  clientId: string;
  username?: string | undefined;
  password?: string | undefined;
  log: Logger;
  onMessage(topic: string, payload: Buffer, retained: boolean): void;
  /** How long the start waits for the broker before going on without it (the client keeps trying). */
  startWaitMs?: number;
}

export interface IngestClient {
  connected(): boolean;
  close(): Promise<void>;
}


/**
 * The server's subscriber: QoS 1 with a persistent session (clean: false), so messages published while the
 * server restarts are kept by the broker and delivered when it comes back. A broker that is down or slow at start
 * does not stop the server: the client keeps reconnecting and /api/health says so.
 */
export async function connectIngestClient(opts: IngestClientOptions): Promise<IngestClient> {
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    username: opts.username,
    password: opts.password,
    keepalive: 30,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    resubscribe: true,
  });
  let subscribed = false;
  const firstSubscription = new Promise<void>((resolve) => {
    client.once('connect', () => {
      // Later reconnects are resubscribed by MQTT.js itself (resubscribe: true) when the broker lost the session.
      client.subscribe(ALL_STORES_SUBSCRIPTION, { qos: 1 }, (err, granted) => {
        if (err) opts.log.error({ err: err.message }, 'mqtt: subscription failed');
        else if (granted?.some((g) => g.qos !== 1)) opts.log.error({ granted }, 'mqtt: the broker did not grant QoS 1 on the store topics');
        subscribed = !err;
        resolve();
      });
    });
  });
  client.on('message', (topic, payload, packet) => opts.onMessage(topic, payload, packet.retain));
  client.on('connect', (ack) => opts.log.info({ sessionPresent: ack.sessionPresent }, 'mqtt: connected to the broker'));
  client.on('reconnect', () => opts.log.warn('mqtt: reconnecting to the broker'));
  client.on('offline', () => opts.log.warn('mqtt: broker connection lost'));
  client.on('error', (err) => opts.log.error({ err: err.message }, 'mqtt client error'));
  const ready = await Promise.race([
    firstSubscription.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), opts.startWaitMs ?? 15_000).unref()),
  ]);
  if (!ready) opts.log.warn({ url: redactUrl(opts.url) }, 'mqtt: broker not reachable yet; starting anyway and retrying in the background');
  return {
    connected: () => client.connected && subscribed,
    close: () => client.endAsync(),
  };
}

/** The broker URL without any credentials it may carry, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable MQTT_URL)';
  }
}

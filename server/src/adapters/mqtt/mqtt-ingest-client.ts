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
  /** A reconnection found no session for the server (see the 'connect' handler). */
  onSessionLost?: () => void;
  /** How long the start waits for the broker before going on without it (the client keeps trying). */
  startWaitMs?: number;
}

/** Between two connection attempts, refused logins included. */
const RECONNECT_MS = 1000;

export interface IngestClient {
  connected(): boolean;
  close(): Promise<void>;
}

/**
 * The server's subscriber: QoS 1 with a persistent session (clean: false), so messages published while the
 * server restarts are kept by the broker and delivered when it comes back. A broker that is down, slow, or refusing
 * the login at start does not stop the server: the client keeps reconnecting and /api/health says so.
 */
export async function connectIngestClient(opts: IngestClientOptions): Promise<IngestClient> {
  const client: MqttClient = mqtt.connect(opts.url, {
    clientId: opts.clientId,
    clean: false,
    username: opts.username,
    password: opts.password,
    keepalive: 30,
    reconnectPeriod: RECONNECT_MS,
    connectTimeout: 10_000,
    resubscribe: true,
    // A refused login is retried too: the broker may reload its password file (SIGHUP) without the server restarting.
    reconnectOnConnackError: true,
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
  client.on('message', (topic, payload, packet) => {
    // A failure behind ingest (a full disk under SQLite, say) is this message's: thrown into MQTT.js it would end the
    // process, and every message after it with it.
    try {
      opts.onMessage(topic, payload, packet.retain);
    } catch (err) {
      opts.log.error({ err: (err as Error).message, topic: topic.slice(0, 256) }, 'mqtt: a message could not be processed');
    }
  });
  /** The broker's reason for refusing the login, said once until a login succeeds: retries come every second. */
  let refused: string | null = null;
  let connectedBefore = false;
  client.on('connect', (ack) => {
    refused = null;
    opts.log.info({ sessionPresent: ack.sessionPresent }, 'mqtt: connected to the broker');
    // The broker kept the server's session while it was away, unless another client connected with its id and a
    // clean start, or the broker itself restarted without persistence: either way the messages kept for it are gone.
    if (connectedBefore && !ack.sessionPresent) {
      opts.log.warn("mqtt: the broker had no session for the server on reconnecting: what agents published meanwhile is lost (another client used the server's client id, or the broker lost its sessions)");
      opts.onSessionLost?.();
    }
    connectedBefore = true;
  });
  client.on('reconnect', () => {
    if (refused === null) opts.log.warn('mqtt: reconnecting to the broker');
  });
  client.on('offline', () => opts.log.warn('mqtt: broker connection lost'));
  client.on('error', (err) => {
    // A CONNACK refusal carries the broker's numeric reason code; socket errors carry a string code.
    if (typeof (err as { code?: unknown }).code !== 'number') return opts.log.error({ err: err.message }, 'mqtt client error');
    if (refused !== err.message) {
      opts.log.error(
        { url: redactUrl(opts.url), username: opts.username ?? null, reason: err.message },
        `mqtt: the broker refused the server's login; check MQTT_USERNAME and MQTT_PASSWORD (retrying every ${RECONNECT_MS / 1000} s)`,
      );
    }
    refused = err.message;
  });
  const ready = await Promise.race([
    firstSubscription.then(() => true),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), opts.startWaitMs ?? 15_000).unref()),
  ]);
  if (!ready) {
    const why = refused === null ? 'broker not reachable yet' : `the broker refuses the login (${refused})`;
    opts.log.warn({ url: redactUrl(opts.url) }, `mqtt: ${why}; starting anyway and retrying in the background`);
  }
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

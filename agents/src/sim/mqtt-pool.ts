import mqtt, { type MqttClient } from 'mqtt';
import { TOPIC_RULES, tillClientId, topics, type TopicKind } from '@storepulse/protocol';
import { assertPayload } from '@storepulse/protocol/validate';
import type { FleetStore } from './fleet.js';

export interface SimLogger {
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
}

export interface PoolOptions {
  brokerUrl: string;
  credentialsFor: (storeId: string) => { username?: string; password?: string };
  fleet: readonly FleetStore[];
  connections: 'per-till' | number;
  agentVersion: string;
  logger: SimLogger;
}

interface Pending {
  topic: string;
  kind: TopicKind;
  payload: object;
}

interface Channel {
  storeId: string;
  tillId: string;
  client: MqttClient;
  /** Messages held while the store is offline, replayed in order when it is back, as an agent's spool would. */
  held: Pending[] | null;
}

/** Cap on messages held per till during a simulated outage, so a long one cannot eat the host's memory. */
const MAX_HELD = 5_000;
const OFFLINE = JSON.stringify({ v: 1, online: false });

/**
 * MQTT connections of the simulated agents: one client per till with its own last will (as in a real
 * store), or a few shared clients for load tests. Publishes are QoS 1; `published` counts PUBACKs.
 */
export class MqttPool {
  private readonly channels = new Map<string, Channel>();
  private readonly shared: MqttClient[] = [];
  private published = 0;
  private stopping = false;

  constructor(private readonly opts: PoolOptions) {}

  async start(): Promise<void> {
    const { fleet, connections } = this.opts;
    if (connections === 'per-till') {
      const tills = fleet.flatMap((s) => s.tills.map((t) => [s.id, t] as const));
      // Connect in batches so that a big fleet does not open thousands of sockets at once.
      for (let i = 0; i < tills.length; i += 200) {
        await Promise.all(tills.slice(i, i + 200).map(([storeId, tillId]) => this.openTillClient(storeId, tillId)));
      }
      return;
    }
    const count = Math.max(1, Math.min(connections, fleet.length || 1));
    const creds = this.opts.credentialsFor(fleet[0]?.id ?? '');
    for (let i = 0; i < count; i++) {
      const client = mqtt.connect(this.opts.brokerUrl, {
        clientId: `storepulse-sim-${process.pid}-${i}`, ...creds, keepalive: 30, reconnectPeriod: 1000,
      });
      this.watch(client, `shared-${i}`);
      this.shared.push(client);
    }
    await Promise.all(this.shared.map((c) => connected(c)));
    fleet.forEach((s, si) => {
      for (const tillId of s.tills) {
        const client = this.shared[si % count]!;
        this.channels.set(key(s.id, tillId), { storeId: s.id, tillId, client, held: null });
        this.send(client, topics.online(s.id, tillId), 'online', this.onlinePayload());
      }
    });
  }

  stats(): { published: number; connected: number } {
    const clients = this.shared.length > 0 ? this.shared : [...this.channels.values()].map((c) => c.client);
    return { published: this.published, connected: clients.filter((c) => c.connected).length };
  }

  publish(storeId: string, tillId: string, kind: TopicKind, topic: string, payload: object): void {
    const ch = this.channels.get(key(storeId, tillId));
    if (!ch) return;
    if (ch.held) {
      if (ch.held.length >= MAX_HELD) ch.held.shift();
      ch.held.push({ topic, kind, payload });
      return;
    }
    this.send(ch.client, topic, kind, payload);
  }

  /** A store's uplink goes down or comes back. Per-till clients drop without DISCONNECT, so the broker sends their wills. */
  async setStoreOnline(storeId: string, online: boolean): Promise<void> {
    const chans = [...this.channels.values()].filter((c) => c.storeId === storeId);
    for (const ch of chans) {
      if (!online) {
        if (ch.held) continue;
        ch.held = [];
        if (this.shared.length > 0) this.send(ch.client, topics.online(storeId, ch.tillId), 'online', { v: 1, online: false });
        else ch.client.end(true);
        continue;
      }
      if (!ch.held) continue;
      const held = ch.held;
      ch.held = null;
      if (this.shared.length === 0) await this.openTillClient(storeId, ch.tillId);
      else this.send(ch.client, topics.online(storeId, ch.tillId), 'online', this.onlinePayload());
      const current = this.channels.get(key(storeId, ch.tillId))!;
      for (const m of held) this.send(current.client, m.topic, m.kind, m.payload);
    }
  }

  /** Says goodbye for every till (a clean stop sends no will), then closes the connections. */
  async stop(): Promise<void> {
    this.stopping = true;
    const offline = { v: 1, online: false };
    const sends: Array<Promise<unknown>> = [];
    for (const ch of this.channels.values()) {
      if (ch.client.connected && !ch.held) {
        sends.push(ch.client.publishAsync(topics.online(ch.storeId, ch.tillId), JSON.stringify(offline), { qos: 1, retain: true }).catch(() => undefined));
      }
    }
    await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, 3000))]);
    const clients = new Set([...this.shared, ...[...this.channels.values()].map((c) => c.client)]);
    await Promise.all([...clients].map((c) => c.endAsync(!c.connected).catch(() => undefined)));
  }

  private async openTillClient(storeId: string, tillId: string): Promise<void> {
    const client = mqtt.connect(this.opts.brokerUrl, {
      clientId: tillClientId(storeId, tillId),
      ...this.opts.credentialsFor(storeId),
      keepalive: 30,
      reconnectPeriod: 1000,
      will: { topic: topics.online(storeId, tillId), payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    });
    this.watch(client, tillClientId(storeId, tillId));
    // The will may have fired during a blip: say we are back on every (re)connection.
    client.on('connect', () => this.send(client, topics.online(storeId, tillId), 'online', this.onlinePayload()));
    const prev = this.channels.get(key(storeId, tillId));
    this.channels.set(key(storeId, tillId), { storeId, tillId, client, held: prev?.held ?? null });
    await connected(client);
  }

  private onlinePayload(): object {
    return { v: 1, online: true, agent: { version: this.opts.agentVersion } };
  }

  private send(client: MqttClient, topic: string, kind: TopicKind, payload: object): void {
    assertPayload(kind, payload);
    const rule = TOPIC_RULES[kind];
    client.publish(topic, JSON.stringify(payload), { qos: rule.qos, retain: rule.retained }, (err) => {
      if (!err) this.published++;
      else if (!this.stopping) this.opts.logger.warn({ topic, err: err.message }, 'simulator publish failed');
    });
  }

  private watch(client: MqttClient, name: string): void {
    // Once stopping, a broker that is already gone (the demo closes its server first) is expected.
    client.on('error', (err) => {
      if (!this.stopping) this.opts.logger.warn({ client: name, err: err.message }, 'simulator MQTT error');
    });
  }
}

function key(storeId: string, tillId: string): string {
  return `${storeId}/${tillId}`;
}

function connected(client: MqttClient, timeoutMs = 15_000): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener('connect', onConnect);
      reject(new Error(`could not connect to the broker within ${timeoutMs} ms`));
    }, timeoutMs);
    const onConnect = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('connect', onConnect);
  });
}

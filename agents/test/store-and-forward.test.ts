import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../../test-support/agent-process.js';
import { startMosquitto, type MosquittoHandle } from '../../test-support/mosquitto.js';
import { freePort, waitFor, waitForPort } from '../../test-support/ports.js';

interface Bin { seq: number; binStart: string; in: number }

const BASE = Date.parse('2026-11-23T09:00:00Z');
const TOKEN = 'push-token-1';

describe('store-and-forward through a real Mosquitto that goes away', () => {
  let mosq: MosquittoHandle;
  let observer: MqttClient;
  const received = new Map<string, Bin[]>();
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-saf-'));
  const running: AgentProcess[] = [];

  beforeAll(async () => {
    mosq = await startMosquitto();
    // A persistent session, so nothing published while the observer reconnects is lost to the test.
    observer = await mqtt.connectAsync(mosq.url, { clientId: 'saf-observer', clean: false, reconnectPeriod: 200 });
    observer.on('message', (topic, raw) => {
      const sensor = topic.split('/').at(-1)!;
      const p = JSON.parse(raw.toString()) as Bin;
      received.set(sensor, [...(received.get(sensor) ?? []), { seq: p.seq, binStart: p.binStart, in: p.in }]);
    });
    await observer.subscribeAsync('storepulse/v1/stores/S100/footfall/+', { qos: 1 });
    writeFileSync(join(dir, 'token'), TOKEN, { mode: 0o600 });
  });

  afterAll(async () => {
    for (const a of running) await a.kill9();
    await observer?.endAsync(true);
    await mosq?.stop();
  });

  async function agentFor(till: string, sensor: string): Promise<{ config: string; port: number }> {
    const port = await freePort();
    const config = join(dir, `${till}.yaml`);
    writeFileSync(config, stringify({
      storeId: 'S100', tillId: till, heartbeatSec: 3600,
      broker: { url: mosq.url },
      spool: { dir: join(dir, `spool-${till}`) },
      counters: [{ id: sensor, type: 'generic', timezone: 'UTC' }],
      push: { port, host: '127.0.0.1', tokenFile: join(dir, 'token') },
      log: { level: 'warn' },
    }));
    return { config, port };
  }

  async function launch(config: string, port: number): Promise<AgentProcess> {
    const a = spawnAgent(config);
    running.push(a);
    await waitForPort(port);
    return a;
  }

  /** Pushes bin i (one minute each); resolves once the agent has it on disk. */
  async function push(port: number, sensor: string, i: number): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${port}/push/${sensor}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ binStart: new Date(BASE + i * 60_000).toISOString(), binEnd: new Date(BASE + (i + 1) * 60_000).toISOString(), in: i, out: 0 }),
    });
    expect(res.status).toBe(204);
  }

  /** Every bin once by seq, in order, and none lost. */
  function expectExactlyOnceInOrder(sensor: string, count: number): Bin[] {
    const bySeq = new Map<number, Bin>();
    for (const b of received.get(sensor) ?? []) {
      const prev = bySeq.get(b.seq);
      if (prev) expect(prev).toEqual(b); // a redelivery (QoS 1) must be the very same message
      else bySeq.set(b.seq, b);
    }
    const unique = [...bySeq.values()];
    expect(unique.map((b) => b.in)).toEqual(Array.from({ length: count }, (_, i) => i));
    const seqs = unique.map((b) => b.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    return unique;
  }

  // Room for every wait below one after another (an outage, then reconnecting with its jitter) on a loaded machine:
  // a ceiling, not a timing, so the waits themselves fail first and say what was missing.
  const OUTAGE_TEST_MS = 45_000;
  const distinct = (sensor: string) => new Set((received.get(sensor) ?? []).map((b) => b.seq)).size;

  it('delivers everything sent before, during and after a broker outage exactly once by seq, in order', async () => {
    const { config, port } = await agentFor('T1', 'door1');
    const agent = await launch(config, port);
    for (let i = 0; i < 10; i++) await push(port, 'door1', i);
    await waitFor(() => distinct('door1') === 10, 10_000, 'bins before the outage');

    await mosq.stop();
    for (let i = 10; i < 40; i++) await push(port, 'door1', i);
    await new Promise((r) => setTimeout(r, 1500));
    await mosq.start();
    for (let i = 40; i < 45; i++) await push(port, 'door1', i);

    await waitFor(() => distinct('door1') === 45, 20_000, 'all 45 bins');
    expectExactlyOnceInOrder('door1', 45);
    await agent.stop();
    expect(agent.output()).not.toMatch(/"level":(50|60)/);
  }, OUTAGE_TEST_MS);

  it('loses nothing when the agent is killed with SIGKILL in the middle of an outage', async () => {
    const { config, port } = await agentFor('T2', 'door2');
    const first = await launch(config, port);
    for (let i = 0; i < 5; i++) await push(port, 'door2', i);
    await waitFor(() => distinct('door2') === 5, 10_000, 'bins before the outage');

    await mosq.stop();
    for (let i = 5; i < 25; i++) await push(port, 'door2', i);
    await first.kill9();

    const second = await launch(config, port);
    for (let i = 25; i < 35; i++) await push(port, 'door2', i);
    await mosq.start();

    await waitFor(() => distinct('door2') === 35, 20_000, 'all 35 bins');
    const bins = expectExactlyOnceInOrder('door2', 35);
    // The restarted agent carried on from the spool's seq: the server cannot take its bins for old ones.
    expect(bins[25]!.seq).toBeGreaterThan(bins[24]!.seq);
    await second.stop();
  }, OUTAGE_TEST_MS);
});

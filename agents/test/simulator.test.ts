import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_STORES_SUBSCRIPTION, parseTopic } from '@storepulse/protocol';
import { decodePayload } from '@storepulse/protocol/validate';
import { generateFleet, startSimulator, type GroundTruthFile, type SimulatorHandle } from '../src/index.js';
import { freePort, waitFor } from '../../test-support/ports.js';

interface Seen { topic: string; kind: string; storeId: string; id: string; payload: any; retain: boolean; at: number }

describe('startSimulator against an in-process Aedes broker', () => {
  let broker: Aedes;
  let server: Server;
  let sub: MqttClient;
  let sim: SimulatorHandle;
  const seen: Seen[] = [];
  const rejected: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-sim-'));
  const truthPath = join(dir, 'truth.json');
  const fleet = generateFleet({ stores: 3, tillsPerStore: 2, seed: 11 });
  const [a, b] = fleet as [typeof fleet[0], typeof fleet[0]];

  beforeAll(async () => {
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${port}`;
    sub = await mqtt.connectAsync(url, { clientId: 'observer' });
    sub.on('message', (topic, raw, packet) => {
      const t = parseTopic(topic);
      if (!t) return void rejected.push(`topic ${topic}`);
      const d = decodePayload(t.kind, raw);
      if (!d.ok) return void rejected.push(`${topic}: ${d.message}`);
      const id = t.kind === 'footfall' ? t.sensorId : t.tillId;
      seen.push({ topic, kind: t.kind, storeId: t.storeId, id, payload: d.payload, retain: packet.retain, at: Date.now() });
    });
    await sub.subscribeAsync(ALL_STORES_SUBSCRIPTION, { qos: 1 });
    sim = await startSimulator({
      brokerUrl: url,
      fleet,
      speed: 120,
      seed: 11,
      // A Wednesday afternoon in Europe, morning in the Americas: most stores are open.
      startAt: new Date('2026-11-18T16:00:00Z'),
      faults: {
        faults: [
          { at: '2m', store: a.id, till: 'T2', kind: 'printer_paper_out', duration: '7m' },
          { at: '2m', store: b.id, kind: 'store_offline', duration: '6m' },
        ],
      },
      groundTruthPath: truthPath,
      heartbeatSec: 2,
    });
  });

  afterAll(async () => {
    await sim?.stop();
    await sub?.endAsync();
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
  });

  it('connects one client per till and announces each till online with its version', async () => {
    expect(sim.stats().connected).toBe(6);
    await waitFor(() => seen.filter((m) => m.kind === 'online' && m.payload.online).length >= 6, 5000, 'online messages');
    const online = seen.find((m) => m.kind === 'online' && m.payload.online)!;
    expect(online.payload.agent.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows a printer fault as paper_out on that till, then ok again', async () => {
    const statuses = () => seen.filter((m) => m.kind === 'status' && m.storeId === a.id && m.id === 'T2');
    await waitFor(() => statuses().some((m) => m.payload.components.printer.state === 'paper_out'), 8000, 'paper_out');
    const firstOut = statuses().findIndex((m) => m.payload.components.printer.state === 'paper_out');
    await waitFor(() => statuses().slice(firstOut).some((m) => m.payload.components.printer.state === 'ok'), 8000, 'recovery');
    const others = seen.filter((m) => m.kind === 'status' && !(m.storeId === a.id && m.id === 'T2'));
    expect(others.every((m) => m.payload.components.printer.state === 'ok')).toBe(true);
  });

  it('takes a whole store offline through its agents\' last wills and brings it back', async () => {
    const presence = (till: string) => seen.filter((m) => m.kind === 'online' && m.storeId === b.id && m.id === till);
    await waitFor(() => b.tills.every((t) => presence(t).some((m) => m.payload.online === false)), 8000, 'wills');
    await waitFor(() => b.tills.every((t) => presence(t).at(-1)?.payload.online === true), 8000, 'return');
    // What the store's agents recorded while cut off is replayed once they are back, network down included.
    await waitFor(() => seen.some((m) => m.kind === 'status' && m.storeId === b.id && m.payload.components.network.state === 'down'), 5000, 'replayed status');
  });

  it('publishes valid footfall and sales bins with rising seq per topic, and nothing invalid', async () => {
    await waitFor(() => seen.filter((m) => m.kind === 'footfall').length >= 6, 8000, 'footfall bins');
    expect(rejected).toEqual([]);
    const byTopic = new Map<string, number[]>();
    for (const m of seen) if (m.kind !== 'online') byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m.payload.seq]);
    for (const seqs of byTopic.values()) expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const footfall = seen.filter((m) => m.kind === 'footfall');
    expect(footfall.reduce((n, m) => n + m.payload.in, 0)).toBeGreaterThan(0);
    const sales = seen.filter((m) => m.kind === 'sales');
    expect(sales.every((m) => m.payload.currency === fleet.find((s) => s.id === m.storeId)!.currency)).toBe(true);
  });

  it('writes ground truth with one entry per incident and store totals', async () => {
    await waitFor(() => {
      try {
        return (JSON.parse(readFileSync(truthPath, 'utf8')) as GroundTruthFile).incidents.length === 2;
      } catch {
        return false;
      }
    }, 15_000, 'ground truth file');
    const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as GroundTruthFile;
    expect(truth.seed).toBe(11);
    expect(truth.incidents.map((i) => i.kind).sort()).toEqual(['printer_paper_out', 'store_offline']);
    const printer = truth.incidents.find((i) => i.kind === 'printer_paper_out')!;
    expect(printer).toMatchObject({ storeId: a.id, tillId: 'T2', currency: a.currency, start: '2026-11-18T16:02:00.000Z' });
    for (const i of truth.incidents) expect(i.netLostTransactions).toBe(i.lostTransactions - i.returnedTransactions);
    expect(truth.stores.map((s) => s.storeId)).toEqual(fleet.map((s) => s.id));
  });
});

describe('startSimulator with random faults', () => {
  it('injects the first fault soon after starting rather than a whole interval later', async () => {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${port}`;
    const faulty = new Set<string>();
    const watcher = await mqtt.connectAsync(url, { clientId: 'fault-watcher' });
    watcher.on('message', (topic, raw) => {
      const t = parseTopic(topic);
      const d = t ? decodePayload(t.kind, raw) : null;
      if (!t || !d?.ok) return;
      const p = d.payload as any;
      if (t.kind === 'online' && p.online === false) faulty.add(t.storeId);
      if (t.kind === 'status' && Object.values(p.components as Record<string, { state: string }>).some((c) => c.state !== 'ok')) faulty.add(t.storeId);
    });
    await watcher.subscribeAsync(ALL_STORES_SUBSCRIPTION, { qos: 1 });
    const faults: { storeId: string }[] = [];
    const sim = await startSimulator({
      brokerUrl: url,
      fleet: generateFleet({ stores: 4, tillsPerStore: 2, seed: 5 }),
      seed: 5,
      startAt: new Date('2026-11-18T16:00:00Z'),
      faults: 'random',
      faultEveryMin: 60,
      firstFaultSec: 0.2,
      logger: { info: (fields, msg) => { if (msg === 'simulated fault') faults.push(fields as { storeId: string }); }, warn() {} },
    });
    let outOfOrder: string[] = [];
    try {
      await waitFor(() => faulty.size > 0, 5000, 'a till or store out of order');
      // Taken before stopping: the tills' goodbye takes every store offline.
      outOfOrder = [...faulty];
    } finally {
      await sim.stop();
      await watcher.endAsync();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    }
    expect(faults).toHaveLength(1);
    expect(outOfOrder).toEqual([faults[0]!.storeId]);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { topics, type ClientToServerEvents, type ServerToClientEvents, type StoreDetail, type StoreSummary } from '@storepulse/protocol';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { waitFor } from '../../../test-support/ports.js';
import { metricValue, startHarness, status, type Harness } from '../support/harness.js';

const run = promisify(execFile);

/** A till agent as the protocol wants it: last will on the online topic, online announced on connect. */
async function agent(url: string, storeId: string, tillId: string, keepalive = 30): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, {
    clientId: `${storeId}-${tillId}`,
    keepalive,
    reconnectPeriod: 0,
    will: { topic: topics.online(storeId, tillId), payload: Buffer.from(JSON.stringify({ v: 1, online: false })), qos: 1, retain: true },
  });
  await c.publishAsync(topics.online(storeId, tillId), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
  return c;
}

describe('live pipeline on a real Mosquitto: agent → broker → server → API and socket', () => {
  let broker: MosquittoHandle;
  let h: Harness;
  let viewer: Socket<ServerToClientEvents, ClientToServerEvents>;
  const storeEvents: StoreSummary[] = [];
  const agents: MqttClient[] = [];
  const seq: Record<string, number> = { T1: 0, T2: 0, T3: 0 };

  const store = async (id: string) => (await (await h.api(`/api/stores/${id}`)).json()) as StoreDetail;
  const metrics = async () => (await h.api('/metrics')).text();

  beforeAll(async () => {
    broker = await startMosquitto();
    h = await startHarness({ env: { MQTT_URL: broker.url, MQTT_CLIENT_ID: 'storepulse-test' } });
    const token = await h.issue('hq-viewer');
    viewer = io(h.server.url, { auth: { token }, transports: ['websocket'] });
    viewer.on('store:state', (s) => storeEvents.push(s));
    await new Promise<void>((resolve) => viewer.once('snapshot', () => resolve()));
  });

  afterAll(async () => {
    viewer?.close();
    await Promise.all(agents.map((a) => a.endAsync(true)));
    await h?.close();
    await broker?.stop();
  });

  it('shows tills up once their agents report, and the store ok', async () => {
    for (const t of ['T1', 'T2', 'T3']) {
      const a = await agent(broker.url, 'S001', t);
      agents.push(a);
      await a.publishAsync(topics.status('S001', t), status(++seq[t]!), { qos: 1, retain: true });
    }
    const s = await waitFor(async () => { const s = await store('S001'); return s.state === 'ok' ? s : null; }, 2000, 'S001 ok');
    expect(s.tillCounts).toMatchObject({ total: 3, up: 3 });
    expect(s.tills.find((t) => t.id === 'T1')).toMatchObject({ online: true, state: 'up', agentVersion: 'test' });
  });

  it('turns the store red within 2 s of a fault published with the mosquitto_pub command line client', async () => {
    const started = Date.now();
    for (const t of ['T1', 'T2', 'T3']) {
      const payload = status(++seq[t]!, t === 'T1' ? { printer: 'paper_out' } : { pos: 'error' });
      await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-r', '-t', topics.status('S001', t), '-m', payload]);
    }
    await waitFor(async () => (await store('S001')).state === 'down', 2000 - (Date.now() - started), 'S001 down in the API');
    await waitFor(() => storeEvents.some((e) => e.id === 'S001' && e.state === 'down'), 2000 - (Date.now() - started), 'S001 down on the socket');
    const s = await store('S001');
    expect(s.tills.find((t) => t.id === 'T1')?.components?.printer.state).toBe('paper_out');
    expect(s.tillCounts.down).toBe(3);
  });

  it('ignores a redelivered or older seq, and takes a restarted agent by its newer timestamp', async () => {
    const before = metricValue(await metrics(), 'storepulse_ingest_duplicates_total', { kind: 'status' });
    const old = status(seq.T1!, {}, new Date(Date.now() - 60_000).toISOString());
    await agents[0]!.publishAsync(topics.status('S001', 'T1'), old, { qos: 1 });
    await waitFor(async () => metricValue(await metrics(), 'storepulse_ingest_duplicates_total', { kind: 'status' }) === before + 1, 2000, 'duplicate counted');
    expect((await store('S001')).tills.find((t) => t.id === 'T1')?.components?.printer.state).toBe('paper_out');

    await agents[0]!.publishAsync(topics.status('S001', 'T1'), status(0, {}, new Date(Date.now() + 1000).toISOString()), { qos: 1 });
    await waitFor(async () => (await store('S001')).tills.find((t) => t.id === 'T1')?.state === 'up', 2000, 'restarted agent accepted');
  });

  it('rejects bad messages with a counted reason and keeps everything it had', async () => {
    const pub = (topic: string, payload: string | Buffer) => agents[1]!.publishAsync(topic, payload, { qos: 1 });
    const bin = { v: 1, seq: 1, binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z' };
    const cases: [reason: string, topic: string, payload: string | Buffer][] = [
      ['malformed_json', topics.status('S001', 'T2'), '{"v":1,'],
      ['oversize', topics.status('S001', 'T2'), Buffer.alloc(17 * 1024, 'x')],
      ['schema', topics.status('S001', 'T2'), JSON.stringify({ v: 1, ts: 'yesterday', seq: 'one', components: {} })],
      ['schema', topics.status('S001', 'T2'), JSON.stringify({ v: 2, ts: new Date().toISOString(), seq: 1, components: {} })],
      ['topic_mismatch', topics.status('S001', 'T2'), JSON.stringify({ v: 1, online: true, agent: { version: '1' } })],
      ['unknown_store', topics.status('S999', 'T1'), status(1)],
      ['unknown_till', topics.status('S001', 'T9'), status(1)],
      ['topic', 'storepulse/v1/stores/S001/tills/T2/reboot', status(1)],
      ['bad_bin', topics.footfall('S001', 'door1'), JSON.stringify({ ...bin, binEnd: '2026-11-23T09:00:00Z', in: 1, out: 1 })],
      ['currency_mismatch', topics.sales('S001', 'T2'), JSON.stringify({ ...bin, transactions: 3, revenue: 90, currency: 'USD' })],
    ];
    const before = await metrics();
    const expected = new Map<string, number>();
    for (const [reason] of cases) expected.set(reason, (expected.get(reason) ?? metricValue(before, 'storepulse_ingest_rejected_total', { reason })) + 1);
    for (const [, topic, payload] of cases) await pub(topic, payload);
    await waitFor(async () => {
      const text = await metrics();
      return [...expected].every(([reason, n]) => metricValue(text, 'storepulse_ingest_rejected_total', { reason }) === n);
    }, 3000, 'every rejection counted by reason');
    const health = await (await h.api('/api/health', { token: null })).json();
    expect(health).toMatchObject({ status: 'ok', mqtt: 'connected' });
    expect((await store('S001')).tillCounts.total).toBe(3);
    expect((await store('S001')).tills.find((t) => t.id === 'T2')?.components?.pos.state).toBe('error');
  });

  it('accepts footfall and sales bins and counts them', async () => {
    const before = await metrics();
    const bin = { v: 1, seq: 7, binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z' };
    await agents[1]!.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify({ ...bin, in: 12, out: 9 }), { qos: 1 });
    await agents[1]!.publishAsync(topics.sales('S001', 'T2'), JSON.stringify({ ...bin, transactions: 3, revenue: 144.5, currency: 'EUR' }), { qos: 1 });
    await waitFor(async () => {
      const text = await metrics();
      return metricValue(text, 'storepulse_ingest_messages_total', { kind: 'footfall' }) === metricValue(before, 'storepulse_ingest_messages_total', { kind: 'footfall' }) + 1 &&
        metricValue(text, 'storepulse_ingest_messages_total', { kind: 'sales' }) === metricValue(before, 'storepulse_ingest_messages_total', { kind: 'sales' }) + 1;
    }, 2000, 'bins accepted');
  });

  // The silent-link case (no FIN, keepalive expiry) is proven on the embedded broker, whose 1.5 × keepalive is exact;
  // Mosquitto 2.0 only sweeps for expired clients every few seconds.
  it('marks a till offline through its last will, well within 1.5× keepalive, when its agent\'s socket is killed', async () => {
    agents[2]!.stream.destroy();
    await waitFor(async () => (await store('S001')).tills.find((t) => t.id === 'T3')?.state === 'offline', 1500, 'T3 offline');
  });
});

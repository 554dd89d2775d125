import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { topics, type StoreDetail } from '@storepulse/protocol';
import { startTcpProxy } from '../../../test-support/tcp-proxy.js';
import { waitFor, freePort } from '../../../test-support/ports.js';
import { metricValue, startHarness, status, type Harness } from '../support/harness.js';
import { ConfigError } from '../../src/index.js';

describe('embedded Aedes broker: agents sign in with agent tokens, scoped to their store', () => {
  let h: Harness;
  let fleetToken: string;
  let s002Token: string;
  const clients: MqttClient[] = [];
  const store = async (id: string) => (await (await h.api(`/api/stores/${id}`)).json()) as StoreDetail;
  const connect = async (url: string, password: string, clientId: string, extra: mqtt.IClientOptions = {}) => {
    const c = await mqtt.connectAsync(url, { clientId, username: 'agent', password, reconnectPeriod: 0, ...extra });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    h = await startHarness();
    fleetToken = await h.issue('agent');
    s002Token = await h.issue('agent', { storeId: 'S002' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await h?.close();
  });

  it('refuses a connection without a valid agent token, and counts it', async () => {
    await expect(mqtt.connectAsync(h.server.mqttUrl, { username: 'x', password: 'wrong', reconnectPeriod: 0 })).rejects.toThrow(/Not authorized|Bad username/i);
    const viewer = await h.issue('hq-viewer');
    await expect(mqtt.connectAsync(h.server.mqttUrl, { username: 'x', password: viewer, reconnectPeriod: 0 })).rejects.toThrow();
    const text = await (await h.api('/metrics')).text();
    expect(metricValue(text, 'storepulse_auth_failures_total', { channel: 'mqtt' })).toBeGreaterThanOrEqual(2);
  });

  it('applies a till fault from an agent within 2 s', async () => {
    const a = await connect(h.server.mqttUrl, fleetToken, 'S001-T1');
    await a.publishAsync(topics.online('S001', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: '1.0.0' } }), { qos: 1, retain: true });
    await a.publishAsync(topics.status('S001', 'T1'), status(1, { pos: 'error' }), { qos: 1, retain: true });
    const till = await waitFor(async () => (await store('S001')).tills.find((t) => t.id === 'T1' && t.state === 'down'), 2000, 'T1 down');
    expect(till.components?.pos.state).toBe('error');
  });

  it('does not let a store-scoped agent publish for another store', async () => {
    const a = await connect(h.server.mqttUrl, s002Token, 'S002-T1');
    await a.publishAsync(topics.status('S002', 'T1'), status(1), { qos: 1 });
    await waitFor(async () => (await store('S002')).tills.find((t) => t.id === 'T1')?.state === 'up', 2000, 'own store accepted');
    // The broker refuses it (Aedes drops the client); the server never sees the message.
    a.publish(topics.status('S001', 'T2'), status(1), { qos: 1 });
    await waitFor(async () => metricValue(await (await h.api('/metrics')).text(), 'storepulse_mqtt_publish_denied_total', { reason: 'store_scope' }) === 1, 2000, 'publish denied');
    expect((await store('S001')).tills.find((t) => t.id === 'T2')?.state).toBe('offline');
    expect((await store('S001')).tills.find((t) => t.id === 'T2')?.lastSeen).toBeNull();
  });

  it('keeps bins the incident engine would refuse out of telemetry and the sequence guard, counted at ingest by reason', async () => {
    const a = await connect(h.server.mqttUrl, fleetToken, 'S001-bins');
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const far = Date.UTC(2150, 0, 1);
    const sales = { v: 1, transactions: 2, currency: 'EUR' };
    await a.publishAsync(topics.sales('S001', 'T2'), JSON.stringify({ ...sales, seq: Number.MAX_SAFE_INTEGER, binStart: iso(far), binEnd: iso(far + 60_000), revenue: 1e9 }), { qos: 1 });
    await a.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify({ v: 1, seq: 1, binStart: iso(minute - 60_000), binEnd: iso(minute - 50_000), in: 1_000_000, out: 0 }), { qos: 1 });
    // The till's next ordinary bin is not taken for a redelivery of the refused one.
    await a.publishAsync(topics.sales('S001', 'T2'), JSON.stringify({ ...sales, seq: 5, binStart: iso(minute - 60_000), binEnd: iso(minute), revenue: 60 }), { qos: 1 });
    await a.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify({ v: 1, seq: 2, binStart: iso(minute - 120_000), binEnd: iso(minute - 60_000), in: 7, out: 4 }), { qos: 1 });
    const metrics = async () => (await h.api('/metrics')).text();
    await waitFor(async () => {
      const text = await metrics();
      return metricValue(text, 'storepulse_ingest_messages_total', { kind: 'sales' }) === 1 && metricValue(text, 'storepulse_ingest_messages_total', { kind: 'footfall' }) === 1;
    }, 2000, 'the ordinary bins accepted');

    const text = await metrics();
    expect(metricValue(text, 'storepulse_ingest_rejected_total', { reason: 'clock_skew' })).toBe(1);
    expect(metricValue(text, 'storepulse_ingest_rejected_total', { reason: 'counter_absurd' })).toBe(1);
    // The engine still hears of them, to flag the incidents they touch.
    expect(metricValue(text, 'storepulse_incident_input_quality_total', { source: 'sales', action: 'rejected', flag: 'clock_skew' })).toBe(1);
    expect(metricValue(text, 'storepulse_incident_input_quality_total', { source: 'footfall', action: 'rejected', flag: 'counter_absurd' })).toBe(1);
    await h.server.telemetry.flush();
    const future = await h.server.telemetry.salesSeries({ storeId: 'S001', from: far, to: far + 3600_000, binSeconds: 3600 });
    expect(future.map((b) => b.revenue ?? 0)).toEqual([0]);
    const hour = minute - (minute % 3600_000);
    const footfall = await h.server.telemetry.footfallSeries({ storeId: 'S001', from: hour - 3600_000, to: hour + 3600_000, binSeconds: 3600 });
    expect(footfall.reduce((n, b) => n + (b.value ?? 0), 0)).toBe(7);
  });

  it('stores in telemetry only the bins the incident engine keeps: a replacement yes, an overlapping bin no', async () => {
    const a = await connect(h.server.mqttUrl, fleetToken, 'S001-overlap');
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const bin = (seq: number, from: number, to: number, visitors: number) =>
      a.publishAsync(topics.footfall('S002', 'door1'), JSON.stringify({ v: 1, seq, binStart: iso(from), binEnd: iso(to), in: visitors, out: 0 }), { qos: 1 });
    await bin(1, minute - 180_000, minute - 120_000, 5);
    // The same bin resent with a corrected count replaces it; one shifted by 30 s overlaps it and is refused.
    await bin(2, minute - 180_000, minute - 120_000, 6);
    await bin(3, minute - 150_000, minute - 90_000, 40);
    const quality = (action: string, flag: string) => async () =>
      metricValue(await (await h.api('/metrics')).text(), 'storepulse_incident_input_quality_total', { source: 'footfall', action, flag }) === 1;
    await waitFor(quality('replaced', 'bin_replaced'), 2000, 'the resent bin replaced');
    await waitFor(quality('rejected', 'bin_overlap'), 2000, 'the overlapping bin refused');
    await h.server.telemetry.flush();
    const hour = minute - (minute % 3600_000);
    const series = await h.server.telemetry.footfallSeries({ storeId: 'S002', from: hour - 3600_000, to: hour + 3600_000, binSeconds: 3600 });
    expect(series.reduce((n, b) => n + (b.value ?? 0), 0)).toBe(6);
  });

  it('marks a till offline by its last will within 1.5× keepalive when its link goes silent', async () => {
    const keepalive = 2;
    const proxy = await startTcpProxy(new URL(h.server.mqttUrl).port as unknown as number);
    try {
      const will = { topic: topics.online('S001', 'T3'), payload: Buffer.from('{"v":1,"online":false}'), qos: 1 as const, retain: true };
      const a = await connect(`mqtt://127.0.0.1:${proxy.port}`, fleetToken, 'S001-T3', { keepalive, will });
      await a.publishAsync(topics.status('S001', 'T3'), status(1), { qos: 1, retain: true });
      await waitFor(async () => (await store('S001')).tills.find((t) => t.id === 'T3')?.online === true, 2000, 'T3 online');
      const silentAt = Date.now();
      proxy.blackhole();
      await waitFor(async () => (await store('S001')).tills.find((t) => t.id === 'T3')?.online === false, keepalive * 1500 + 1500, 'T3 offline');
      expect(Date.now() - silentAt).toBeGreaterThanOrEqual(keepalive * 1000);
    } finally {
      await proxy.close();
    }
  });
});

describe('embedded broker port', () => {
  let blocker: Server | null = null;

  beforeAll(async () => {
    // Make sure the default port 1883 is taken, as it is on machines that run Mosquitto.
    blocker = await new Promise<Server | null>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen(1883, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('falls back to a free port, and says so, when the default port is taken', async () => {
    const h = await startHarness({ env: { MQTT_PORT: '' } });
    try {
      expect(h.server.mqttPortFellBack).toBe(true);
      expect(h.server.mqttUrl).not.toMatch(/:1883$/);
      const health = await (await h.api('/api/health', { token: null })).json();
      expect(health).toMatchObject({ mqtt: 'connected' });
    } finally {
      await h.close();
    }
  });

  it('fails with a clear error when MQTT_PORT is given and taken', async () => {
    const err = await startHarness({ env: { MQTT_PORT: '1883' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['MQTT_PORT: 1883 is already in use on 127.0.0.1 (another program, or storepulse running already); set MQTT_PORT to a free port']);
  });

  it('refuses to start on a bad environment, naming each bad variable', async () => {
    const port = await freePort();
    const err = await startHarness({ env: { MQTT_PORT: 'abc', PORT: String(port), LOG_LEVEL: 'loud' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/MQTT_PORT .*integer/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
  });
});

import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type StoreDetail, type StoreSummary, type TillHistory } from '@storepulse/protocol';
import { waitFor } from '../../../test-support/ports.js';
import { metricValue, startHarness, status, type Harness } from '../support/harness.js';

const HOUR = 3600_000;

describe('HTTP API: till state history and store regions', () => {
  let h: Harness;
  let viewer: string;
  let pilot: string;
  let agent: MqttClient;
  let start: number;

  const history = (query: string, token = viewer, storeId = 'S001') => h.api(`/api/stores/${storeId}/tills/history?${query}`, { token });
  const range = (from: number, to: number) => `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

  beforeAll(async () => {
    h = await startHarness();
    viewer = await h.issue('hq-viewer');
    pilot = await h.issue('provider', { providerId: 'pilot' });
    start = Date.now() - 1000;
    agent = await mqtt.connectAsync(h.server.mqttUrl, { clientId: 'S001/agents', username: 'agent', password: await h.issue('agent', { storeId: 'S001' }), reconnectPeriod: 0 });
    // T1 comes up, its POS fails, then it recovers; T2 comes up.
    await agent.publishAsync(topics.online('S001', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: '1.0.0' } }), { qos: 1 });
    await agent.publishAsync(topics.status('S001', 'T1'), status(1), { qos: 1 });
    await agent.publishAsync(topics.status('S001', 'T2'), status(1), { qos: 1 });
    await waitFor(async () => ((await (await h.api('/api/stores/S001')).json()) as StoreDetail).tills.filter((t) => t.state === 'up').length === 2, 5000, 'T1 and T2 up');
    // A second apart: the telemetry store keeps whole seconds, one point per till and second.
    await new Promise((r) => setTimeout(r, 1100));
    await agent.publishAsync(topics.status('S001', 'T1'), status(2, { pos: 'error' }), { qos: 1 });
    await waitFor(async () => ((await (await h.api('/api/stores/S001')).json()) as StoreDetail).tills.find((t) => t.id === 'T1')?.state === 'down', 5000, 'T1 down');
    await new Promise((r) => setTimeout(r, 1100));
    await agent.publishAsync(topics.status('S001', 'T1'), status(3), { qos: 1 });
    await waitFor(async () => ((await (await h.api('/api/stores/S001')).json()) as StoreDetail).tills.find((t) => t.id === 'T1')?.state === 'up', 5000, 'T1 up again');
  }, 30_000);
  afterAll(async () => {
    await agent?.endAsync(true);
    await h?.close();
  });

  it('gives each till\'s state changes of a range, oldest first, with components', async () => {
    const res = await history(range(start, Date.now() + HOUR));
    expect(res.status).toBe(200);
    const body = (await res.json()) as TillHistory;
    expect(body.storeId).toBe('S001');
    expect(body.truncated).toBe(false);
    const t1 = body.changes.filter((c) => c.tillId === 'T1');
    expect(t1.map((c) => c.state)).toEqual(['up', 'down', 'up']);
    expect(t1[1]!.components).toEqual({ pos: 'error', printer: 'ok', payment: 'ok', network: 'ok' });
    expect(body.changes.filter((c) => c.tillId === 'T2').map((c) => c.state)).toEqual(['up']);
    const times = body.changes.map((c) => Date.parse(c.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // One till, and a range that starts after its first change: that change is where the timeline starts.
    const one = (await (await history(`${range(Date.parse(t1[1]!.at), Date.now() + HOUR)}&tillId=T1`)).json()) as TillHistory;
    expect(one.before.map((c) => [c.tillId, c.state])).toEqual([['T1', 'up']]);
    expect(one.changes.map((c) => c.state)).toEqual(['down', 'up']);
    const cut = (await (await history(`${range(start, Date.now() + HOUR)}&tillId=T1&limit=1`)).json()) as TillHistory;
    expect([cut.changes.map((c) => c.state), cut.truncated]).toEqual([['up'], true]);
  });

  it('refuses a bad range or query with a clear 400', async () => {
    const now = Date.now();
    for (const [query, message] of [
      [range(now, now - HOUR), 'from must be before to'],
      [range(now, now), 'from must be before to'],
      [range(now - 8 * 24 * HOUR, now), 'at most 7 days'],
      [`from=yesterday&to=${new Date(now).toISOString()}`, 'from'],
      [`to=${new Date(now).toISOString()}`, 'from'],
      // A leap second passes the date-time pattern but is no instant a Date can hold.
      [`from=2026-06-30T23:59:60Z&to=${new Date(now).toISOString()}`, 'from'],
      [`${range(now - HOUR, now)}&limit=0`, 'limit'],
      [`${range(now - HOUR, now)}&tillId=T%201`, 'tillId'],
      [`${range(now - HOUR, now)}&colour=red`, 'additional'],
    ] as const) {
      const res = await history(query);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { message: string }).message, query).toContain(message);
    }
    // Each refusal is counted by route pattern, not by path.
    const text = await (await h.api('/metrics')).text();
    expect(metricValue(text, 'storepulse_http_refused_total', { method: 'GET', route: '/api/stores/:id/tills/history', status: '400' })).toBe(9);
  });

  it('is 404 for an unknown store or till and for a store outside a provider\'s scope, 401/403 without the right token', async () => {
    const q = range(Date.now() - HOUR, Date.now());
    expect((await history(q, viewer, 'S999')).status).toBe(404);
    expect((await history(`${q}&tillId=T9`)).status).toBe(404);
    expect((await history(q, pilot, 'S001')).status).toBe(200);
    expect((await history(q, pilot, 'S002')).status).toBe(404);
    expect((await history(q, await h.issue('agent', { storeId: 'S001' }))).status).toBe(403);
    expect((await h.api(`/api/stores/S001/tills/history?${q}`, { token: null })).status).toBe(401);
  });

  it('documents the route in OpenAPI', async () => {
    const doc = (await (await h.api('/api/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/stores/{id}/tills/history');
  });

  it('keeps a store\'s optional region through the stores API', async () => {
    const body = {
      id: 'S010', name: 'Sevilla Centro', city: 'Sevilla', region: 'Iberia', timezone: 'Europe/Madrid', currency: 'EUR', tills: ['T1'],
      hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
    };
    expect((await h.api('/api/stores/S010', { method: 'PUT', body: JSON.stringify(body) })).status).toBe(201);
    expect((await (await h.api('/api/stores/S010')).json()) as StoreDetail).toMatchObject({ city: 'Sevilla', region: 'Iberia' });
    const list = (await (await h.api('/api/stores', { token: viewer })).json()) as StoreSummary[];
    expect(list.find((s) => s.id === 'S001')!.region).toBeNull();
    expect(list.find((s) => s.id === 'S010')!.region).toBe('Iberia');
    expect((await h.api('/api/stores/S010', { method: 'PUT', body: JSON.stringify({ ...body, region: '' }) })).status).toBe(400);
  });
});

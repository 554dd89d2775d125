import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { topics, type IncidentView } from '@storepulse/protocol';
import { waitFor } from '../../../test-support/ports.js';
import { metricValue, startHarness, status, type Harness } from '../support/harness.js';
import { expectHandComputed, OUTAGE_YAML, runFullOutage, watchLive, type LiveLog, type OutageRun } from './outage.js';

describe('incidents end to end on the embedded broker: outage → incident → lost revenue → API and socket.io', () => {
  let h: Harness;
  let hq: LiveLog;
  let pilot: LiveLog;
  let other: LiveLog;
  let run: OutageRun;
  let agentToken: string;
  let pilotToken: string;
  let otherToken: string;
  const json = async <T>(path: string, token?: string) => {
    const res = await h.api(path, token ? { token } : {});
    return { status: res.status, body: (await res.json()) as T };
  };

  beforeAll(async () => {
    h = await startHarness({ yaml: OUTAGE_YAML });
    agentToken = await h.issue('agent');
    pilotToken = await h.issue('provider', { providerId: 'pilot' });
    otherToken = await h.issue('provider', { providerId: 'other' });
    hq = await watchLive(h.server.url, await h.issue('hq-viewer'));
    pilot = await watchLive(h.server.url, pilotToken);
    other = await watchLive(h.server.url, otherToken);
    run = await runFullOutage(h.server.mqttUrl, { username: 'agent', password: agentToken }, hq);
  }, 30_000);
  afterAll(async () => {
    for (const l of [hq, pilot, other]) l?.socket.close();
    await h?.close();
  });

  it('opens one store_down incident that counts from the fault, not from the end of the pending period', () => {
    expect(run.opened.kind).toBe('store_down');
    expect(run.opened.severity).toBe('critical');
    expect(run.opened.tillIds).toEqual(['T1']);
    expect(Math.abs(Date.parse(run.opened.startedAt) - run.faultAt)).toBeLessThan(500);
    expect(hq.opened.filter((i) => i.storeId === 'S001')).toHaveLength(1);
  });

  it('closes after recovery with the hand-computed lost revenue, and pushes it live', async () => {
    const gross = expectHandComputed(run.closed);
    expect(run.closed.status).toBe('closed');
    expect(run.closed.method).toBe('full');
    expect(run.closed.flags).toContain('rates_fallback');
    // The running total follows the incident: the last push carries the closed figures.
    const today = await waitFor(() => hq.today.at(-1)?.today.find((t) => t.currency === 'EUR' && Math.abs(t.gross - run.closed.lostRevenue.gross) < 0.005), 3000, 'today pushed');
    expect(today).toMatchObject({ incidents: 1 });
    expect(today.gross).toBeCloseTo(gross, 1);
    // Before that, while the incident was open, the total was already pushed.
    expect(hq.today.indexOf(run.todayWhileOpen)).toBeLessThan(hq.today.length - 1);
  });

  it('sends incidents to HQ and to the store\'s provider only', async () => {
    await waitFor(() => pilot.closed.find((i) => i.id === run.opened.id), 2000, 'provider got the closure');
    expect(pilot.opened.map((i) => i.id)).toEqual([run.opened.id]);
    expect(other.opened).toEqual([]);
    expect(other.closed).toEqual([]);
    expect(other.today).toEqual([]);
  });

  it('lists and shows the incident with its timeline, scoped to the provider', async () => {
    const list = await json<IncidentView[]>('/api/incidents?storeId=S001&status=closed');
    expect(list.status).toBe(200);
    expect(list.body.map((i) => i.id)).toEqual([run.opened.id]);
    expect(list.body[0]).not.toHaveProperty('timeline');
    expect(list.body[0]!.lostRevenue.gross).toBeCloseTo(run.closed.lostRevenue.gross, 2);
    expect((await json<IncidentView[]>('/api/incidents?status=open')).body).toEqual([]);
    const from = new Date(Date.parse(run.closed.endedAt!) + 60_000).toISOString();
    expect((await json<IncidentView[]>(`/api/incidents?from=${from}`)).body).toEqual([]);

    const detail = await json<IncidentView>(`/api/incidents/${run.opened.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.timeline.map((e) => e.event)).toEqual(expect.arrayContaining(['fault', 'opened', 'recovered', 'closed']));

    expect((await json<IncidentView>(`/api/incidents/${run.opened.id}`, pilotToken)).status).toBe(200);
    expect((await json<IncidentView[]>('/api/incidents', pilotToken)).body).toHaveLength(1);
    expect((await json(`/api/incidents/${run.opened.id}`, otherToken)).status).toBe(404);
    expect((await json<IncidentView[]>('/api/incidents', otherToken)).body).toEqual([]);
    expect((await json('/api/incidents?storeId=S001', otherToken)).status).toBe(404);
    expect((await json('/api/incidents/inc_nothing_here')).status).toBe(404);
  });

  it('documents every incident route in the OpenAPI spec', async () => {
    const spec = (await (await h.api('/api/docs/json')).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/incidents', '/api/incidents/{id}', '/api/summary', '/api/stores/{id}/series', '/api/maintenance', '/api/maintenance/{id}', '/api/maintenance/groups']) {
      expect(spec.paths, path).toHaveProperty([path]);
    }
  });

  it('refuses bad queries with 400', async () => {
    for (const q of ['status=maybe', 'from=yesterday', 'storeId=a/b', 'limit=0', 'nope=1', 'from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z', 'from=2026-06-30T23:59:60Z']) {
      expect((await h.api(`/api/incidents?${q}`)).status, q).toBe(400);
    }
    expect((await h.api('/api/stores/S001/series?from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z&bin=7')).status).toBe(400);
    expect((await h.api('/api/stores/S001/series?from=2026-11-01T00:00:00Z&to=2026-11-23T00:00:00Z&bin=60')).status).toBe(400);
    expect((await h.api('/api/stores/S001/series?to=2026-11-23T00:00:00Z')).status).toBe(400);
    expect((await h.api('/api/stores/S001/series?from=2026-06-30T23:59:60Z&to=2026-07-01T01:00:00Z')).status).toBe(400);
  });

  it('sums the fleet: stores by state, tills, lost revenue today per currency, open incidents', async () => {
    const { body } = await json<{
      stores: { total: number; byState: Record<string, number> };
      tills: { total: number; down: number };
      lostRevenueToday: { currency: string; gross: number; incidents: number }[];
      openIncidents: IncidentView[];
    }>('/api/summary');
    expect(body.stores.total).toBe(2);
    expect(body.stores.byState.ok).toBe(1);
    expect(body.tills).toMatchObject({ total: 2, down: 0 });
    expect(body.lostRevenueToday).toEqual([{ currency: 'EUR', gross: run.closed.lostRevenue.gross, net: run.closed.lostRevenue.net, incidents: 1 }]);
    expect(body.openIncidents).toEqual([]);
    const scoped = await json<{ stores: { total: number }; lostRevenueToday: unknown[] }>('/api/summary', otherToken);
    expect(scoped.body.stores.total).toBe(1);
    expect(scoped.body.lostRevenueToday).toEqual([]);
  });

  it('reports the month\'s lost revenue per store, in JSON and CSV, scoped to the provider', async () => {
    const month = new Date(run.faultAt).toLocaleDateString('sv-SE', { timeZone: 'Europe/Madrid' }).slice(0, 7);
    const { status: code, body } = await json<{ stores: Record<string, unknown>[]; totals: Record<string, unknown>[] }>(`/api/reports/lost-revenue?month=${month}`);
    expect(code).toBe(200);
    const { gross, net } = run.closed.lostRevenue;
    const downtimeMs = Date.parse(run.closed.endedAt!) - Date.parse(run.closed.startedAt);
    // Visitors are counted pro rata over part-covered bins; the report gives whole people.
    const visitors = Math.round(run.closed.visitors);
    expect(body.stores).toEqual([{ storeId: 'S001', currency: 'EUR', incidents: 1, kinds: { store_down: 1 }, downtimeMs, visitors, gross, net }]);
    expect(body.totals).toEqual([{ currency: 'EUR', incidents: 1, downtimeMs, visitors, gross, net }]);
    expect((await json<{ stores: unknown[] }>(`/api/reports/lost-revenue?month=${month}`, pilotToken)).body.stores).toHaveLength(1);
    expect((await json(`/api/reports/lost-revenue?month=${month}`, otherToken)).body).toEqual({ stores: [], totals: [] });

    const csv = await h.api(`/api/reports/lost-revenue?month=${month}&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="lost-revenue-${month}.csv"`);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toEqual([
      'store_id,store_name,city,currency,incidents,downtime_min,visitors,lost_revenue_gross,lost_revenue_net,lost_revenue_uncounted_up_to',
      `S001,Madrid Gran Vía,Madrid,EUR,1,${(downtimeMs / 60_000).toFixed(1)},${visitors},${gross.toFixed(2)},${net.toFixed(2)},`,
    ]);
    const refused = async (status: string) =>
      metricValue(await (await h.api('/metrics')).text(), 'storepulse_http_refused_total', { method: 'GET', route: '/api/reports/lost-revenue', status });
    const bad = ['month=2026-13', 'month=2026-1', '', 'month=2026-11&format=xml', 'month=2026-11&storeId=S001'];
    for (const q of bad) {
      const res = await h.api(`/api/reports/lost-revenue?${q}`);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message, q).toMatch(/month|format|storeId|properties/);
    }
    expect(await refused('400')).toBe(bad.length);
    expect((await json(`/api/reports/lost-revenue?month=${month}`, agentToken)).status).toBe(403);
    expect(await refused('403')).toBe(1);
    const spec = (await (await h.api('/api/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(spec.paths).toHaveProperty(['/api/reports/lost-revenue']);
  });

  it('draws the store chart: footfall and tills per bin, with the incident as a band', async () => {
    await h.server.telemetry.flush();
    const from = new Date(run.faultAt - 10 * 60_000).toISOString();
    const to = new Date(run.faultAt + 10 * 60_000).toISOString();
    const before = Date.now();
    const { status, body } = await json<{ binSeconds: number; bins: { t: string; footfall: number | null; tillsAvailable: number | null }[]; incidents: { id: string }[] }>(
      `/api/stores/S001/series?from=${from}&to=${to}&bin=60`,
    );
    const after = Date.now();
    expect(status).toBe(200);
    // Known up to now, unknown after: the tills line stops where time does.
    const current = body.bins.filter((b) => Date.parse(b.t) <= before).at(-1);
    const ahead = body.bins.filter((b) => Date.parse(b.t) > after);
    expect(current?.tillsAvailable).toBe(1);
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.map((b) => b.tillsAvailable)).toEqual(ahead.map(() => null));
    expect(body.binSeconds).toBe(60);
    expect(body.bins.length).toBeGreaterThanOrEqual(20);
    expect(body.bins.reduce((n, b) => n + (b.footfall ?? 0), 0)).toBe(30);
    expect(body.incidents.map((i) => i.id)).toEqual([run.opened.id]);
    expect((await json(`/api/stores/S001/series?from=${from}&to=${to}`, otherToken)).status).toBe(404);
  });

  it('refuses a bin from a clock far ahead, or with a negative count, at ingest, and still tells the engine, which flags incidents it touches', async () => {
    const c = await mqtt.connectAsync(h.server.mqttUrl, { username: 'agent', password: agentToken, reconnectPeriod: 0 });
    try {
      const start = Date.now() + 30 * 60_000;
      const bin = { v: 1, seq: 10, binStart: new Date(start).toISOString(), binEnd: new Date(start + 60_000).toISOString(), in: 5, out: 0 };
      await c.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify(bin), { qos: 1 });
      // A counter gone mad: the schema refuses a negative count, and the engine still hears of it.
      const now = Date.now() - 60_000;
      const negative = { v: 1, seq: 11, binStart: new Date(now).toISOString(), binEnd: new Date(now + 60_000).toISOString(), in: -12, out: 0 };
      await c.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify(negative), { qos: 1 });
      await waitFor(
        async () => {
          const m = await (await h.api('/metrics')).text();
          return metricValue(m, 'storepulse_ingest_rejected_total', { reason: 'clock_skew' }) === 1 && metricValue(m, 'storepulse_ingest_rejected_total', { reason: 'bad_count' }) === 1;
        },
        3000,
        'clock skew and the negative count counted',
      );
    } finally {
      await c.endAsync(true);
    }
    const text = await (await h.api('/metrics')).text();
    // Kept out of telemetry and the sequence guard (ingest tests), but the engine records the flag.
    expect(metricValue(text, 'storepulse_incident_input_quality_total', { source: 'footfall', action: 'rejected', flag: 'clock_skew' })).toBe(1);
    expect(metricValue(text, 'storepulse_incident_input_quality_total', { source: 'footfall', action: 'rejected', flag: 'counter_negative' })).toBe(1);
    expect(metricValue(text, 'storepulse_incidents_opened_total', { kind: 'store_down' })).toBe(1);
    expect(metricValue(text, 'storepulse_incidents_closed_total')).toBe(1);
    expect(metricValue(text, 'storepulse_incidents_open')).toBe(0);
  });

  it('closes a store\'s open incident when the store is removed, and says why', async () => {
    const c = await mqtt.connectAsync(h.server.mqttUrl, { username: 'agent', password: agentToken, reconnectPeriod: 0 });
    try {
      await c.publishAsync(topics.online('S002', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
      await c.publishAsync(topics.status('S002', 'T1'), status(1, { pos: 'error' }), { qos: 1, retain: true });
    } finally {
      await c.endAsync(true);
    }
    // Nothing more is sent: the engine wakes itself when the 1 s pending period is over, well before its 10 s tick.
    const opened = await waitFor(async () => hq.opened.find((i) => i.storeId === 'S002'), 2500, 'S002 incident opened');
    expect((await h.api('/api/stores/S002', { method: 'DELETE' })).status).toBe(204);
    const closed = await waitFor(async () => hq.closed.find((i) => i.id === opened.id), 3000, 'S002 incident closed over socket.io');
    expect(closed.status).toBe('closed');
    const { status: code, body } = await json<IncidentView & { timeline: { event: string; detail?: string }[] }>(`/api/incidents/${opened.id}`, await h.issue('hq-viewer'));
    expect(code).toBe(200);
    // Final at once: nothing of the store will come to settle it.
    expect(body).toMatchObject({ status: 'closed', endedAt: closed.endedAt, final: true });
    expect(body.timeline.at(-1)).toMatchObject({ event: 'closed', detail: 'store removed from the fleet' });
  });
});

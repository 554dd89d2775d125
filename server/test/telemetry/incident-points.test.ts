/**
 * Incident points as the server writes them, read back through the SLA and lost revenue dashboards' own queries on a
 * real influxd: an incident opens on one till, spreads to the whole store, outlives its ticket's response target and
 * recovers; a door count comes late, the net settles, and the fault recurs on the same ticket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics } from '@storepulse/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type InfluxdHandle } from '../../../test-support/influxd.js';
import type { Principal } from '../../src/services/auth-service.js';
import { InfluxHttp } from '../../src/telemetry/influx/http.js';
import { InfluxTelemetryStore } from '../../src/telemetry/influx-store.js';
import { panelQuery } from './grafana-queries.js';
import { startServerPath, type ServerPath } from './server-path.js';

const DB = 'storepulse';
const MIN = 60_000;
const ALL_DAY = '00:00-24:00';
const YAML = `
stores:
  - id: S001
    name: Madrid Gran Vía
    city: Madrid
    timezone: Europe/Madrid
    currency: EUR
    tills: [T1, T2]
    hours: { mon: "${ALL_DAY}", tue: "${ALL_DAY}", wed: "${ALL_DAY}", thu: "${ALL_DAY}", fri: "${ALL_DAY}", sat: "${ALL_DAY}", sun: "${ALL_DAY}" }
    conversion: 0.25
    avgBasket: 40
# The store names no provider: Acme takes it by listing it.
providers:
  - id: acme
    name: Acme Field Service
    categories: [all]
    stores: [S001]
    sla:
      P1: { response: 5m, resolve: 8h, clock: 24x7 }
incidents: { pendingSec: 60, recoverSec: 120 }
`;
const HQ: Principal = { tokenId: 't', role: 'hq-admin', providerId: null, storeId: null, label: 'test' };

let influxd: InfluxdHandle;
let http: InfluxHttp;
let telemetry: InfluxTelemetryStore;
let path: ServerPath;
const spoolDir = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));
// Within the raw retention: three hours ago, on a whole minute.
const t0 = Math.floor(Date.now() / MIN) * MIN - 3 * 60 * MIN;
let clock = t0;
let seq = 0;

const status = (tillId: string, pos: 'ok' | 'error') => {
  const c = (state: string) => ({ state });
  path.publish(topics.status('S001', tillId), { v: 1, ts: new Date(clock).toISOString(), seq: ++seq, components: { pos: c(pos), printer: c('ok'), payment: c('ok'), network: c('ok') } });
};
/** Moves the clock minute by minute, ticking as the server's timers would. */
const advance = (minutes: number) => {
  for (let i = 0; i < minutes; i++) {
    clock += MIN;
    path.tick();
  }
};
/** A panel's series over the whole test. */
const panelSeries = async (file: string, title: string, refId?: string) => {
  await telemetry.flush();
  const [series] = await http.query(panelQuery(file, title, t0 - 60 * MIN, clock + 90 * MIN, refId));
  return series ?? [];
};
/** One SLA panel's single figure over the whole test. */
const panel = async (title: string): Promise<unknown> => (await panelSeries('sla.json', title))[0]?.values[0]?.[1] ?? null;
/** The resolution points: provider, gross, net and ticket. */
const resolutions = async () => {
  await telemetry.flush();
  const [series] = await http.query(`SELECT "provider", "lost_revenue", "lost_revenue_net", "ticket" FROM "incident" WHERE "phase" = 'resolved'`);
  return series?.[0]?.values.map(([, ...row]) => row) ?? [];
};
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  influxd = await startInfluxd();
  telemetry = await InfluxTelemetryStore.open({ url: influxd.url, db: DB, spoolDir, cityOf: () => 'Madrid', flushIntervalMs: 50 });
  http = new InfluxHttp({ url: influxd.url, db: DB });
  path = await startServerPath({ yaml: YAML, telemetry, now: () => clock });
  for (const t of ['T1', 'T2']) {
    path.publish(topics.online('S001', t), { v: 1, online: true, agent: { version: 'test' } });
    status(t, 'ok');
  }
}, 60_000);

afterAll(async () => {
  await path?.close();
  await telemetry?.close();
  await influxd?.destroy();
  rmSync(spoolDir, { recursive: true, force: true });
});

describe('incident points on the SLA and lost revenue dashboards', () => {
  it('counts one open incident, as the API does, though it spread from a till to the whole store', async () => {
    advance(1);
    status('T1', 'error');
    advance(3);
    expect(path.incidents.openIncidents(HQ).map((i) => i.kind)).toEqual(['till_down']);
    status('T2', 'error');
    // The response target (5 minutes) passes with nobody acknowledging the ticket.
    advance(10);
    expect(path.incidents.openIncidents(HQ).map((i) => i.kind)).toEqual(['store_down']);
    expect(await panel('Incidents open')).toBe(1);
  });

  it('counts a breached SLA once its incident resolves', async () => {
    status('T1', 'ok');
    status('T2', 'ok');
    advance(5);
    expect(path.incidents.openIncidents(HQ)).toHaveLength(0);
    expect(await panel('SLAs breached')).toBe(1);
    expect(await panel('Incidents open')).toBe(0);
  });

  it('files the resolution under the provider its ticket went to', async () => {
    const byProvider = async (refId: string) => (await panelSeries('sla.json', 'By provider', refId)).map((s) => [s.tags?.provider, s.values[0]![1]]);
    expect(await byProvider('A')).toEqual([['acme', 1]]);
    expect(await byProvider('B')).toEqual([['acme', 1]]);
  });

  it('keeps it closed when its final figures come an hour later, and writes them, a late door count in, on its resolution point', async () => {
    const [closed] = path.incidents.list(HQ, { limit: 10 });
    expect(closed!.lostRevenue.gross).toBe(0);
    // The door counter's bin over the outage, sent after the resolution.
    const start = Date.parse(closed!.startedAt);
    path.publish(topics.footfall('S001', 'door1'), { v: 1, seq: 1, binStart: iso(start), binEnd: iso(start + 15 * MIN), in: 60, out: 0 });
    const final = () => path.incidents.list(HQ, { limit: 10 }).every((i) => i.final);
    expect(final()).toBe(false);
    advance(70);
    expect(final()).toBe(true);
    expect(await panel('Incidents open')).toBe(0);
    const [inc] = path.incidents.list(HQ, { limit: 10 });
    const { gross, net } = inc!.lostRevenue;
    expect(gross).toBeGreaterThan(0);
    // One resolution point, still under its provider and holding its ticket's breach, with the settled figures.
    expect(await resolutions()).toEqual([['acme', gross, net, path.tickets.incidentTicket(inc!.id)!.id]]);
    const [byStore] = await panelSeries('lost-revenue.json', 'Lost revenue by store');
    expect(byStore!.values[0]!.slice(1)).toEqual([net, gross, 1]);
    expect(await panel('SLAs breached')).toBe(1);
  });

  it('counts a ticket breached once when its fault recurs and resolves again', async () => {
    status('T1', 'error');
    advance(3);
    status('T2', 'error');
    advance(10);
    status('T1', 'ok');
    status('T2', 'ok');
    advance(5);
    const incidents = path.incidents.list(HQ, { limit: 10 });
    expect(incidents.map((i) => i.status)).toEqual(['closed', 'closed']);
    const tickets = incidents.map((i) => path.tickets.incidentTicket(i.id)!);
    expect(tickets[0]!.id).toBe(tickets[1]!.id);
    expect(tickets[0]!.sla.breached).toBe(true);
    expect(await panel('SLAs breached')).toBe(1);
    const byProvider = async (refId: string) => (await panelSeries('sla.json', 'By provider', refId)).map((s) => [s.tags?.provider, s.values[0]![1]]);
    expect(await byProvider('A')).toEqual([['acme', 2]]);
    expect(await byProvider('B')).toEqual([['acme', 1]]);
  });
});

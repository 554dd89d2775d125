import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import Database from 'better-sqlite3';
import { topics, type ClientToServerEvents, type IncidentView, type ServerToClientEvents, type StoreSummary } from '@storepulse/protocol';
import { waitFor } from '../../../test-support/ports.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { ADMIN_TOKEN, metricValue, status } from '../support/harness.js';
import { OUTAGE_YAML } from './outage.js';

const YAML = `${OUTAGE_YAML}
maintenance:
  - { id: file-window, storeIds: [S002], recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
  - { id: file-typo, groups: [centrl], recurrence: { weekdays: [sun], hours: "02:00-04:00" } }
`;

describe('incidents across a restart, and maintenance windows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-incidents-'));
  const config = join(dir, 'storepulse.yaml');
  writeFileSync(config, YAML);
  let server: RunningServer | null = null;
  let agent: MqttClient | null = null;
  let seq = 0;
  /** What the server logged at warn and above. */
  const warned: { msg: string; windowId?: string; warnings?: string[] }[] = [];

  const start = async () => {
    server = await startServer({
      env: {
        PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', STOREPULSE_CONFIG: config,
        STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_ADMIN_TOKEN: ADMIN_TOKEN, STOREPULSE_WEB_DIR: join(dir, 'no-web'),
      },
      logger: pino({ level: 'warn' }, { write: (line: string) => void warned.push(JSON.parse(line) as (typeof warned)[number]) }),
    });
    const res = await api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'agent', label: 'till' }) });
    const { token } = (await res.json()) as { token: string };
    agent = await mqtt.connectAsync(server.mqttUrl, { username: 'agent', password: token, reconnectPeriod: 0 });
    await agent.publishAsync(topics.online('S001', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
  };
  const stop = async () => {
    await agent?.endAsync(true);
    await server?.close();
    agent = null;
    server = null;
  };
  const api = (path: string, init: RequestInit & { token?: string } = {}) => {
    const { token = ADMIN_TOKEN, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (rest.body) headers.set('content-type', 'application/json');
    return fetch(`${server!.url}${path}`, { ...rest, headers });
  };
  const incidents = async (q = '') => (await (await api(`/api/incidents${q}`)).json()) as IncidentView[];
  const till = (patch: Record<string, string> = {}) => agent!.publishAsync(topics.status('S001', 'T1'), status(++seq, patch), { qos: 1, retain: true });
  /** The engine looks again on every input; a counter bin is one that changes nothing else. */
  const nudge = () => {
    const end = Date.now() - 1000;
    return agent!.publishAsync(
      topics.footfall('S001', 'door1'),
      JSON.stringify({ v: 1, seq: ++seq, binStart: new Date(end - 10_000).toISOString(), binEnd: new Date(end).toISOString(), in: 1, out: 0 }),
      { qos: 1 },
    );
  };

  beforeAll(start);
  afterAll(stop);

  it('keeps an open incident across a restart: the same id, no duplicate, closed once', async () => {
    await till();
    await till({ pos: 'error' });
    await new Promise((r) => setTimeout(r, 1200));
    await nudge();
    const [open] = await waitFor(async () => { const l = await incidents('?status=open'); return l.length === 1 ? l : null; }, 3000, 'incident open');
    await stop();

    await start();
    expect((await incidents()).map((i) => i.id)).toEqual([open!.id]);
    // The agent reconnects and reports its till still down, then recovered.
    await till({ pos: 'error' });
    await nudge();
    expect((await incidents('?status=open')).map((i) => i.id)).toEqual([open!.id]);
    await till();
    await new Promise((r) => setTimeout(r, 2300));
    await nudge();
    const closed = await waitFor(async () => { const l = await incidents('?status=closed'); return l.length === 1 ? l : null; }, 3000, 'incident closed');
    expect(closed[0]).toMatchObject({ id: open!.id, startedAt: open!.startedAt });
    expect(await incidents()).toHaveLength(1);
  }, 20_000);

  it('manages maintenance windows over the API, keeping the config file\'s read-only', async () => {
    const viewer = ((await (await api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'hq-viewer', label: 'v' }) })).json()) as { token: string }).token;
    const put = (id: string, body: unknown, token?: string) => api(`/api/maintenance/${id}`, { method: 'PUT', body: JSON.stringify(body), ...(token ? { token } : {}) });
    const now = Date.now();
    const window = { id: 'refit', storeIds: ['S001'], start: new Date(now - 3600_000).toISOString(), end: new Date(now + 3600_000).toISOString() };

    expect((await put('refit', { ...window, id: 'other' })).status).toBe(400);
    expect((await put('refit', { id: 'refit', start: window.start, end: window.end })).status).toBe(400);
    expect((await put('refit', { ...window, recurrence: { weekdays: ['mon'], hours: '01:00-02:00' } })).status).toBe(400);
    expect((await put('refit', { ...window, extra: true })).status).toBe(400);
    const backwards = await put('refit', { ...window, start: window.end, end: window.start });
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { message: string }).message).toMatch(/end must be after start/);
    expect((await put('refit', window, viewer)).status).toBe(403);
    expect((await put('file-window', { id: 'file-window', storeIds: ['S001'], recurrence: { weekdays: ['sun'], hours: '02:00-04:00' } })).status).toBe(409);
    expect((await api('/api/maintenance/file-window', { method: 'DELETE' })).status).toBe(409);
    expect(((await (await api('/api/stores/S001')).json()) as { maintenance: unknown }).maintenance).toBeNull();
    const created = await put('refit', window);
    expect(created.status).toBe(201);
    // The store page says the store is in it now, and until when.
    expect(((await (await api('/api/stores/S001')).json()) as { maintenance: unknown }).maintenance).toEqual({ windowId: 'refit', until: window.end });
    expect(((await created.json()) as { warnings: unknown[] }).warnings).toEqual([]);
    expect((await put('refit', window)).status).toBe(200);

    const list = (await (await api('/api/maintenance', { token: viewer })).json()) as { id: string; source: string }[];
    expect(list.map((w) => [w.id, w.source])).toEqual([['file-window', 'file'], ['file-typo', 'file'], ['refit', 'api']]);
  });

  it('saves a window naming a store or group nobody answers to, saying so, and lists the groups there are', async () => {
    expect(await (await api('/api/maintenance/groups')).json()).toEqual([{ group: 'central', storeIds: ['S001'] }]);
    // HQ's to read, like the windows: a provider's or an agent's token is refused.
    for (const role of ['hq-viewer', 'provider', 'agent']) {
      const issued = await api('/api/tokens', { method: 'POST', body: JSON.stringify({ role, label: role, ...(role === 'provider' ? { providerId: 'pilot' } : {}) }) });
      const { token } = (await issued.json()) as { token: string };
      expect((await api('/api/maintenance/groups', { token })).status, role).toBe(role === 'hq-viewer' ? 200 : 403);
    }
    const res = await api('/api/maintenance/night', {
      method: 'PUT',
      body: JSON.stringify({ id: 'night', storeIds: ['S404'], groups: ['central', 'centrl'], recurrence: { weekdays: ['mon'], hours: '01:00-02:00' } }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toEqual(['store_not_configured', 'group_without_stores']);
    expect(warned.filter((w) => w.windowId === 'night').map((w) => w.warnings)).toEqual([[
      'store S404 is not configured: the window covers it once it is',
      'no configured store is in group centrl: the window covers nothing there until one is',
    ]]);
    // The config file's own typo was said at start.
    expect(warned.find((w) => w.windowId === 'file-typo')).toMatchObject({ msg: 'maintenance window names stores not configured' });
    expect((await api('/api/maintenance/night', { method: 'DELETE' })).status).toBe(204);
  });

  it('tells the wall live when a store enters maintenance and when the window ends', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server!.url, { auth: { token: ADMIN_TOKEN }, transports: ['websocket'], reconnection: false });
    const heard: StoreSummary['maintenance'][] = [];
    try {
      const snapshot = await new Promise<StoreSummary[]>((resolve) => socket.once('snapshot', (s) => resolve(s.stores)));
      socket.on('store:state', (s) => void (s.id === 'S001' && heard.push(s.maintenance)));
      // The refit made above holds S001 already: the snapshot and the list say so.
      expect(snapshot.find((s) => s.id === 'S001')?.maintenance?.windowId).toBe('refit');
      // Not S002 (the file's Sunday-night window may hold it, at the hour this runs).
      expect(((await (await api('/api/stores')).json()) as StoreSummary[]).find((s) => s.id === 'S002')?.maintenance?.windowId).not.toBe('refit');
      // Removing the refit takes S001 out at once; a window ending in 1.5 s puts it back, and its end takes it out.
      const until = new Date(Date.now() + 1500).toISOString();
      const short = { id: 'short', storeIds: ['S001'], start: new Date(Date.now() - 60_000).toISOString(), end: until };
      await api('/api/maintenance/refit', { method: 'DELETE' });
      await waitFor(async () => heard.at(-1) === null, 3000, 'left maintenance when its window went');
      expect((await api('/api/maintenance/short', { method: 'PUT', body: JSON.stringify(short) })).status).toBe(201);
      await waitFor(async () => heard.at(-1)?.windowId === 'short', 3000, 'entered maintenance when a window came');
      expect(heard.at(-1)).toEqual({ windowId: 'short', until });
      await waitFor(async () => heard.at(-1) === null, 4000, 'left maintenance when the window ended');
      expect(((await (await api('/api/stores/S001')).json()) as { maintenance: unknown }).maintenance).toBeNull();
      expect((await api('/api/maintenance/short', { method: 'DELETE' })).status).toBe(204);
    } finally {
      socket.disconnect();
    }
    // The next test needs the refit back.
    const now = Date.now();
    const refit = { id: 'refit', storeIds: ['S001'], start: new Date(now - 3600_000).toISOString(), end: new Date(now + 3600_000).toISOString() };
    expect((await api('/api/maintenance/refit', { method: 'PUT', body: JSON.stringify(refit) })).status).toBe(201);
  }, 15_000);

  it('puts a store made through the API in groups and gives it backup tills, so a window on its group covers it', async () => {
    const hours = { mon: '00:00-24:00', tue: '00:00-24:00', wed: '00:00-24:00', thu: '00:00-24:00', fri: '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' };
    const store = { id: 'S900', name: 'Made by API', city: 'Madrid', timezone: 'Europe/Madrid', currency: 'EUR', tills: ['T1', 'T2'], hours, groups: ['api-made'], backupTills: ['T2'] };
    const putStore = (body: unknown) => api('/api/stores/S900', { method: 'PUT', body: JSON.stringify(body) });
    const wrong = await putStore({ ...store, backupTills: ['T9'] });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { message: string }).message).toBe('body.backupTills[0] "T9" is not one of the store\'s tills');
    expect((await putStore({ ...store, backupTills: ['T1', 'T2'] })).status).toBe(400);
    // A malformed group id, a repeated group and a group given as a string are refused by the schema, each naming the field.
    for (const groups of [['north side'], ['north', 'north'], 'north']) {
      const bad = await putStore({ ...store, groups });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toMatch(/^body\/groups/);
    }
    const made = await putStore(store);
    expect(made.status).toBe(201);
    expect(((await made.json()) as { settings: unknown }).settings).toMatchObject({ groups: ['api-made'], backupTills: ['T2'] });
    try {
      expect(await (await api('/api/maintenance/groups')).json()).toContainEqual({ group: 'api-made', storeIds: ['S900'] });
      const now = Date.now();
      const window = { id: 'api-group', groups: ['api-made'], start: new Date(now - 3600_000).toISOString(), end: new Date(now + 3600_000).toISOString() };
      const put = await api('/api/maintenance/api-group', { method: 'PUT', body: JSON.stringify(window) });
      expect(((await put.json()) as { warnings: unknown[] }).warnings).toEqual([]);
      expect(((await (await api('/api/stores/S900')).json()) as { maintenance: unknown }).maintenance).toEqual({ windowId: 'api-group', until: window.end });
      // Out of the group, out of the window.
      expect((await putStore({ ...store, groups: [] })).status).toBe(200);
      expect(((await (await api('/api/stores/S900')).json()) as { maintenance: unknown }).maintenance).toBeNull();
    } finally {
      await api('/api/maintenance/api-group', { method: 'DELETE' });
      await api('/api/stores/S900', { method: 'DELETE' });
    }
  });

  it('records a fault inside a window instead of opening an incident, and counts it', async () => {
    const before = await incidents();
    await till({ pos: 'error' });
    await new Promise((r) => setTimeout(r, 1200));
    await nudge();
    await till();
    await new Promise((r) => setTimeout(r, 2300));
    await nudge();
    await waitFor(async () => metricValue(await (await api('/metrics')).text(), 'storepulse_faults_recorded_total', { reason: 'maintenance' }) === 1, 3000, 'fault recorded');
    expect(await incidents()).toEqual(before);
  }, 10_000);

  it('removes a window made through the API, and it stays removed after a restart', async () => {
    expect((await api('/api/maintenance/refit', { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/maintenance/refit', { method: 'DELETE' })).status).toBe(404);
    await stop();
    await start();
    const list = (await (await api('/api/maintenance')).json()) as { id: string }[];
    expect(list.map((w) => w.id)).toEqual(['file-window', 'file-typo']);
  });

  it('drops a window made through the API when the config file comes to define one with its id', async () => {
    const allDay = { id: 'taken', storeIds: ['S002'], recurrence: { weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: '00:00-24:00' } };
    expect((await api('/api/maintenance/taken', { method: 'PUT', body: JSON.stringify(allDay) })).status).toBe(201);
    await stop();
    writeFileSync(config, `${YAML}  - { id: taken, storeIds: [S001], start: "2020-01-01T00:00:00Z", end: "2020-01-02T00:00:00Z" }\n`);
    try {
      await start();
      const list = (await (await api('/api/maintenance')).json()) as { id: string; source: string }[];
      expect(list.map((w) => [w.id, w.source])).toEqual([['file-window', 'file'], ['file-typo', 'file'], ['taken', 'file']]);
      // The API's all-day window no longer holds S002.
      expect(((await (await api('/api/stores/S002')).json()) as { maintenance: { windowId: string } | null }).maintenance?.windowId).not.toBe('taken');
      expect(warned).toContainEqual(expect.objectContaining({ windowId: 'taken', msg: expect.stringMatching(/^maintenance window made through the API dropped/) }));
    } finally {
      await stop();
      writeFileSync(config, YAML);
      await start();
    }
    // Gone for good: with the file's window removed again, nothing of it comes back.
    expect(((await (await api('/api/maintenance')).json()) as { id: string }[]).map((w) => w.id)).toEqual(['file-window', 'file-typo']);
  });

  it('removes a store the config file no longer lists, closing its open incident, and keeps the stores made through the API', async () => {
    const madeByApi = { id: 'S950', name: 'Pop-up', city: 'Madrid', timezone: 'Europe/Madrid', currency: 'EUR', tills: ['T1'], hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } };
    expect((await api('/api/stores/S950', { method: 'PUT', body: JSON.stringify(madeByApi) })).status).toBe(201);
    await agent!.publishAsync(topics.online('S002', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
    await agent!.publishAsync(topics.status('S002', 'T1'), status(++seq), { qos: 1, retain: true });
    await agent!.publishAsync(topics.status('S002', 'T1'), status(++seq, { pos: 'error' }), { qos: 1, retain: true });
    const dropped = await waitFor(async () => (await incidents('?status=open')).find((i) => i.storeId === 'S002'), 5000, 'S002 incident open');
    await stop();
    const start2 = YAML.indexOf('  - id: S002');
    const end2 = YAML.indexOf('\n  - id:', start2 + 1) === -1 ? YAML.indexOf('\nmaintenance:') : YAML.indexOf('\n  - id:', start2 + 1);
    writeFileSync(config, YAML.slice(0, start2) + YAML.slice(end2 + 1));
    try {
      await start();
      const ids = ((await (await api('/api/stores')).json()) as StoreSummary[]).map((s) => s.id);
      expect(ids).toEqual(['S001', 'S950']);
      expect((await api('/api/stores/S002')).status).toBe(404);
      // Its incident is over, not open for ever: closed with the store's removal, and final.
      expect(await incidents('?status=open')).toEqual([]);
      const closed = (await (await api(`/api/incidents/${dropped.id}`)).json()) as IncidentView;
      expect(closed).toMatchObject({ id: dropped.id, status: 'closed', final: true });
      expect(closed.timeline.some((e) => e.event === 'closed' && e.detail === 'store removed from the fleet')).toBe(true);
    } finally {
      await stop();
      writeFileSync(config, YAML);
      await start();
    }
    expect(((await (await api('/api/stores')).json()) as StoreSummary[]).map((s) => s.id)).toEqual(['S001', 'S002', 'S950']);
    expect((await api('/api/stores/S950', { method: 'DELETE' })).status).toBe(204);
  });

  it('keeps the loss of an incident already under way when a window is saved over it after the fact', async () => {
    expect(await incidents('?status=open')).toEqual([]);
    await till({ pos: 'error' });
    const faultAt = Date.now();
    await new Promise((r) => setTimeout(r, 2200));
    // A bin ends before it is sent; the part of it since the till went down counts. Another door than nudge()'s, whose
    // bins of a moment ago this one would overlap.
    await agent!.publishAsync(
      topics.footfall('S001', 'door2'),
      JSON.stringify({ v: 1, seq: ++seq, binStart: new Date(faultAt - 8000).toISOString(), binEnd: new Date(faultAt + 2000).toISOString(), in: 20, out: 0 }),
      { qos: 1 },
    );
    await waitFor(async () => (await incidents('?status=open')).length === 1, 3000, 'incident open');
    // HQ declares maintenance from an hour before the fault: from the moment it is saved on, not before.
    const late = { id: 'after-the-fact', storeIds: ['S001'], start: new Date(faultAt - 3_600_000).toISOString(), end: new Date(faultAt + 3_600_000).toISOString() };
    expect((await api('/api/maintenance/after-the-fact', { method: 'PUT', body: JSON.stringify(late) })).status).toBe(201);
    await till();
    await new Promise((r) => setTimeout(r, 2300));
    await till();
    const closed = await waitFor(async () => (await incidents('?status=closed')).find((i) => Date.parse(i.startedAt) >= faultAt - 1000), 3000, 'closed');
    expect(closed.visitors).toBeGreaterThan(0);
    expect(closed.lostRevenue.gross).toBeGreaterThan(0);
    expect((await api('/api/maintenance/after-the-fact', { method: 'DELETE' })).status).toBe(204);
  }, 15_000);

  it('starts afresh, keeping the saved incidents, when the saved engine state cannot be read', async () => {
    const ids = (await incidents()).map((i) => i.id);
    await stop();
    const db = new Database(join(dir, 'data', 'storepulse.db'));
    db.prepare("UPDATE incident_engine SET body = '{not json'").run();
    db.close();
    await start();
    expect((await incidents()).map((i) => i.id)).toEqual(ids);
    // The engine works on: a new fault becomes a new incident.
    await till({ pos: 'error' });
    await new Promise((r) => setTimeout(r, 1200));
    await nudge();
    await waitFor(async () => (await incidents('?status=open')).length === 1, 3000, 'new incident open');
  }, 10_000);
});

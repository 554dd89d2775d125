import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type ClientToServerEvents, type FleetSnapshot, type IncidentsSnapshot, type ServerToClientEvents, type StoreRemovedEvent } from '@storepulse/protocol';
import { waitFor } from '../../../test-support/ports.js';
import { startHarness, status, type Harness } from '../support/harness.js';
import { OUTAGE_YAML, watchLive, type LiveLog } from './outage.js';

const SLA = '{ P1: { response: 15m, resolve: 8h, clock: 24x7 }, P2: { response: 1h, resolve: 1d, clock: 24x7 }, P3: { response: 4h, resolve: 3d, clock: 24x7 } }';
const ALL_DAY = { mon: '00:00-24:00', tue: '00:00-24:00', wed: '00:00-24:00', thu: '00:00-24:00', fri: '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' };
const S002 = { id: 'S002', name: 'Vladivostok Central', city: 'Vladivostok', timezone: 'Asia/Vladivostok', currency: 'RUB', tills: ['T1'], hours: ALL_DAY, provider: 'other' };

interface Watch extends LiveLog {
  removed: StoreRemovedEvent[];
}

describe('open screens follow a store removed and providers\' coverage changed, without reconnecting', () => {
  let h: Harness;
  let hq: Watch;
  let pilot: Watch;
  let north: Watch;
  let other: Watch;

  // S001 is pilot's by its config and North's by its contract for Madrid; S002 is other's.
  beforeAll(async () => {
    h = await startHarness({ yaml: `${OUTAGE_YAML}providers:\n  - { id: north, name: North Service, categories: [all], stores: [Madrid], sla: ${SLA} }\n` });
    const watch = async (token: string): Promise<Watch> => {
      const log = await watchLive(h.server.url, token);
      const removed: StoreRemovedEvent[] = [];
      log.socket.on('store:removed', (e) => removed.push(e));
      return { ...log, removed };
    };
    hq = await watch(await h.issue('hq-viewer'));
    pilot = await watch(await h.issue('provider', { providerId: 'pilot' }));
    north = await watch(await h.issue('provider', { providerId: 'north' }));
    other = await watch(await h.issue('provider', { providerId: 'other' }));
  }, 30_000);
  afterAll(async () => {
    for (const l of [hq, pilot, north, other]) l?.socket.close();
    await h?.close();
  });

  it('tells HQ and each provider that saw a removed store that it is gone, and closes its incident on their screens', async () => {
    const agent = await mqtt.connectAsync(h.server.mqttUrl, { username: 'agent', password: await h.issue('agent'), reconnectPeriod: 0 });
    try {
      await agent.publishAsync(topics.online('S001', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
      await agent.publishAsync(topics.status('S001', 'T1'), status(1, { pos: 'error' }), { qos: 1, retain: true });
    } finally {
      await agent.endAsync(true);
    }
    const opened = await waitFor(async () => hq.opened.find((i) => i.storeId === 'S001'), 10_000, 'incident opened');
    for (const l of [pilot, north]) await waitFor(async () => l.opened.find((i) => i.id === opened.id), 3000, 'provider got the incident');

    expect((await h.api('/api/stores/S001', { method: 'DELETE' })).status).toBe(204);
    for (const l of [hq, pilot, north]) {
      const closed = await waitFor(async () => l.closed.find((i) => i.id === opened.id), 3000, 'closure pushed');
      expect(closed.status).toBe('closed');
      expect(l.removed.map((e) => e.storeId)).toEqual(['S001']);
    }
    expect(other.removed).toEqual([]);
    expect(other.closed).toEqual([]);
  });

  it('sends every provider its stores and their incidents afresh when HQ changes a provider or moves a store', async () => {
    const east: Socket<ServerToClientEvents, ClientToServerEvents> = io(h.server.url, {
      auth: { token: await h.issue('provider', { providerId: 'east' }) },
      transports: ['websocket'],
      reconnection: false,
    });
    const stores: string[][] = [];
    const incidents: IncidentsSnapshot[] = [];
    east.on('snapshot', (s: FleetSnapshot) => stores.push(s.stores.map((x) => x.id)));
    east.on('incidents:snapshot', (s) => incidents.push(s));
    const next = async (want: string[]) => {
      const seen = stores.length;
      await expect.poll(() => stores.slice(seen), { timeout: 3000, interval: 20 }).toContainEqual(want);
    };
    try {
      await expect.poll(() => [stores, incidents.length], { timeout: 3000, interval: 20 }).toEqual([[[]], 1]);

      const contract = { id: 'east', name: 'East Service', categories: ['all'], stores: ['Vladivostok'], sla: { P1: { response: '15m', resolve: '8h', clock: '24x7' } } };
      const gained = next(['S002']);
      expect((await h.api('/api/providers/east', { method: 'PUT', body: JSON.stringify(contract) })).status).toBe(201);
      await gained;
      await expect.poll(() => incidents.length, { timeout: 3000, interval: 20 }).toBe(2);

      // The store moves to another city: East no longer serves it, then serves it again once it is back.
      const lost = next([]);
      expect((await h.api('/api/stores/S002', { method: 'PUT', body: JSON.stringify({ ...S002, city: 'Nakhodka' }) })).status).toBe(200);
      await lost;
      const back = next(['S002']);
      expect((await h.api('/api/stores/S002', { method: 'PUT', body: JSON.stringify(S002) })).status).toBe(200);
      await back;

      const dropped = next([]);
      expect((await h.api('/api/providers/east', { method: 'DELETE' })).status).toBe(204);
      await dropped;
      await expect.poll(() => incidents.length, { timeout: 3000, interval: 20 }).toBe(5);
    } finally {
      east.close();
    }
  });
});

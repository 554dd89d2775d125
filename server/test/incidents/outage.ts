/** A full store outage as agents publish it, shared by the end-to-end tests on Aedes and on Mosquitto. */
import { expect } from 'vitest';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import {
  topics,
  type ClientToServerEvents,
  type IncidentView,
  type LostRevenueTodayEvent,
  type ServerToClientEvents,
} from '@storepulse/protocol';
import { waitFor } from '../../../test-support/ports.js';
import { status } from '../support/harness.js';

/**
 * One store open round the clock with a configured conversion and basket: the figures are hand-computable.
 * It has one till, so the outage has no instant with a till still selling (two tills never fail in the
 * same millisecond, and such a sliver makes the estimate a capacity one).
 */
export const OUTAGE_YAML = `
stores:
  - id: S001
    name: Madrid Gran Vía
    city: Madrid
    timezone: Europe/Madrid
    currency: EUR
    tills: [T1]
    hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
    provider: pilot
    conversion: 0.25
    avgBasket: 40
    groups: [central]
  - id: S002
    name: Vladivostok Central
    city: Vladivostok
    timezone: Asia/Vladivostok
    currency: RUB
    tills: [T1]
    hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
    provider: other
incidents: { pendingSec: 1, recoverSec: 2 }
`;
export const CONVERSION = 0.25;
export const BASKET = 40;
/** Entries counted by the one door bin that spans the whole outage. */
export const BIN_VISITORS = 30;
export const BIN_MS = 60_000;

export interface LiveLog {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  opened: IncidentView[];
  updated: IncidentView[];
  closed: IncidentView[];
  today: LostRevenueTodayEvent[];
}

export async function watchLive(url: string, token: string): Promise<LiveLog> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token }, transports: ['websocket'] });
  const log: LiveLog = { socket, opened: [], updated: [], closed: [], today: [] };
  socket.on('incident:opened', (i) => log.opened.push(i));
  socket.on('incident:updated', (i) => log.updated.push(i));
  socket.on('incident:closed', (i) => log.closed.push(i));
  socket.on('lostRevenue:today', (t) => log.today.push(t));
  await new Promise<void>((resolve) => socket.once('incidents:snapshot', () => resolve()));
  return log;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number) => new Date(ms).toISOString();

export interface OutageRun {
  faultAt: number;
  opened: IncidentView;
  /** The fleet's running total for today as pushed while the incident was still open. */
  todayWhileOpen: LostRevenueTodayEvent;
  closed: IncidentView;
}

/**
 * The till of S001 fails and recovers a few seconds later; one counter bin of 60 s spans the
 * whole outage, so the visitors inside it are its count pro rata.
 */
export async function runFullOutage(mqttUrl: string, options: IClientOptions, live: LiveLog): Promise<OutageRun> {
  const clients: MqttClient[] = [];
  try {
    const seq = { T1: 0 };
    for (const t of ['T1'] as const) {
      const c = await mqtt.connectAsync(mqttUrl, { clientId: `S001-${t}-${Date.now()}`, reconnectPeriod: 0, ...options });
      clients.push(c);
      await c.publishAsync(topics.online('S001', t), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
      await c.publishAsync(topics.status('S001', t), status(++seq[t]), { qos: 1, retain: true });
    }
    const c = clients[0]!;
    await sleep(300);
    const faultAt = Date.now();
    const binStart = faultAt - 20_000;
    await c.publishAsync(topics.status('S001', 'T1'), status(++seq.T1, { pos: 'error' }), { qos: 1, retain: true });
    // The bin ends 40 s ahead: a device clock within the 5 min the server tolerates.
    await sleep(1300);
    const footfall = (seqNo: number, start: number, end: number, visitors: number) =>
      JSON.stringify({ v: 1, seq: seqNo, binStart: iso(start), binEnd: iso(end), in: visitors, out: 0 });
    await c.publishAsync(topics.footfall('S001', 'door1'), footfall(1, binStart, binStart + BIN_MS, BIN_VISITORS), { qos: 1 });
    const opened = await waitFor(async () => live.opened.find((i) => i.storeId === 'S001'), 5000, 'incident opened over socket.io');
    // Recovery waits for the live total to count the open incident, so a busy machine cannot merge the two pushes.
    const todayWhileOpen = await waitFor(
      async () => live.today.find((t) => t.today.some((c) => c.currency === 'EUR' && c.incidents === 1)),
      5000,
      'running total pushed while open',
    );
    await c.publishAsync(topics.status('S001', 'T1'), status(++seq.T1), { qos: 1, retain: true });
    await sleep(2300);
    // Any input makes the engine look again; the next bin lies after the outage.
    await c.publishAsync(topics.footfall('S001', 'door1'), footfall(2, binStart + BIN_MS, binStart + BIN_MS + 10_000, 0), { qos: 1 });
    const closed = await waitFor(async () => live.closed.find((i) => i.id === opened.id), 5000, 'incident closed over socket.io');
    return { faultAt, opened, todayWhileOpen, closed };
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true)));
  }
}

/** Lost revenue by hand: the bin's entries pro rata to the outage, × conversion × basket. */
export function expectHandComputed(inc: IncidentView): number {
  const outageMs = Date.parse(inc.endedAt!) - Date.parse(inc.startedAt);
  expect(outageMs).toBeGreaterThan(1000);
  expect(outageMs).toBeLessThan(BIN_MS);
  const visitors = (BIN_VISITORS * outageMs) / BIN_MS;
  const gross = visitors * CONVERSION * BASKET;
  expect(inc.visitors).toBeCloseTo(visitors, 1);
  expect(inc.lostRevenue.gross).toBeCloseTo(gross, 1);
  expect(inc.lostRevenue.currency).toBe('EUR');
  // Until the hour after recovery has passed, net is gross; the band holds it.
  expect(inc.lostRevenue.net).toBeCloseTo(gross, 1);
  expect(inc.lostRevenue.low).toBeLessThan(gross);
  expect(inc.lostRevenue.high).toBeGreaterThan(gross);
  return gross;
}

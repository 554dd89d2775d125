import { describe, expect, it, beforeEach } from 'vitest';
import { pino } from 'pino';
import { topics } from '@storepulse/protocol';
import { createFleet, tick, upsertStore, type FleetChange } from '../../src/domain/fleet.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';
import type { StoreConfig } from '../../src/domain/store.js';
import { EventBus } from '../../src/event-bus.js';
import { Ingest, MAX_SENSORS_PER_STORE } from '../../src/ingest/ingest.js';
import { RejectionLog } from '../../src/ingest/rejection-log.js';
import { SeqGuard } from '../../src/ingest/seq-guard.js';
import { createMetrics } from '../../src/metrics.js';

const allDay = '00:00-24:00';
const store: StoreConfig = {
  id: 'S1', name: 'One', city: 'Madrid', timezone: 'Europe/Madrid', currency: 'EUR', tills: ['T1', 'T2'],
  hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [], provider: null, conversion: 0.2, avgBasket: 30,
};
const enc = (o: unknown) => Buffer.from(JSON.stringify(o));
const status = (seq: number, ts: string, pos = 'ok') =>
  enc({ v: 1, ts, seq, components: { pos: { state: pos }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } } });

describe('SeqGuard', () => {
  it('accepts rising seqs, drops repeats and older ones, and accepts a restart with a newer timestamp', () => {
    const g = new SeqGuard();
    expect(g.check('k', 5, 1000)).toBe('new');
    expect(g.check('k', 5, 1000)).toBe('duplicate');
    expect(g.check('k', 4, 900)).toBe('duplicate');
    expect(g.check('k', 6, 900)).toBe('new');
    expect(g.check('k', 0, 2000)).toBe('restarted');
    expect(g.check('k', 1, 2001)).toBe('new');
    expect(g.check('other', 0, 0)).toBe('new');
  });
});

describe('Ingest pipeline (no broker)', () => {
  let now: number;
  let ingest: Ingest;
  let changes: FleetChange[];
  let metrics: ReturnType<typeof createMetrics>;
  const fleet = createFleet(DEFAULT_TILL_RULES, 60_000);

  beforeEach(() => {
    now = Date.parse('2026-11-23T10:00:00Z');
    fleet.stores.clear();
    upsertStore(fleet, store, now);
    const bus = new EventBus();
    changes = [];
    bus.on('fleet:changes', (c) => changes.push(...c));
    metrics = createMetrics(fleet);
    ingest = new Ingest({ fleet, bus, metrics, rejections: new RejectionLog(pino({ level: 'silent' })), now: () => now });
  });

  const rejected = async (reason: string) => (await metrics.rejected.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

  it('applies a status and reports the till and store changes', () => {
    expect(ingest.handle(topics.status('S1', 'T1'), status(1, '2026-11-23T10:00:00Z', 'error'))).toBe('accepted');
    const till = fleet.stores.get('S1')!.tills.get('T1')!;
    expect(till).toMatchObject({ state: 'down', online: true });
    expect(changes.some((c) => c.type === 'till' && c.till.id === 'T1')).toBe(true);
    expect(fleet.stores.get('S1')!.state).toBe('down');
  });

  it('drops a redelivery by seq without touching state', () => {
    ingest.handle(topics.status('S1', 'T1'), status(3, '2026-11-23T10:00:00Z', 'ok'));
    expect(ingest.handle(topics.status('S1', 'T1'), status(3, '2026-11-23T10:00:00Z', 'error'))).toBe('duplicate');
    expect(fleet.stores.get('S1')!.tills.get('T1')!.state).toBe('up');
  });

  it('caps the sensors a store may report', async () => {
    const bin = (i: number) => enc({ v: 1, seq: i, binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z', in: 1, out: 0 });
    for (let i = 0; i < MAX_SENSORS_PER_STORE; i++) expect(ingest.handle(topics.footfall('S1', `door${i}`), bin(i))).toBe('accepted');
    expect(ingest.handle(topics.footfall('S1', 'one-too-many'), bin(1))).toBe('rejected');
    expect(await rejected('too_many_sensors')).toBe(1);
  });

  it('turns a silent till unknown after the stale limit, and a closing store closed', () => {
    ingest.handle(topics.status('S1', 'T1'), status(1, '2026-11-23T10:00:00Z'));
    ingest.handle(topics.online('S1', 'T2'), enc({ v: 1, online: true, agent: { version: '1' } }));
    ingest.handle(topics.status('S1', 'T2'), status(1, '2026-11-23T10:00:00Z'));
    expect(fleet.stores.get('S1')!.state).toBe('ok');
    now += 61_000;
    tick(fleet, now);
    expect(fleet.stores.get('S1')!.tills.get('T1')!.state).toBe('unknown');
    upsertStore(fleet, { ...store, hours: { ...store.hours, mon: null } }, now);
    expect(fleet.stores.get('S1')!.state).toBe('closed');
  });
});

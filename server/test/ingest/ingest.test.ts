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

  it('takes a status the broker replayed at start as the last report, not as proof the agent is connected', () => {
    const t1 = () => fleet.stores.get('S1')!.tills.get('T1')!;
    // A dead till: its will and its last status (an hour old) come back, in either order.
    ingest.handle(topics.online('S1', 'T1'), enc({ v: 1, online: false }), true);
    expect(ingest.handle(topics.status('S1', 'T1'), status(9, '2026-11-23T09:00:00Z', 'error'), true)).toBe('accepted');
    expect(t1()).toMatchObject({ online: false, state: 'offline', lastStatusAt: Date.parse('2026-11-23T09:00:00Z'), lastSeen: Date.parse('2026-11-23T09:00:00Z') });
    // The will replayed after the status does not make the till "seen just now" either.
    ingest.handle(topics.online('S1', 'T1'), enc({ v: 1, online: false }), true);
    expect(t1().lastSeen).toBe(Date.parse('2026-11-23T09:00:00Z'));
    expect(t1().components?.pos.state).toBe('error');
    now += 200_000;
    tick(fleet, now);
    expect(t1().state).toBe('offline');
    // A live till: its birth message and its status come back; the status keeps its own age.
    ingest.handle(topics.online('S1', 'T2'), enc({ v: 1, online: true, agent: { version: '1' } }), true);
    ingest.handle(topics.status('S1', 'T2'), status(4, new Date(now - 10_000).toISOString()), true);
    expect(fleet.stores.get('S1')!.tills.get('T2')!.state).toBe('up');
    now += 55_000;
    tick(fleet, now);
    expect(fleet.stores.get('S1')!.tills.get('T2')!.state).toBe('unknown');
    // The next live status is fresh again and proves the connection.
    ingest.handle(topics.status('S1', 'T1'), status(10, new Date(now).toISOString()));
    expect(t1()).toMatchObject({ online: true, state: 'up' });
  });
});

describe('Ingest refusals (no broker): every reason is counted once and leaves what was accepted as it was', () => {
  let now: number;
  let ingest: Ingest;
  let events: string[];
  /** Bins refused for their own content still go to the incident engine, by this event. */
  let refusedBins: string[];
  let metrics: ReturnType<typeof createMetrics>;
  const fleet = createFleet(DEFAULT_TILL_RULES, 60_000);
  const iso = (ms: number) => new Date(ms).toISOString();
  const footfall = (seq: number, start: number, more: Record<string, unknown> = {}) =>
    enc({ v: 1, seq, binStart: iso(start), binEnd: iso(start + 60_000), in: 4, out: 3, ...more });
  const sales = (seq: number, start: number, more: Record<string, unknown> = {}) =>
    enc({ v: 1, seq, binStart: iso(start), binEnd: iso(start + 60_000), transactions: 2, revenue: 80, currency: 'EUR', ...more });

  beforeEach(() => {
    now = Date.parse('2026-11-23T10:00:00Z');
    fleet.stores.clear();
    upsertStore(fleet, store, now);
    const bus = new EventBus();
    events = [];
    for (const e of ['fleet:changes', 'ingest:online', 'ingest:status', 'ingest:footfall', 'ingest:sales'] as const) bus.on(e, () => events.push(e));
    refusedBins = [];
    bus.on('ingest:refused-bin', (m) => refusedBins.push(m.kind));
    metrics = createMetrics(fleet);
    ingest = new Ingest({ fleet, bus, metrics, rejections: new RejectionLog(pino({ level: 'silent' })), now: () => now });
    // What was accepted before the bad message: a till down with its agent online, a sales bin and a footfall bin.
    expect(ingest.handle(topics.online('S1', 'T1'), enc({ v: 1, online: true, agent: { version: '1.2.3' } }))).toBe('accepted');
    expect(ingest.handle(topics.status('S1', 'T1'), status(5, iso(now), 'error'))).toBe('accepted');
    expect(ingest.handle(topics.sales('S1', 'T1'), sales(5, now - 120_000))).toBe('accepted');
    expect(ingest.handle(topics.footfall('S1', 'door1'), footfall(5, now - 120_000))).toBe('accepted');
    events = [];
    // Any touch of the till by the bad message would show as a newer lastSeen.
    now += 1000;
  });

  const counts = async (name: 'rejected' | 'accepted' | 'duplicates') => Object.fromEntries((await metrics[name].get()).values.map((v) => [Object.values(v.labels).join(), v.value]));
  const state = () => structuredClone({ till: fleet.stores.get('S1')!.tills.get('T1'), store: fleet.stores.get('S1')!.state });

  const far = Date.parse('2150-01-01T00:00:00Z');
  const cases: [reason: string, what: string, message: () => [topic: string, payload: Buffer, retained?: boolean]][] = [
    ['topic', 'an unknown message kind', () => ['storepulse/v1/stores/S1/tills/T1/reboot', status(6, iso(now))]],
    ['topic', 'an empty topic segment', () => ['storepulse/v1/stores/S1//status', status(6, iso(now))]],
    ['topic', 'another protocol version', () => ['storepulse/v2/stores/S1/tills/T1/status', status(6, iso(now))]],
    ['topic', 'a topic outside the protocol', () => ['junk/topic/x', status(6, iso(now))]],
    ['unknown_store', 'a store not configured', () => [topics.status('S9', 'T1'), status(6, iso(now))]],
    ['unknown_till', 'a till not configured', () => [topics.status('S1', 'T9'), status(6, iso(now))]],
    ['unknown_till', 'sales of a till not configured', () => [topics.sales('S1', 'T9'), sales(6, now - 60_000)]],
    ['malformed_json', 'cut-off JSON', () => [topics.status('S1', 'T1'), Buffer.from('{"v":1,')]],
    ['malformed_json', 'bytes that are not UTF-8', () => [topics.online('S1', 'T1'), Buffer.concat([Buffer.from('{"v":1,"online":true,"agent":{"version":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')])]],
    ['oversize', 'more than 16 KiB', () => [topics.status('S1', 'T1'), Buffer.alloc(16 * 1024 + 1, ' ')]],
    ['schema', 'wrong types', () => [topics.status('S1', 'T1'), enc({ v: 1, ts: 'yesterday', seq: 'six', components: {} })]],
    ['schema', 'another payload version', () => [topics.status('S1', 'T1'), enc({ v: 2, ts: iso(now), seq: 6, components: {} })]],
    ['schema', 'a __proto__ key', () => [topics.online('S1', 'T1'), Buffer.from('{"v":1,"online":true,"agent":{"version":"9"},"__proto__":{"polluted":1}}')]],
    ['schema', 'deeply nested JSON', () => [topics.status('S1', 'T1'), Buffer.from('['.repeat(8000) + ']'.repeat(8000))]],
    ['bad_ts', 'a status dated in month 13', () => [topics.status('S1', 'T1'), status(6, '2026-13-01T00:00:00Z', 'ok')]],
    ['bad_ts', 'a bin starting on 30 February', () => [topics.footfall('S1', 'door1'), footfall(6, now, { binStart: '2026-02-30T10:00:00Z' })]],
    ['topic_mismatch', 'an online payload on a status topic', () => [topics.status('S1', 'T1'), enc({ v: 1, online: false })]],
    ['bad_bin', 'a bin ending before it starts', () => [topics.footfall('S1', 'door1'), footfall(6, now, { binEnd: iso(now - 60_000) })]],
    ['bad_bin', 'a footfall bin from 1999, older than any agent keeps one', () => [topics.footfall('S1', 'door1'), footfall(6, Date.parse('1999-12-31T23:58:00Z'))]],
    ['bad_bin', 'a sales bin of two years ago', () => [topics.sales('S1', 'T1'), sales(6, now - 2 * 365 * 86_400_000)]],
    ['currency_mismatch', 'sales in another currency', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000, { currency: 'USD' })]],
    ['clock_skew', 'a status from a clock 6 min ahead, with the highest seq', () => [topics.status('S1', 'T1'), status(Number.MAX_SAFE_INTEGER, iso(now + 6 * 60_000), 'ok')]],
    ['clock_skew', 'a sales bin in 2150 with the highest seq', () => [topics.sales('S1', 'T1'), sales(Number.MAX_SAFE_INTEGER, far, { revenue: 1e9 })]],
    ['clock_skew', 'a footfall bin in 2150 with the highest seq', () => [topics.footfall('S1', 'door1'), footfall(Number.MAX_SAFE_INTEGER, far)]],
    ['counter_absurd', 'a million entries in 10 s', () => [topics.footfall('S1', 'door1'), enc({ v: 1, seq: 6, binStart: iso(now - 60_000), binEnd: iso(now - 50_000), in: 1_000_000, out: 0 })]],
    ['sales_absurd', 'a thousand sales in a minute on one till', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000, { transactions: 1000 })]],
    ['sales_absurd', 'a trillion in one sale, which would be learned as the basket', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000, { transactions: 1, revenue: 1e12 })]],
    ['sales_absurd', 'revenue with no sale', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000, { transactions: 0, revenue: 45 })]],
    ['bad_count', 'a counter reporting a negative count', () => [topics.footfall('S1', 'door1'), footfall(6, now - 60_000, { in: -40 })]],
    ['bad_count', 'a counter reporting more entries than any door takes', () => [topics.footfall('S1', 'door1'), footfall(6, now - 60_000, { in: 5_000_000 })]],
    ['bad_count', 'a till exporting negative revenue', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000, { revenue: -80 })]],
    ['schema', 'a negative count in a bin that is malformed besides', () => [topics.footfall('S1', 'door1'), footfall(6, now - 60_000, { in: -40, out: 'x' })]],
    ['retained_bin', 'a sales bin the broker replayed from its retained store', () => [topics.sales('S1', 'T1'), sales(6, now - 60_000), true]],
    ['retained_bin', 'a footfall bin the broker replayed from its retained store', () => [topics.footfall('S1', 'door1'), footfall(6, now - 60_000), true]],
  ];

  it.each(cases)('refuses as %s: %s', async (reason, what, message) => {
    const before = state();
    const [topic, payload, retained] = message();
    expect(ingest.handle(topic, payload, retained)).toBe('rejected');

    expect(await counts('rejected')).toEqual({ [reason]: 1 });
    expect(await counts('accepted')).toEqual({ online: 1, status: 1, sales: 1, footfall: 1 });
    expect(events).toEqual([]);
    const contentRefusal = (['clock_skew', 'counter_absurd', 'sales_absurd', 'currency_mismatch', 'bad_count'].includes(reason) || (reason === 'bad_bin' && !what.includes('before it starts')))
      && !topic.endsWith('/status');
    expect(refusedBins).toEqual(contentRefusal ? [topic.includes('/footfall/') ? 'footfall' : 'sales'] : []);
    expect(state()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // The sequence state is untouched: each source's next message is still new.
    expect(ingest.handle(topics.status('S1', 'T1'), status(6, iso(now), 'ok'))).toBe('accepted');
    expect(ingest.handle(topics.sales('S1', 'T1'), sales(6, now - 60_000))).toBe('accepted');
    expect(ingest.handle(topics.footfall('S1', 'door1'), footfall(6, now - 60_000))).toBe('accepted');
    expect(await counts('duplicates')).toEqual({});
    expect(fleet.stores.get('S1')!.tills.get('T1')!.state).toBe('up');
  });

  it('takes a genuine agent restart (seq 0, newer ts) after a status with an impossible date', () => {
    expect(ingest.handle(topics.status('S1', 'T1'), status(6, '2026-13-01T00:00:00Z', 'ok'))).toBe('rejected');
    expect(ingest.handle(topics.status('S1', 'T1'), status(0, iso(now), 'ok'))).toBe('accepted');
    expect(fleet.stores.get('S1')!.tills.get('T1')!.state).toBe('up');
  });

  it('takes a durable queue replayed after an outage (old timestamps, rising seqs) and a clock up to 5 min ahead', async () => {
    const hoursAgo = now - 3 * 3600_000;
    expect(ingest.handle(topics.status('S1', 'T1'), status(6, iso(hoursAgo), 'ok'))).toBe('accepted');
    expect(ingest.handle(topics.sales('S1', 'T1'), sales(6, hoursAgo))).toBe('accepted');
    expect(ingest.handle(topics.footfall('S1', 'door1'), footfall(6, hoursAgo))).toBe('accepted');
    expect(ingest.handle(topics.status('S1', 'T1'), status(7, iso(now + 5 * 60_000), 'ok'))).toBe('accepted');
    expect(ingest.handle(topics.sales('S1', 'T1'), sales(7, now + 4 * 60_000))).toBe('accepted');
    expect(await counts('rejected')).toEqual({});
  });
});


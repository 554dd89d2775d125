/**
 * The telemetry contract: every adapter gets the same inputs and must give the same answers.
 * Each test uses its own store ids, so one adapter instance serves the whole file.
 */
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetryStore } from '../../src/telemetry/port.js';

/** Each adapter's `cityOf` for the contract: 'Madrid' unless a test moves a store. */
const movedStores = new Map<string, string>();
export const contractCityOf = (storeId: string): string => movedStores.get(storeId) ?? 'Madrid';

/** The incident columns read back, named as both stores name them. */
export const INCIDENT_COLUMNS = ['phase', 'provider', 'lost_revenue', 'lost_revenue_net', 'ticket', 'duration_s', 'sla_breached'] as const;
export type StoredIncident = { at: number } & Record<(typeof INCIDENT_COLUMNS)[number], string | number | null>;

export interface ContractTarget {
  store: TelemetryStore;
  /** A store's incident points, oldest first, read from the store itself: the port has no reader for them. */
  incidents(storeId: string): Promise<StoredIncident[]>;
  cleanup(): Promise<void>;
}

const MIN = 60_000;
const Q = 15 * MIN;
const zone = 'Europe/Madrid';
const utc = (iso: string) => Date.parse(iso);
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();


export function telemetryContract(name: string, open: () => Promise<ContractTarget>): void {
  describe(`telemetry contract: ${name}`, () => {
    let target: ContractTarget;
    let store: TelemetryStore;
    beforeAll(async () => {
      target = await open();
      store = target.store;
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it('sums footfall over sensors per bin and leaves empty bins null', async () => {
      const t0 = utc('2026-06-01T10:00:00Z');
      store.writeFootfall({ storeId: 'ff1', sensorId: 'door-a', binStart: t0, binEnd: t0 + MIN, in: 5, out: 3 });
      store.writeFootfall({ storeId: 'ff1', sensorId: 'door-b', binStart: t0, binEnd: t0 + MIN, in: 2, out: 1 });
      store.writeFootfall({ storeId: 'ff1', sensorId: 'door-a', binStart: t0 + 5 * MIN, binEnd: t0 + 6 * MIN, in: 4, out: 4 });
      store.writeFootfall({ storeId: 'ff1', sensorId: 'door-a', binStart: t0 + 16 * MIN, binEnd: t0 + 17 * MIN, in: 1, out: 0 });
      store.writeFootfall({ storeId: 'other', sensorId: 'door-a', binStart: t0, binEnd: t0 + MIN, in: 99, out: 0 });
      await store.flush();
      const series = await store.footfallSeries({ storeId: 'ff1', from: t0, to: t0 + 3 * Q, binSeconds: 900 });
      expect(series).toEqual([
        { t: t0, value: 11 },
        { t: t0 + Q, value: 1 },
        { t: t0 + 2 * Q, value: null },
      ]);
    });

    it('replaces a footfall bin sent again instead of adding to it', async () => {
      const t0 = utc('2026-06-01T10:00:00Z');
      store.writeFootfall({ storeId: 'ff2', sensorId: 's1', binStart: t0, binEnd: t0 + Q, in: 10, out: 8 });
      await store.flush();
      store.writeFootfall({ storeId: 'ff2', sensorId: 's1', binStart: t0, binEnd: t0 + Q, in: 14, out: 9 });
      await store.flush();
      const series = await store.footfallSeries({ storeId: 'ff2', from: t0, to: t0 + Q, binSeconds: 900 });
      expect(series).toEqual([{ t: t0, value: 14 }]);
    });

    it('sums revenue to the cent, without float noise', async () => {
      const t0 = utc('2026-06-02T11:00:00Z');
      store.writeSales({ storeId: 'sl2', tillId: 't1', binStart: t0, binEnd: t0 + MIN, transactions: 1, revenue: 0.1, currency: 'EUR' });
      store.writeSales({ storeId: 'sl2', tillId: 't2', binStart: t0, binEnd: t0 + MIN, transactions: 1, revenue: 0.2, currency: 'EUR' });
      await store.flush();
      const [bin] = await store.salesSeries({ storeId: 'sl2', from: t0, to: t0 + Q, binSeconds: 900 });
      expect(bin).toEqual({ t: t0, transactions: 2, revenue: 0.3 });
    });

    it('sums sales over tills per bin, replacing a bin sent again', async () => {
      const t0 = utc('2026-06-02T09:00:00Z');
      store.writeSales({ storeId: 'sl1', tillId: 't1', binStart: t0, binEnd: t0 + MIN, transactions: 2, revenue: 30.5, currency: 'EUR' });
      store.writeSales({ storeId: 'sl1', tillId: 't2', binStart: t0 + MIN, binEnd: t0 + 2 * MIN, transactions: 1, revenue: 12.25, currency: 'EUR' });
      store.writeSales({ storeId: 'sl1', tillId: 't1', binStart: t0, binEnd: t0 + MIN, transactions: 3, revenue: 40, currency: 'EUR' });
      await store.flush();
      const series = await store.salesSeries({ storeId: 'sl1', from: t0, to: t0 + 2 * Q, binSeconds: 900 });
      expect(series).toEqual([
        { t: t0, transactions: 4, revenue: 52.25 },
        { t: t0 + Q, transactions: null, revenue: null },
      ]);
    });

    it('gives tills available as the last state of each bin, carried over empty bins', async () => {
      const t0 = utc('2026-06-03T08:00:00Z');
      store.writeStoreState({ at: t0 + Q + MIN, storeId: 'ta1', state: 'ok', tillsUp: 4, tillsTotal: 4 });
      store.writeStoreState({ at: t0 + Q + 7 * MIN, storeId: 'ta1', state: 'degraded', tillsUp: 2, tillsTotal: 4 });
      store.writeStoreState({ at: t0 + 3 * Q + 2 * MIN, storeId: 'ta1', state: 'ok', tillsUp: 3, tillsTotal: 4 });
      await store.flush();
      const series = await store.tillsAvailableSeries({ storeId: 'ta1', from: t0, to: t0 + 5 * Q, binSeconds: 900 });
      expect(series.map((s) => s.value)).toEqual([null, 2, 2, 3, 3]);
    });

    it('carries tills available up to the bin now falls in, not into bins that have not begun', async () => {
      const now = Date.now();
      const from = Math.floor(now / Q) * Q - 2 * Q;
      store.writeStoreState({ at: from + MIN, storeId: 'ta2', state: 'ok', tillsUp: 3, tillsTotal: 4 });
      await store.flush();
      const series = await store.tillsAvailableSeries({ storeId: 'ta2', from, to: from + 5 * Q, binSeconds: 900 });
      expect(series.map((s) => s.value)).toEqual([3, 3, 3, null, null]);
    });

    it('serves a 25-hour local day across the autumn DST change as 100 quarter-hour bins', async () => {
      const from = local('2026-10-25T00:00');
      const to = local('2026-10-26T00:00');
      expect(to - from).toBe(25 * 3600_000);
      for (let t = from; t < to; t += 3600_000) {
        store.writeFootfall({ storeId: 'dst1', sensorId: 's1', binStart: t, binEnd: t + Q, in: 1, out: 1 });
      }
      await store.flush();
      const series = await store.footfallSeries({ storeId: 'dst1', from, to, binSeconds: 900 });
      expect(series).toHaveLength(100);
      expect(series.filter((s) => s.value === 1)).toHaveLength(25);
      // Both 02:00 local hours exist: one in summer time, one in winter time.
      const twoAm = series.filter((s) => s.value === 1 && DateTime.fromMillis(s.t, { zone }).hour === 2);
      expect(twoAm).toHaveLength(2);
    });

    it('reads the same weekday and local time over past weeks across a DST change, from rollups', async () => {
      // Monday 2026-11-09 10:00 in Madrid; four weeks back crosses the end of summer time on 2026-10-25.
      const weeks = ['2026-11-02', '2026-10-26', '2026-10-19', '2026-10-12'];
      weeks.forEach((day, i) => {
        const t = local(`${day}T10:00`);
        store.writeFootfall({ storeId: 'hist1', sensorId: 's1', binStart: t, binEnd: t + 5 * MIN, in: 10 * (i + 1), out: 0 });
        store.writeFootfall({ storeId: 'hist1', sensorId: 's1', binStart: t + 5 * MIN, binEnd: t + 10 * MIN, in: i + 1, out: 0 });
        store.writeSales({ storeId: 'hist1', tillId: 't1', binStart: t, binEnd: t + Q, transactions: i + 1, revenue: 100 * (i + 1), currency: 'EUR' });
        store.writeStoreState({ at: t + 3 * MIN, storeId: 'hist1', state: 'ok', tillsUp: i + 1, tillsTotal: 5 });
        // Decoy one UTC hour off: the right local time only in the other half of the year.
        store.writeFootfall({ storeId: 'hist1', sensorId: 's1', binStart: t + 3600_000, binEnd: t + 3600_000 + Q, in: 999, out: 0 });
      });
      await store.flush();
      const nowMs = local('2026-11-09T10:20');
      await store.maintain(nowMs);
      const binStart = local('2026-11-09T10:00');
      const q = { storeId: 'hist1', timezone: zone, binStart, weeks: 5 };
      const footfall = await store.history({ ...q, metric: 'footfall' });
      expect(footfall.map((h) => h.value)).toEqual([11, 22, 33, 44, null]);
      expect(footfall.map((h) => DateTime.fromMillis(h.binStart, { zone }).toFormat('ccc HH:mm'))).toEqual(
        Array(5).fill('Mon 10:00'),
      );
      expect(footfall[2]!.binStart - footfall[1]!.binStart).toBe(-7 * 24 * 3600_000 - 3600_000);
      expect((await store.history({ ...q, metric: 'transactions' })).map((h) => h.value)).toEqual([1, 2, 3, 4, null]);
      expect((await store.history({ ...q, metric: 'revenue' })).map((h) => h.value)).toEqual([100, 200, 300, 400, null]);
      expect((await store.history({ ...q, metric: 'tills_available' })).map((h) => h.value)).toEqual([1, 2, 3, 4, null]);
    });

    it('re-rolls a late or replaced bin at the next maintenance', async () => {
      const t = utc('2026-06-08T12:00:00Z');
      store.writeFootfall({ storeId: 'late1', sensorId: 's1', binStart: t, binEnd: t + 5 * MIN, in: 7, out: 0 });
      await store.flush();
      await store.maintain(t + 2 * Q);
      const q = { storeId: 'late1', metric: 'footfall' as const, timezone: 'UTC', binStart: t + 7 * 24 * 3600_000, weeks: 1 };
      expect((await store.history(q))[0]!.value).toBe(7);
      // A replacement and a late bin of the same quarter hour arrive after the rollup ran.
      store.writeFootfall({ storeId: 'late1', sensorId: 's1', binStart: t, binEnd: t + 5 * MIN, in: 9, out: 0 });
      store.writeFootfall({ storeId: 'late1', sensorId: 's2', binStart: t + 10 * MIN, binEnd: t + 15 * MIN, in: 4, out: 0 });
      await store.flush();
      const report = await store.maintain(t + 3 * Q);
      expect(report.rolledUp).toBeGreaterThan(0);
      expect((await store.history(q))[0]!.value).toBe(13);
    });

    it('rolls up a bin in which the store moved city as one bin, read back whole', async () => {
      const t = utc('2026-06-09T12:00:00Z');
      movedStores.set('moved1', 'Lyon');
      store.writeFootfall({ storeId: 'moved1', sensorId: 's1', binStart: t, binEnd: t + 5 * MIN, in: 10, out: 0 });
      await store.flush();
      movedStores.set('moved1', 'Paris');
      store.writeFootfall({ storeId: 'moved1', sensorId: 's1', binStart: t + 5 * MIN, binEnd: t + 10 * MIN, in: 7, out: 0 });
      await store.flush();
      await store.maintain(t + 2 * Q);
      const q = { storeId: 'moved1', metric: 'footfall' as const, timezone: 'UTC', binStart: t + 7 * 24 * 3600_000, weeks: 1 };
      expect((await store.history(q))[0]!.value).toBe(17);
    });

    it('reads a store\'s footfall and sales rollups in bulk: the quarters rolled up, under the store\'s current city', async () => {
      const t0 = utc('2026-06-10T10:00:00Z');
      const footfall = (storeId: string, sensorId: string, at: number, visitors: number) =>
        store.writeFootfall({ storeId, sensorId, binStart: at, binEnd: at + 5 * MIN, in: visitors, out: 0 });
      movedStores.set('bulk1', 'Paris');
      footfall('bulk1', 'a', t0, 6);
      footfall('bulk1', 'b', t0 + 5 * MIN, 3);
      footfall('bulk1', 'a', t0 + 2 * Q, 4);
      store.writeSales({ storeId: 'bulk1', tillId: 't1', binStart: t0, binEnd: t0 + MIN, transactions: 1, revenue: 0.1, currency: 'EUR' });
      store.writeSales({ storeId: 'bulk1', tillId: 't2', binStart: t0 + MIN, binEnd: t0 + 2 * MIN, transactions: 1, revenue: 0.2, currency: 'EUR' });
      // Outside the range, or another store's.
      footfall('bulk1', 'a', t0 - Q, 50);
      footfall('bulk1', 'a', t0 + 3 * Q, 50);
      footfall('bulk2', 'a', t0, 99);
      await store.flush();
      await store.maintain(t0 + 4 * Q);
      // A late bin after the store moved re-rolls its quarter under the new city; the old city's point stays behind
      // (and its series sorts last).
      movedStores.set('bulk1', 'Lyon');
      footfall('bulk1', 'c', t0 + 10 * MIN, 2);
      await store.flush();
      await store.maintain(t0 + 5 * Q);
      expect(await store.rollups({ storeId: 'bulk1', from: t0, to: t0 + 3 * Q })).toEqual({
        footfall: [{ t: t0, in: 11 }, { t: t0 + 2 * Q, in: 4 }],
        sales: [{ t: t0, transactions: 2, revenue: 0.3 }],
      });
      expect(await store.rollups({ storeId: 'bulk-none', from: t0, to: t0 + 3 * Q })).toEqual({ footfall: [], sales: [] });
    });

    it('accepts status, presence and incident points and counts them written', async () => {
      const before = store.stats();
      const at = utc('2026-06-04T10:00:00Z');
      expect(store.writeTillStatus({ at, storeId: 'ev1', tillId: 't1', state: 'degraded', components: { pos: 'ok', printer: 'paper_out', payment: 'ok', network: 'ok' } })).toBe(true);
      expect(store.writeTillStatus({ at: at + 1000, storeId: 'ev1', tillId: 't2', state: 'unknown', components: null })).toBe(true);
      expect(store.writeTillOnline({ at, storeId: 'ev1', tillId: 't1', online: false })).toBe(true);
      expect(store.writeIncident({ at, storeId: 'ev1', tillId: 't1', incidentId: 'inc-1', kind: 'printer', phase: 'opened', title: 'Printer out of paper' })).toBe(true);
      expect(store.writeIncident({ at, storeId: 'ev1', tillId: null, incidentId: 'inc-2', kind: 'store_offline', phase: 'opened', title: 'Store offline' })).toBe(true);
      await store.flush();
      const after = store.stats();
      expect(after.accepted - before.accepted).toBe(5);
      expect(after.written).toBeGreaterThanOrEqual(before.written + 5);
      expect(after.dropped).toBe(before.dropped);
    });

    it('keeps an incident\'s net loss and ticket, and replaces its resolution point with one of the same time and tags', async () => {
      const at = utc('2026-06-04T11:00:00Z');
      const resolved = {
        at, storeId: 'ir1', tillId: 't1', incidentId: 'inc-ir1', kind: 'till_down', phase: 'resolved', title: 'till_down t1',
        provider: 'acme', lostRevenue: 120, lostRevenueNet: 120, durationSeconds: 900, slaBreached: true, ticketId: 'T-0123456789ab',
      } as const;
      store.writeIncident(resolved);
      await store.flush();
      // Late bins and the settled net, an hour later.
      store.writeIncident({ ...resolved, lostRevenue: 150, lostRevenueNet: 95.5 });
      await store.flush();
      expect(await target.incidents('ir1')).toEqual([
        { at, phase: 'resolved', provider: 'acme', lost_revenue: 150, lost_revenue_net: 95.5, ticket: 'T-0123456789ab', duration_s: 900, sla_breached: 1 },
      ]);
    });

    it('reads till state changes back, oldest first, with each till\'s state before the range and no repeats', async () => {
      const t0 = utc('2026-06-06T10:00:00Z');
      const ok = { pos: 'ok', printer: 'ok', payment: 'ok', network: 'ok' } as const;
      const posError = { ...ok, pos: 'error' } as const;
      const write = (at: number, tillId: string, state: 'up' | 'down' | 'offline', components: typeof ok | typeof posError | null, storeId = 'ts1') =>
        store.writeTillStatus({ at, storeId, tillId, state, components });
      write(t0 - 3 * 3600_000, 't2', 'up', ok);
      write(t0 - 2 * 3600_000, 't2', 'offline', null);
      write(t0 - 3600_000, 't1', 'up', ok);
      // The same as before the range: not a change.
      write(t0 + 1000, 't1', 'up', ok);
      write(t0 + 5 * MIN, 't1', 'down', posError);
      write(t0 + 6 * MIN, 't2', 'up', ok);
      // Same state, other components: still a change.
      store.writeTillStatus({ at: t0 + 7 * MIN, storeId: 'ts1', tillId: 't1', state: 'down', components: { ...posError, printer: 'paper_out' } });
      write(t0 + 9 * MIN, 't1', 'up', ok);
      write(t0 + Q, 't1', 'down', posError);
      write(t0 + 5 * MIN, 't1', 'down', posError, 'ts-other');
      await store.flush();

      const all = await store.tillStates({ storeId: 'ts1', from: t0, to: t0 + Q });
      expect(all.before).toEqual([
        { at: t0 - 3600_000, tillId: 't1', state: 'up', components: ok },
        { at: t0 - 2 * 3600_000, tillId: 't2', state: 'offline', components: null },
      ]);
      expect(all.changes.map((c) => [c.at - t0, c.tillId, c.state])).toEqual([
        [5 * MIN, 't1', 'down'],
        [6 * MIN, 't2', 'up'],
        [7 * MIN, 't1', 'down'],
        [9 * MIN, 't1', 'up'],
      ]);
      expect(all.changes[2]!.components).toEqual({ ...posError, printer: 'paper_out' });
      expect(all.truncated).toBe(false);

      const t2 = await store.tillStates({ storeId: 'ts1', tillId: 't2', from: t0, to: t0 + Q });
      expect(t2.before.map((c) => c.tillId)).toEqual(['t2']);
      expect(t2.changes.map((c) => [c.at - t0, c.state])).toEqual([[6 * MIN, 'up']]);

      // A limit keeps the newest changes and says that older ones were left out.
      const cut = await store.tillStates({ storeId: 'ts1', tillId: 't1', from: t0, to: t0 + Q, limit: 2 });
      expect(cut.changes.map((c) => c.at - t0)).toEqual([7 * MIN, 9 * MIN]);
      expect(cut.truncated).toBe(true);

      expect(await store.tillStates({ storeId: 'ts-none', from: t0, to: t0 + Q })).toEqual({ before: [], changes: [], truncated: false });
    });

    it('refuses invalid points, counts them and stores nothing', async () => {
      const before = store.stats();
      const t0 = utc('2026-06-05T10:00:00Z');
      expect(store.writeFootfall({ storeId: 'bad store', sensorId: 's1', binStart: t0, binEnd: t0 + MIN, in: 1, out: 0 })).toBe(false);
      expect(store.writeFootfall({ storeId: 'bad1', sensorId: 's1', binStart: t0, binEnd: t0, in: 1, out: 0 })).toBe(false);
      expect(store.writeFootfall({ storeId: 'bad1', sensorId: 's1', binStart: t0, binEnd: t0 + MIN, in: -1, out: 0 })).toBe(false);
      expect(store.writeSales({ storeId: 'bad1', tillId: 't1', binStart: t0, binEnd: t0 + MIN, transactions: 1, revenue: Number.NaN, currency: 'EUR' })).toBe(false);
      expect(store.writeStoreState({ at: t0, storeId: 'bad1', state: 'ok', tillsUp: 5, tillsTotal: 4 })).toBe(false);
      expect(store.writeTillStatus({ at: t0, storeId: 'bad1', tillId: 't1', state: 'up', components: { printer: 'on_fire' as never } })).toBe(false);
      expect(store.writeTillOnline({ at: Number.POSITIVE_INFINITY, storeId: 'bad1', tillId: 't1', online: true })).toBe(false);
      expect(store.writeIncident({ at: t0, storeId: 'bad1', tillId: null, incidentId: '', kind: 'x', phase: 'opened', title: 't' })).toBe(false);
      await store.flush();
      expect(store.stats().rejected - before.rejected).toBe(8);
      expect(store.stats().accepted).toBe(before.accepted);
      const series = await store.footfallSeries({ storeId: 'bad1', from: t0, to: t0 + Q, binSeconds: 900 });
      expect(series).toEqual([{ t: t0, value: null }]);
    });

    it('refuses queries with unaligned or inverted ranges', async () => {
      const t0 = utc('2026-06-05T10:00:00Z');
      await expect(store.footfallSeries({ storeId: 'x', from: t0 + 1000, to: t0 + Q, binSeconds: 900 })).rejects.toThrow(RangeError);
      await expect(store.salesSeries({ storeId: 'x', from: t0 + Q, to: t0, binSeconds: 900 })).rejects.toThrow(RangeError);
      await expect(store.history({ storeId: 'x', metric: 'footfall', timezone: 'Nowhere/City', binStart: t0, weeks: 2 })).rejects.toThrow(RangeError);
      await expect(store.history({ storeId: 'x', metric: 'footfall', timezone: zone, binStart: t0 + MIN, weeks: 2 })).rejects.toThrow(RangeError);
      await expect(store.rollups({ storeId: 'x', from: t0 + MIN, to: t0 + Q })).rejects.toThrow(RangeError);
      await expect(store.rollups({ storeId: 'x', from: t0, to: t0 })).rejects.toThrow(RangeError);
      await expect(store.tillStates({ storeId: 'x', from: t0, to: t0 })).rejects.toThrow(RangeError);
      await expect(store.tillStates({ storeId: 'x', from: t0, to: t0 + 31 * 24 * 3600_000 })).rejects.toThrow(RangeError);
      await expect(store.tillStates({ storeId: 'x', from: t0, to: t0 + Q, limit: 0 })).rejects.toThrow(RangeError);
      await expect(store.tillStates({ storeId: 'x y', from: t0, to: t0 + Q })).rejects.toThrow(RangeError);
    });
  });
}

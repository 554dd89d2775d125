import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '../../src/telemetry/sqlite-store.js';
import { contractCityOf, INCIDENT_COLUMNS, telemetryContract, type StoredIncident } from './contract.js';

/** A store's incident points, read on a connection of their own. */
function readIncidents(path: string, storeId: string): StoredIncident[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(`SELECT t * 1000 AS at, ${INCIDENT_COLUMNS.join(', ')} FROM incident WHERE store = ? ORDER BY t`).all(storeId) as StoredIncident[];
  } finally {
    db.close();
  }
}

telemetryContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
  const path = join(dir, 'telemetry.db');
  const store = new SqliteTelemetryStore({ path, cityOf: contractCityOf });
  return {
    store,
    incidents: async (storeId) => readIncidents(path, storeId),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite telemetry store on disk', () => {
  it('keeps points across a reopen and expires raw rows after 30 days but rollups after 400', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
    const path = join(dir, 'telemetry.db');
    const t = Date.parse('2026-01-05T10:00:00Z');
    const first = new SqliteTelemetryStore({ path });
    first.writeFootfall({ storeId: 's1', sensorId: 'd1', binStart: t, binEnd: t + 60_000, in: 3, out: 1 });
    await first.maintain(t + 60_000);
    await first.close();

    const second = new SqliteTelemetryStore({ path });
    const q = { storeId: 's1', from: t, to: t + 900_000, binSeconds: 900 };
    expect((await second.footfallSeries(q))[0]!.value).toBe(3);
    const history = { storeId: 's1', metric: 'footfall' as const, timezone: 'UTC', binStart: t + 7 * 86_400_000, weeks: 1 };

    const report = await second.maintain(t + 31 * 86_400_000);
    expect(report.expired).toBe(1);
    expect((await second.footfallSeries(q))[0]!.value).toBeNull();
    expect((await second.history(history))[0]!.value).toBe(3);

    await second.maintain(t + 401 * 86_400_000);
    expect((await second.history(history))[0]!.value).toBeNull();
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds the incident columns a database made before them lacks, keeping its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
    const path = join(dir, 'telemetry.db');
    const t = Date.parse('2026-01-05T10:00:00Z');
    const old = new Database(path);
    old.exec(`CREATE TABLE incident (
      store TEXT NOT NULL, till TEXT NOT NULL, kind TEXT NOT NULL, t INTEGER NOT NULL, city TEXT NOT NULL,
      incident_id TEXT NOT NULL, phase TEXT NOT NULL, title TEXT NOT NULL,
      provider TEXT, lost_revenue REAL, duration_s INTEGER, sla_breached INTEGER,
      PRIMARY KEY (store, till, kind, t)) WITHOUT ROWID`);
    old.prepare(`INSERT INTO incident VALUES ('s1', '', 'store_down', ?, 'Madrid', 'inc-old', 'resolved', 'store_down', 'acme', 80, 600, 0)`).run(t / 1000);
    old.close();

    const store = new SqliteTelemetryStore({ path });
    store.writeIncident({ at: t + 3600_000, storeId: 's1', tillId: null, incidentId: 'inc-new', kind: 'store_down', phase: 'resolved', title: 'store_down', lostRevenue: 50, lostRevenueNet: 40, ticketId: 'T-1' });
    await store.close();
    expect(readIncidents(path, 's1').map((r) => [r.lost_revenue, r.lost_revenue_net, r.ticket])).toEqual([[80, null, null], [50, 40, 'T-1']]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a bin\'s rollup when a late row comes for it after its raw rows expired', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
    const store = new SqliteTelemetryStore({ path: join(dir, 'telemetry.db') });
    const t = Date.parse('2026-01-05T10:00:00Z');
    const day = 86_400_000;
    const sale = (tillId: string, transactions: number) => ({ storeId: 's1', tillId, binStart: t, binEnd: t + 60_000, transactions, revenue: transactions * 10, currency: 'EUR' });
    for (const [till, n] of [['T1', 10], ['T2', 7], ['T3', 5]] as const) store.writeSales(sale(till, n));
    await store.maintain(t + 60_000);
    const history = { storeId: 's1', metric: 'transactions' as const, timezone: 'UTC', binStart: t + 7 * day, weeks: 1 };
    await store.maintain(t + 31 * day);
    expect((await store.history(history))[0]!.value).toBe(22);
    // A till whose clock ran five weeks behind: its bin cannot be added to a sum whose parts are gone.
    store.writeSales(sale('T4', 2));
    await store.maintain(t + 35 * day);
    expect((await store.history(history))[0]!.value).toBe(22);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

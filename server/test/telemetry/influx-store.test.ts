import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type InfluxdHandle } from '../../../test-support/influxd.js';
import { InfluxHttp } from '../../src/telemetry/influx/http.js';
import { InfluxTelemetryStore } from '../../src/telemetry/influx-store.js';
import { contractCityOf, INCIDENT_COLUMNS, telemetryContract, type StoredIncident } from './contract.js';

let influxd: InfluxdHandle;
const dirs: string[] = [];
const spoolDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(async () => {
  await influxd?.destroy();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

telemetryContract('influxdb 1.x', async () => {
  // Contract data sits at fixed past dates: keep it forever here instead of the production 30/400 days.
  const store = await InfluxTelemetryStore.open({
    url: influxd.url,
    db: 'contract',
    spoolDir: spoolDir(),
    cityOf: contractCityOf,
    rawRetention: 'INF',
    rollupRetention: 'INF',
    flushIntervalMs: 50,
  });
  const http = new InfluxHttp({ url: influxd.url, db: 'contract' });
  const incidents = async (storeId: string): Promise<StoredIncident[]> => {
    const [series] = await http.query(`SELECT ${INCIDENT_COLUMNS.map((c) => `"${c}"`).join(', ')} FROM "incident" WHERE "store" = '${storeId}'`);
    return (series?.[0]?.values ?? []).map(([at, ...row]) => ({ at, ...Object.fromEntries(INCIDENT_COLUMNS.map((c, i) => [c, row[i]])) }) as StoredIncident);
  };
  return { store, incidents, cleanup: () => store.close() };
});

describe('influxdb telemetry schema', () => {
  it('creates a 30-day default policy for raw points and a 400-day one for rollups on 1.x', async () => {
    const store = await InfluxTelemetryStore.open({ url: influxd.url, db: 'schema_check', spoolDir: spoolDir() });
    const http = new InfluxHttp({ url: influxd.url, db: 'schema_check' });
    const [series] = await http.query('SHOW RETENTION POLICIES ON "schema_check"');
    const policies = Object.fromEntries(series![0]!.values.map((r) => [r[0], { duration: r[1], isDefault: r[4] }]));
    expect(policies.raw).toEqual({ duration: '720h0m0s', isDefault: true });
    expect(policies.rollup).toEqual({ duration: '9600h0m0s', isDefault: false });
    await store.close();
  });

  it('stores tags from the bounded set only and keeps ids in fields', async () => {
    const store = await InfluxTelemetryStore.open({ url: influxd.url, db: 'tags_check', spoolDir: spoolDir(), cityOf: () => 'Lyon' });
    const at = Date.now() - 60_000;
    store.writeIncident({ at, storeId: 's1', tillId: 't1', incidentId: 'inc-000123', kind: 'printer', phase: 'opened', title: 'x', provider: 'acme' });
    store.writeTillStatus({ at, storeId: 's1', tillId: 't1', state: 'up', components: { pos: 'ok', printer: 'ok', payment: 'ok', network: 'ok' } });
    await store.flush();
    const http = new InfluxHttp({ url: influxd.url, db: 'tags_check' });
    const [keys] = await http.query('SHOW TAG KEYS');
    const tagKeys = new Set(keys!.flatMap((s) => s.values.map((v) => String(v[0]))));
    expect([...tagKeys].sort()).toEqual(['city', 'kind', 'provider', 'store', 'till']);
    const [incident] = await http.query('SELECT "id", "title" FROM "incident"');
    expect(incident![0]!.values[0]!.slice(1)).toEqual(['inc-000123', 'x']);
    await store.close();
  });

  it('writes 15-minute rollups into the long retention policy, tagged by store and city', async () => {
    const store = await InfluxTelemetryStore.open({ url: influxd.url, db: 'rollup_check', spoolDir: spoolDir(), cityOf: () => 'Porto' });
    const bin = Math.floor((Date.now() - 3600_000) / 900_000) * 900_000;
    store.writeFootfall({ storeId: 'r1', sensorId: 'a', binStart: bin, binEnd: bin + 60_000, in: 3, out: 1 });
    store.writeFootfall({ storeId: 'r1', sensorId: 'b', binStart: bin + 120_000, binEnd: bin + 180_000, in: 4, out: 2 });
    store.writeSales({ storeId: 'r1', tillId: 't1', binStart: bin, binEnd: bin + 60_000, transactions: 2, revenue: 19.9, currency: 'EUR' });
    const report = await store.maintain(Date.now());
    expect(report.rolledUp).toBe(2);
    const http = new InfluxHttp({ url: influxd.url, db: 'rollup_check' });
    const [footfall, sales] = await http.query(
      'SELECT "in", "out", "city", "store" FROM "rollup"."footfall_15m"; SELECT "transactions", "revenue" FROM "rollup"."sales_15m"',
    );
    expect(footfall![0]!.values).toEqual([[bin, 7, 3, 'Porto', 'r1']]);
    expect(sales![0]!.values).toEqual([[bin, 2, 19.9]]);
    await store.close();
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteTelemetryStore } from '../../src/telemetry/sqlite-store.js';
import { contractCityOf, telemetryContract } from './contract.js';

telemetryContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
  const store = new SqliteTelemetryStore({ path: join(dir, 'telemetry.db'), cityOf: contractCityOf });
  return {
    store,
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

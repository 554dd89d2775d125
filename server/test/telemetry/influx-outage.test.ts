/** InfluxDB dies while telemetry flows: every point must reach it after it comes back, in order. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/ports.js';
import { startInfluxd, type InfluxdHandle } from '../../../test-support/influxd.js';
import { InfluxHttp } from '../../src/telemetry/influx/http.js';
import { InfluxTelemetryStore, type InfluxTelemetryOptions } from '../../src/telemetry/influx-store.js';

let influxd: InfluxdHandle;
const dirs: string[] = [];
const tick = () => new Promise((r) => setTimeout(r, 2));

beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(async () => {
  await influxd?.destroy();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function options(db: string, spoolDir: string): InfluxTelemetryOptions {
  return { url: influxd.url, db, spoolDir, flushIntervalMs: 20, batchSize: 50, maxRetries: 1, retryBaseMs: 20, retryMaxMs: 200, timeoutMs: 2000 };
}

function spoolDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));
  dirs.push(d);
  return d;
}

async function footfallRows(db: string): Promise<{ count: number; sum: number; lastOfReplaced: number | null }> {
  const http = new InfluxHttp({ url: influxd.url, db });
  const [all] = await http.query('SELECT count("in"), sum("in") FROM "footfall" WHERE "sensor" = \'door\'');
  const [replaced] = await http.query('SELECT "in" FROM "footfall" WHERE "sensor" = \'same\'');
  const row = all?.[0]?.values[0];
  return { count: Number(row?.[1] ?? 0), sum: Number(row?.[2] ?? 0), lastOfReplaced: (replaced?.[0]?.values[0]?.[1] as number) ?? null };
}

describe('influxdb outage', () => {
  it('spools points while influxd is killed with SIGKILL and replays all of them, in order, once it is back', async () => {
    const db = 'outage';
    const store = await InfluxTelemetryStore.open(options(db, spoolDir()));
    const base = Date.parse('2026-11-01T00:00:00Z');
    // Recent points only: the default 30-day policy would refuse older ones.
    const start = Math.max(base, Date.now() - 10 * 86_400_000);
    const total = 600;
    const bin = (i: number) => ({ storeId: 's1', sensorId: 'door', binStart: start + i * 60_000, binEnd: start + (i + 1) * 60_000, in: i, out: 0 });
    // The same bin written again and again: only replay in order leaves the last value standing.
    const replaced = (i: number) => ({ storeId: 's1', sensorId: 'same', binStart: start, binEnd: start + 60_000, in: i, out: 0 });

    for (let i = 0; i < total; i++) {
      if (i === 200) await influxd.kill9();
      if (i === 450) await influxd.start();
      store.writeFootfall(bin(i));
      store.writeFootfall(replaced(i));
      await tick();
    }
    await store.flush();
    await waitFor(() => store.stats().spoolPending === 0, 20_000, 'spool replay');

    const stats = store.stats();
    expect(stats.spooled).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThan(0);
    expect(stats.dropped).toBe(0);
    expect(stats.written).toBe(2 * total);
    const rows = await footfallRows(db);
    expect(rows.count).toBe(total);
    expect(rows.sum).toBe((total * (total - 1)) / 2);
    expect(rows.lastOfReplaced).toBe(total - 1);
    await store.close();
  });

  it('keeps the spool on disk across a server restart and replays it on the next start', async () => {
    const db = 'restart';
    const dir = spoolDir();
    const at = Date.now() - 3600_000;
    await influxd.stop();
    const first = await InfluxTelemetryStore.open(options(db, dir));
    for (let i = 0; i < 30; i++) {
      first.writeFootfall({ storeId: 's2', sensorId: 'door', binStart: at + i * 60_000, binEnd: at + (i + 1) * 60_000, in: 1, out: 0 });
    }
    await first.close();
    expect(first.stats().spoolPending).toBe(30);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lp')).length).toBeGreaterThan(0);

    await influxd.start();
    const second = await InfluxTelemetryStore.open(options(db, dir));
    await waitFor(() => second.stats().spoolPending === 0, 20_000, 'spool replay after restart');
    expect(second.stats().written).toBe(30);
    expect((await footfallRows(db)).count).toBe(30);
    expect(readdirSync(dir).filter((n) => n.endsWith('.lp'))).toEqual([]);
    await second.close();
  });
});

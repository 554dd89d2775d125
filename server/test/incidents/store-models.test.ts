import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { Incident, IncidentStore } from '../../src/domain/incidents/index.js';
import { slotKey } from '../../src/domain/revenue/index.js';
import { loadStoreModel } from '../../src/services/incidents/store-models.js';
import { SqliteTelemetryStore } from '../../src/telemetry/index.js';

const ZONE = 'Europe/Madrid';
const OPEN = '10:00-20:00';
const store: IncidentStore = {
  id: 'S1', name: 'n', city: 'Madrid', timezone: ZONE, currency: 'EUR', tills: ['T1', 'T2'],
  hours: { mon: OPEN, tue: OPEN, wed: OPEN, thu: OPEN, fri: OPEN, sat: OPEN, sun: OPEN },
  holidays: [], provider: null, conversion: 0.5, avgBasket: 10,
};
const Q = 15 * 60_000;
// Six weeks before a Wednesday noon, local time.
const asOf = DateTime.fromISO('2026-11-25T12:00', { zone: ZONE }).toMillis();
const first = DateTime.fromISO('2026-10-14T00:00', { zone: ZONE });
const DAY = 24 * 3600_000;
// Two past incidents on Wednesdays whose 12:00–13:00 counted nothing: they must not drag the baseline down.
const incidents = ['2026-11-11T12:00', '2026-11-18T12:00'].map((t) => DateTime.fromISO(t, { zone: ZONE }).toMillis());

describe('store models learned from the telemetry history', () => {
  const telemetry = new SqliteTelemetryStore({ path: join(mkdtempSync(join(tmpdir(), 'storepulse-models-')), 'telemetry.db') });

  beforeAll(async () => {
    for (let day = first; day.toMillis() < asOf; day = day.plus({ days: 1 })) {
      for (let h = 10; h < 20; h++) {
        for (let m = 0; m < 60; m += 15) {
          const t = day.set({ hour: h, minute: m }).toMillis();
          if (t >= asOf) break;
          const down = incidents.some((i) => t >= i && t < i + 3600_000);
          telemetry.writeFootfall({ storeId: 'S1', sensorId: 'door1', binStart: t, binEnd: t + Q, in: down ? 0 : 40, out: 0 });
          for (const tillId of ['T1', 'T2']) {
            telemetry.writeSales({ storeId: 'S1', tillId, binStart: t, binEnd: t + Q, transactions: down ? 0 : 4, revenue: down ? 0 : 200, currency: 'EUR' });
          }
        }
      }
    }
    // Rolled up as the data came in; by now the raw points of the oldest weeks have expired.
    await telemetry.maintain(first.toMillis() + 29 * DAY);
    await telemetry.maintain(asOf);
  });
  afterAll(() => telemetry.close());

  it('learns the baseline per local slot and the rates from the sales, leaving out past incidents', async () => {
    const past = incidents.map((i) => ({ startedAt: new Date(i).toISOString(), endedAt: new Date(i + 3600_000).toISOString() }) as Incident);
    const model = await loadStoreModel(telemetry, store, past, asOf);
    const slot = model.baseline!.slots[slotKey(asOf, ZONE)]!;
    expect(slot).toMatchObject({ median: 40, p25: 40, samples: 4 });
    const unaware = await loadStoreModel(telemetry, store, [], asOf);
    expect(unaware.baseline!.slots[slotKey(asOf, ZONE)]).toMatchObject({ p25: 10, samples: 6 });
    expect(model.rates!.store).toMatchObject({ conversion: 0.2, basket: 50 });
    // The series sum the tills: per-till throughput cannot be learned from them.
    expect(model.rates!.tillPerQuarterP90).toBeNull();
  });

  it('takes the weeks the raw points no longer hold from the rollups', async () => {
    const oldest = DateTime.fromISO('2026-10-14T12:00', { zone: ZONE }).toMillis();
    const [raw] = await telemetry.footfallSeries({ storeId: 'S1', from: oldest, to: oldest + Q, binSeconds: 900 });
    expect(raw!.value).toBeNull();
    const model = await loadStoreModel(telemetry, store, [], asOf);
    // All six Wednesdays at noon: 36 to 42 days back from the rollups, the rest from raw points.
    expect(model.baseline!.slots[slotKey(asOf, ZONE)]).toMatchObject({ samples: 6 });
  });

  it('has no model for a store without history', async () => {
    expect(await loadStoreModel(telemetry, { ...store, id: 'S2' }, [], asOf)).toEqual({ baseline: null, rates: null });
  });
});

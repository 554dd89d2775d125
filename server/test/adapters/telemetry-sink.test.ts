import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { TelemetrySink } from '../../src/adapters/telemetry/telemetry-sink.js';
import { createFleet, upsertStore } from '../../src/domain/fleet.js';
import type { StoreConfig } from '../../src/domain/store.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';
import { EventBus } from '../../src/event-bus.js';
import { SqliteTelemetryStore } from '../../src/telemetry/sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'storepulse-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('writes a store change at the time it is heard, leaving the point of its last state change as it was', async () => {
  const telemetry = new SqliteTelemetryStore({ path: join(dir, 'telemetry.db') });
  const fleet = createFleet(DEFAULT_TILL_RULES, 60_000);
  const bus = new EventBus();
  const Q = 15 * 60_000;
  const quarter = Math.floor(Date.now() / Q) * Q;
  const twoHoursAgo = quarter - 8 * Q;
  const config: StoreConfig = {
    id: 'S1', name: 'One', city: 'Oslo', timezone: 'Europe/Oslo', currency: 'NOK', tills: ['T1', 'T2'],
    hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }, holidays: [], provider: null, conversion: 0.2, avgBasket: 30,
  };
  upsertStore(fleet, config, twoHoursAgo);
  const sink = new TelemetrySink(telemetry, fleet, bus, pino({ level: 'silent' }));
  try {
    // HQ renames the store: its state, in place since two hours ago, does not change.
    bus.emit('fleet:changes', upsertStore(fleet, { ...config, name: 'One (renamed)' }, Date.now()));
    await telemetry.flush();
    const series = await telemetry.tillsAvailableSeries({ storeId: 'S1', from: twoHoursAgo, to: quarter + Q, binSeconds: 900 });
    expect(series[0]).toEqual({ t: twoHoursAgo, value: null });
    expect(series.at(-1)!.value).not.toBeNull();
  } finally {
    await sink.close();
  }
});

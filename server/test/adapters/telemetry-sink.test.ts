import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { startInfluxd } from '../../../test-support/influxd.js';
import { TelemetrySink } from '../../src/adapters/telemetry/telemetry-sink.js';
import { applyOnline, applyStatus, createFleet, upsertStore } from '../../src/domain/fleet.js';
import type { StoreConfig } from '../../src/domain/store.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';
import { EventBus } from '../../src/event-bus.js';
import { componentStates } from '../../src/telemetry/index.js';
import { InfluxHttp } from '../../src/telemetry/influx/http.js';
import { InfluxTelemetryStore } from '../../src/telemetry/influx-store.js';
import { SqliteTelemetryStore } from '../../src/telemetry/sqlite-store.js';
import { panelQuery } from '../telemetry/grafana-queries.js';

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

it('keyframes each till to InfluxDB, so a 24/7 store whose tills last changed days ago still fills the drill-down, and till histories leave the keyframes out', async () => {
  const influxd = await startInfluxd();
  const telemetry = await InfluxTelemetryStore.open({ url: influxd.url, db: 'sink', spoolDir: join(dir, 'spool'), cityOf: () => 'Oslo', flushIntervalMs: 50 });
  const sink: { s?: TelemetrySink } = {};
  try {
    const now = Date.now();
    const twoDaysAgo = now - 2 * 86_400_000;
    const allDay = '00:00-24:00';
    const config: StoreConfig = {
      id: 'S1', name: 'One', city: 'Oslo', timezone: 'Europe/Oslo', currency: 'NOK', tills: ['T1', 'T2'],
      hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [], provider: null, conversion: 0.2, avgBasket: 30,
    };
    const fleet = createFleet(DEFAULT_TILL_RULES, 60_000);
    upsertStore(fleet, config, twoDaysAgo);
    const store = fleet.stores.get('S1')!;
    const ok = { state: 'ok' } as const;
    const components = { pos: ok, printer: ok, payment: ok, network: ok };
    // Both tills came up two days ago, written then as the sink writes a change; heartbeats since change nothing.
    for (const id of ['T1', 'T2']) {
      const till = store.tills.get(id)!;
      applyOnline(fleet, store, till, { v: 1, online: true, agent: { version: 'test' } }, twoDaysAgo);
      applyStatus(fleet, store, till, components, twoDaysAgo);
      telemetry.writeTillStatus({ at: twoDaysAgo, storeId: 'S1', tillId: id, state: till.state, components: componentStates(till.components) });
      telemetry.writeTillOnline({ at: twoDaysAgo, storeId: 'S1', tillId: id, online: true });
      expect(applyStatus(fleet, store, till, components, now)).toEqual([]);
    }
    sink.s = new TelemetrySink(telemetry, fleet, new EventBus(), pino({ level: 'silent' }));
    await telemetry.flush();

    // The drill-down's default range, the last 24 hours.
    const http = new InfluxHttp({ url: influxd.url, db: 'sink' });
    const query = async (title: string) => (await http.query(panelQuery('store-drilldown.json', title, now - 86_400_000, now + 60_000)))[0] ?? [];
    const table = await query('Tills and components');
    expect(table.map((r) => [r.tags?.till, r.values[0]![1]])).toEqual([['T1', 'up'], ['T2', 'up']]);
    for (const title of ['Till up (1) or not (0)', 'Agent online (1) or not (0)']) {
      const series = await query(title);
      expect(series.map((r) => [r.tags?.till, r.values.at(-1)![1]]), title).toEqual([['T1', 1], ['T2', 1]]);
    }

    // The API's till history: no change in the last day, its state from two days ago before it.
    const day = await telemetry.tillStates({ storeId: 'S1', from: now - 86_400_000, to: now + 60_000, limit: 1 });
    expect(day.changes).toEqual([]);
    expect(day.truncated).toBe(false);
    expect(day.before.map((c) => [c.tillId, c.state])).toEqual([['T1', 'up'], ['T2', 'up']]);
    const all = await telemetry.tillStates({ storeId: 'S1', from: twoDaysAgo - 60_000, to: now + 60_000 });
    expect(all.changes.map((c) => [c.tillId, c.at])).toEqual([['T1', Math.floor(twoDaysAgo / 1000) * 1000], ['T2', Math.floor(twoDaysAgo / 1000) * 1000]]);
  } finally {
    await (sink.s ? sink.s.close() : telemetry.close());
    await influxd.destroy();
  }
}, 60_000);

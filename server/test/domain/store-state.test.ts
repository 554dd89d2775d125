import { describe, expect, it } from 'vitest';
import type { TillState } from '@storepulse/protocol';
import { applyOnline, applyStatus, createFleet, tillCounts, upsertStore } from '../../src/domain/fleet.js';
import type { StoreConfig } from '../../src/domain/store.js';
import { countTills, deriveStoreState } from '../../src/domain/store-state.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';

const store = (open: boolean, ...tills: TillState[]) => deriveStoreState(open, countTills(tills));

describe('deriveStoreState', () => {
  it('is closed outside opening hours, whatever the tills say', () => {
    expect(store(false, 'down', 'down')).toBe('closed');
  });
  it('is ok when every till is up', () => expect(store(true, 'up', 'up', 'up')).toBe('ok'));
  it('is degraded when some tills cannot sell but one still can', () => {
    expect(store(true, 'up', 'down', 'offline')).toBe('degraded');
    expect(store(true, 'degraded', 'degraded')).toBe('degraded');
  });
  it('is down when no till can sell', () => {
    expect(store(true, 'down', 'down')).toBe('down');
    expect(store(true, 'down', 'offline')).toBe('down');
  });
  it('is offline, not down, when every agent is gone at once', () => {
    expect(store(true, 'offline', 'offline', 'offline')).toBe('offline');
  });
  it('does not claim down when nothing is known to be broken', () => {
    expect(store(true, 'unknown', 'offline')).toBe('degraded');
  });
  it('counts tills per state', () => {
    expect(countTills(['up', 'down', 'down', 'offline'])).toEqual({ total: 4, up: 1, degraded: 0, down: 2, offline: 1, unknown: 0 });
  });
});

describe('a store with a backup till', () => {
  const allDay = '00:00-24:00';
  const config: StoreConfig = {
    id: 'S1', name: 'One', city: 'Madrid', timezone: 'Europe/Madrid', currency: 'EUR', tills: ['T1', 'T2', 'B1'], backupTills: ['B1'],
    hours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
    holidays: [], provider: null, conversion: 0.2, avgBasket: 30,
  };
  const ok = { state: 'ok' as const };
  const components = (pos: 'ok' | 'error') => ({ pos: { state: pos }, printer: ok, payment: ok, network: ok });

  it('is ok while the backup rests powered off, and counts the backup only while it sells', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    const fleet = createFleet(DEFAULT_TILL_RULES, 60_000);
    upsertStore(fleet, config, now);
    const store = fleet.stores.get('S1')!;
    const till = (id: string) => store.tills.get(id)!;
    applyStatus(fleet, store, till('T1'), components('ok'), now);
    applyStatus(fleet, store, till('T2'), components('ok'), now);
    expect(store.state).toBe('ok');
    expect(tillCounts(store)).toMatchObject({ total: 2, up: 2, offline: 0 });

    applyStatus(fleet, store, till('B1'), components('ok'), now + 1000);
    expect(tillCounts(store)).toMatchObject({ total: 3, up: 3 });
    applyStatus(fleet, store, till('T1'), components('error'), now + 2000);
    expect(store.state).toBe('degraded');
    applyStatus(fleet, store, till('T1'), components('ok'), now + 3000);
    applyOnline(fleet, store, till('B1'), { v: 1, online: false }, now + 4000);
    expect(store.state).toBe('ok');
    expect(tillCounts(store)).toMatchObject({ total: 2, up: 2, offline: 0 });
    // Normal tills still count when they fail.
    applyOnline(fleet, store, till('T2'), { v: 1, online: false }, now + 5000);
    expect(store.state).toBe('degraded');
    expect(tillCounts(store)).toMatchObject({ total: 2, up: 1, offline: 1 });
  });
});

/**
 * The backtest's scenarios: simulated stores with their own conversion, basket, tills and (through the
 * seed) service times, return rates and footfall, five weeks of normal trading, then one outage a day.
 */
import { DateTime } from 'luxon';
import type { WeekHours } from '@storepulse/protocol';
import { Rng, deriveSeed, type FleetStore } from '@storepulse/agents';

export const HISTORY_DAYS = 35;
export const INCIDENT_DAYS = 5;
/** Local opening hours of every simulated store: open every day, so each incident day trades. */
const OPEN = '09:00-21:00';
const HOURS: WeekHours = { mon: OPEN, tue: OPEN, wed: OPEN, thu: OPEN, fri: OPEN, sat: OPEN, sun: OPEN };
export const OPEN_HOURS_PER_DAY = 12;

/** Zones with and without a DST change inside the history (Madrid changes on 25 October 2026). */
const REGIONS = [
  { timezone: 'Europe/Madrid', currency: 'EUR', basket: [20, 80] },
  { timezone: 'Europe/Moscow', currency: 'RUB', basket: [1200, 4800] },
  { timezone: 'America/Mexico_City', currency: 'MXN', basket: [250, 1200] },
] as const;

export type OutageKind = 'full' | 'partial';
export type TimeOfDay = 'peak' | 'quiet';

export interface PlannedOutage {
  storeId: string;
  kind: OutageKind;
  time: TimeOfDay;
  silentCounter: boolean;
  start: number;
  end: number;
  tills: string[];
}

export interface PlannedStore {
  store: FleetStore;
  /** What HQ typed into the config: last year's figures, not the simulator's (a few % off either way). */
  configured: { conversion: number; avgBasket: number };
  outages: PlannedOutage[];
}

/** Starts on a Monday, UTC midnight. */
export const SIM_START = Date.UTC(2026, 8, 28);

function localTime(day: number, hour: number, minute: number, zone: string): number {
  const d = DateTime.fromMillis(SIM_START, { zone: 'UTC' }).plus({ days: day });
  return DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour, minute }, { zone }).toMillis();
}

/** Eight outage shapes in turn: full or partial, peak or quiet hour, counter working or silent. */
const SHAPES: { kind: OutageKind; time: TimeOfDay; silentCounter: boolean }[] = [];
for (const kind of ['full', 'partial'] as const) {
  for (const time of ['peak', 'quiet'] as const) {
    for (const silentCounter of [false, true]) SHAPES.push({ kind, time, silentCounter });
  }
}

export function planStores(count: number, seed: number): PlannedStore[] {
  const out: PlannedStore[] = [];
  for (let i = 0; i < count; i++) {
    const rng = new Rng(deriveSeed(seed, 'backtest-store', i));
    const region = REGIONS[i % REGIONS.length]!;
    const id = `B${String(i + 1).padStart(3, '0')}`;
    const tillCount = rng.int(3, 10);
    const conversion = rng.between(0.12, 0.35);
    const avgBasket = Math.round(rng.between(region.basket[0], region.basket[1]));
    const store: FleetStore = {
      id, name: `Backtest ${id}`, city: region.timezone.split('/')[1]!, timezone: region.timezone, currency: region.currency,
      tills: Array.from({ length: tillCount }, (_, t) => `T${t + 1}`), hours: HOURS, conversion, avgBasket,
    };
    const outages: PlannedOutage[] = [];
    for (let d = 0; d < INCIDENT_DAYS; d++) {
      const shape = SHAPES[(i * INCIDENT_DAYS + d) % SHAPES.length]!;
      const [hour, minute] = shape.time === 'peak'
        ? [rng.pick([12, 13, 17, 18]), rng.int(0, 50)]
        : [9, rng.int(5, 40)];
      const start = localTime(HISTORY_DAYS + d, hour, minute, region.timezone);
      const minutes = shape.kind === 'full' ? rng.int(45, 120) : rng.int(60, 150);
      // A partial outage takes down at least half the tills: with fewer, the tills left absorb the queue and
      // the few sales lost are below what one outage's truth can resolve (see the noise floor column).
      const down = shape.kind === 'full' ? store.tills : shuffle(rng, store.tills).slice(0, rng.int(Math.ceil(tillCount / 2), tillCount - 1));
      outages.push({ storeId: id, ...shape, start, end: start + minutes * 60_000, tills: [...down].sort() });
    }
    out.push({
      store,
      configured: { conversion: conversion * rng.lognormal(1, 0.1), avgBasket: avgBasket * rng.lognormal(1, 0.1) },
      outages,
    });
  }
  return out;
}

function shuffle<T>(rng: InstanceType<typeof Rng>, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

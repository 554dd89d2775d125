/**
 * The backtest's scenarios: simulated stores with their own conversion, basket, tills and (through the
 * seed) service times, return rates and footfall, five weeks of normal trading, then one outage a day.
 * The plan may look at the simulator's hidden behaviour to shape outages; the estimator never does.
 */
import { DateTime } from 'luxon';
import type { WeekHours } from '@storepulse/protocol';
import { Rng, deriveBehaviour, deriveSeed, trafficShape, type FleetStore } from '@storepulse/agents';

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
  /** What HQ typed into the config: last year's figures, not the simulator's (about 10 % off either way). */
  configured: { conversion: number; avgBasket: number; tillThroughput: number };
  /** The simulator's own figures, for the oracle diagnostic only: transactions per hour of each busy till, and their mean. */
  hidden: { conversion: number; avgBasket: number; tillPerHour: Record<string, number>; meanTillPerHour: number };
  outages: PlannedOutage[];
}

const HOUR_MS = 3_600_000;

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
    const behaviour = deriveBehaviour(store, seed);
    const tillPerHour = Object.fromEntries(store.tills.map((t, k) => [t, HOUR_MS / behaviour.meanServiceMs[k]!]));
    const meanTillPerHour = Object.values(tillPerHour).reduce((a, b) => a + b, 0) / tillCount;
    const outages: PlannedOutage[] = [];
    for (let d = 0; d < INCIDENT_DAYS; d++) {
      const shape = SHAPES[(i * INCIDENT_DAYS + d) % SHAPES.length]!;
      const [hour, minute] = shape.time === 'peak'
        ? [rng.pick([12, 13, 17, 18]), rng.int(0, 50)]
        : [9, rng.int(5, 40)];
      const start = localTime(HISTORY_DAYS + d, hour, minute, region.timezone);
      const minutes = shape.kind === 'full' ? rng.int(45, 120) : rng.int(60, 150);
      const down = shape.kind === 'full'
        ? store.tills
        : shortage(shuffle(rng, store.tills), tillPerHour, behaviour.peakVisitorsPerHour * conversion * trafficShape(hour + minute / 60 + minutes / 120, (HISTORY_DAYS + d) % 7), rng.between(0.25, 0.75));
      outages.push({ storeId: id, ...shape, start, end: start + minutes * 60_000, tills: [...down].sort() });
    }
    out.push({
      store,
      configured: {
        conversion: conversion * rng.lognormal(1, 0.1),
        avgBasket: avgBasket * rng.lognormal(1, 0.1),
        // HQ knows its tills' average speed from the POS reports, not which till is the slow one.
        tillThroughput: meanTillPerHour * rng.lognormal(1, 0.1),
      },
      hidden: { conversion, avgBasket, tillPerHour, meanTillPerHour },
      outages,
    });
  }
  return out;
}

/**
 * The tills a partial outage takes down, from the front of `order`: as many as leave the others able to
 * serve about `share` of the buyers expected at that hour (at least one down, one left). A partial
 * outage the tills left can absorb costs a handful of sales, less than one outage's own randomness, so
 * no estimate could be judged on it; a real shortage is what HQ needs the figure for.
 */
function shortage(order: readonly string[], tillPerHour: Record<string, number>, buyersPerHour: number, share: number): string[] {
  let best = 1;
  let bestMiss = Infinity;
  for (let down = 1; down < order.length; down++) {
    const left = order.slice(down).reduce((n, t) => n + tillPerHour[t]!, 0);
    const miss = Math.abs(left / buyersPerHour - share);
    if (miss < bestMiss) {
      best = down;
      bestMiss = miss;
    }
  }
  return order.slice(0, best);
}

function shuffle<T>(rng: InstanceType<typeof Rng>, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

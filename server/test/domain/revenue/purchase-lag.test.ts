import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LAG_OPTIONS,
  delayedEntries,
  estimateLoss,
  learnPurchaseLag,
  learnRates,
  minuteGrid,
  type FootfallBin,
  type SalesBin,
} from '../../../src/domain/revenue/index.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const monday = Date.parse('2026-11-23T00:00:00Z');
const week = (spec: string) => ({ mon: spec, tue: spec, wed: spec, thu: spec, fri: spec, sat: spec, sun: spec });

/** Irregular but reproducible entries per minute while open (09:00–21:00 UTC), none at night. */
function entriesAt(m: number): number {
  const minuteOfDay = ((m % 1440) + 1440) % 1440;
  return minuteOfDay >= 540 && minuteOfDay < 1260 ? 1 + ((m * 7919) % 7) : 0;
}

/**
 * Four weeks before `monday`: counter bins of 1 min, and sales of 5 min from buyers (conversion by
 * local hour of entry) who pay after a memoryless browse of `meanMin` on average plus `fixedMin`.
 */
function history(meanMin: number, conversion: (hour: number) => number, fixedMin = 0) {
  const from = monday - 28 * DAY;
  const minutes = 28 * 1440;
  const entries = Float64Array.from({ length: minutes }, (_, m) => entriesAt(m));
  const buyers = Float64Array.from(entries, (e, m) => e * conversion(Math.floor((m % 1440) / 60)));
  const browsed = delayedEntries(buyers, meanMin);
  // everyone also takes `fixedMin` to pick and pay
  const paying = Float64Array.from(browsed, (_, m) => (m >= fixedMin ? browsed[m - fixedMin]! : 0));
  const footfall: FootfallBin[] = [];
  const sales: SalesBin[] = [];
  for (let m = 0; m < minutes; m += 5) {
    const binStart = from + m * MIN;
    const minuteOfDay = m % 1440;
    if (minuteOfDay < 540 || minuteOfDay >= 1320) continue;
    let t = 0;
    for (let k = m; k < m + 5; k++) {
      t += paying[k]!;
      if (minuteOfDay < 1260) footfall.push({ sensorId: 'door', binStart: from + k * MIN, binEnd: from + (k + 1) * MIN, visitors: entries[k]! });
    }
    sales.push({ tillId: 'a', binStart, binEnd: binStart + 5 * MIN, transactions: t, revenue: t * 30 });
  }
  const open = Array.from({ length: 29 }, (_, d) => ({ start: from + (d - 1) * DAY + 540 * MIN, end: from + (d - 1) * DAY + 1260 * MIN }));
  return { footfall, sales, open, from };
}

describe('purchase lag', () => {
  it('finds the mean delay between coming in and paying, whatever the conversion of each hour', () => {
    const h = history(12, (hour) => (hour < 14 ? 0.2 : 0.35));
    const grid = minuteGrid({ start: h.from - 45 * MIN, end: monday }, h.footfall, ['door'], h.sales, h.open);
    const hours = Array.from({ length: 28 * 12 }, (_, i) => 45 + Math.floor(i / 12) * 1440 + 540 + (i % 12) * 60).slice(12);
    expect(learnPurchaseLag(grid, hours)).toBe(12);
    expect(learnPurchaseLag(grid, hours.slice(0, 5))).toBe(0);
  });

  it('finds the mean of a delay with a fixed part, not the shift that fits its bulk', () => {
    const h = history(9, () => 0.25, 3);
    const grid = minuteGrid({ start: h.from - 45 * MIN, end: monday }, h.footfall, ['door'], h.sales, h.open);
    const hours = Array.from({ length: 28 * 12 }, (_, i) => 45 + Math.floor(i / 12) * 1440 + 540 + (i % 12) * 60).slice(12);
    expect(learnPurchaseLag(grid, hours)).toBe(12);
  });

  it('learns conversion against the entries one lag earlier, so the opening hour is not biased low', () => {
    const h = history(12, () => 0.25);
    const table = learnRates({ footfall: h.footfall, sales: h.sales, timezone: 'UTC', asOf: monday + 10 * 3600_000, open: h.open });
    expect(table.purchaseLagMs).toBe(12 * MIN);
    // the 09:00 hour's buyers partly pay after 10:00, and nobody came in before 09:00
    const own = (c: { transactions: number; visitors: number }) => c.transactions / c.visitors;
    expect(own(table.byHour['1-09']!)).toBeCloseTo(0.25, 2);
    expect(table.byHour['1-09']!.conversion).toBeCloseTo(0.25, 2);
    const naive = learnRates({ footfall: h.footfall, sales: h.sales, timezone: 'UTC', asOf: monday + 10 * 3600_000, open: h.open }, { lag: { ...DEFAULT_LAG_OPTIONS, maxLagMin: 0 } });
    expect(naive.purchaseLagMs).toBe(0);
    expect(own(naive.byHour['1-09']!)).toBeLessThan(0.22);
  });

  it('charges an outage with the buyers who came in one lag before it, and nobody before opening', () => {
    const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
    const footfall: FootfallBin[] = [];
    for (let s = at('09:00'); s < at('11:00'); s += MIN) footfall.push({ sensorId: 'door', binStart: s, binEnd: s + MIN, visitors: 4 });
    const rates = { timezone: 'UTC', byHour: {}, store: { conversion: 0.25, basket: 40, visitors: 1e4, transactions: 2500, hours: 100 }, tillPerQuarterP90: null };
    const base = {
      range: { start: at('09:05'), end: at('09:35') },
      active: [{ start: at('09:00'), end: at('21:00') }],
      footfall,
      sales: null,
      capacity: [{ start: at('09:05'), end: at('09:35'), tills: 0 }],
      normalTills: 2,
      baseline: null,
      level: 1,
      store: { conversion: 0.25, avgBasket: 40, currency: 'EUR' },
    };
    // 09:05–09:35 paid for by entries 08:55–09:25, of which 09:00–09:25 happened: 100 visitors
    const lagged = estimateLoss({ ...base, rates: { ...rates, purchaseLagMs: 10 * MIN } });
    expect(lagged).toMatchObject({ visitors: 100, lostTransactions: 25, gross: 1000 });
    expect(lagged.flags).not.toContain('counter_gap');
    expect(estimateLoss({ ...base, rates: { ...rates, purchaseLagMs: 0 } }).visitors).toBe(120);
  });
});

describe('minute grid', () => {
  it('counts no entries while the store was closed, as the estimator does, even where the counter counted some', () => {
    const start = Date.parse('2026-11-23T08:30:00Z');
    // staff coming in before the 09:00 opening, then 2 a minute
    const footfall: FootfallBin[] = [
      { sensorId: 'door', binStart: start, binEnd: start + 30 * MIN, visitors: 12 },
      { sensorId: 'door', binStart: start + 30 * MIN, binEnd: start + 60 * MIN, visitors: 60 },
    ];
    const grid = minuteGrid({ start, end: start + 60 * MIN }, footfall, ['door'], [], [{ start: start + 30 * MIN, end: start + 600 * MIN }]);
    expect(Array.from(grid.entries.subarray(0, 30))).toEqual(new Array(30).fill(0));
    expect(Array.from(grid.covered.subarray(0, 30))).toEqual(new Array(30).fill(1));
    expect(grid.entries.reduce((n, e) => n + e, 0)).toBeCloseTo(60, 9);
  });
});

import { describe, expect, it } from 'vitest';
import { baselineSeries, buildBaselineProfile, estimateWindow, type FootfallBin, type SalesBin } from '../../../src/domain/revenue/index.js';
import { quarters, sixWeeks } from './history.js';

const Q = 15 * 60_000;
const week = (spec: string) => ({ mon: spec, tue: spec, wed: spec, thu: spec, fri: spec, sat: spec, sun: spec });
const store = { conversion: 0.1, avgBasket: 99, currency: 'EUR', timezone: 'UTC', hours: week('09:00-21:00'), holidays: [] };

describe('estimating one outage from raw history (the backtest entry point)', () => {
  const past = sixWeeks();
  // Today runs 1.5× busier until the counter goes silent at 10:00; the till is down 10:00–10:30,
  // then sells 9 a quarter for the next hour as some customers come back.
  const footfall = [
    ...past.footfall,
    ...(quarters('2026-11-23T09:00:00Z', '2026-11-23T10:00:00Z', (s) => ({ sensorId: 'door', binStart: s, binEnd: s + Q, visitors: 30 })) as FootfallBin[]),
  ];
  const sale = (tx: number) => (s: number) => ({ tillId: 'a', binStart: s, binEnd: s + Q, transactions: tx, revenue: tx * 30 });
  const sales = [
    ...past.sales,
    ...(quarters('2026-11-23T09:00:00Z', '2026-11-23T10:00:00Z', sale(5)) as SalesBin[]),
    ...(quarters('2026-11-23T10:30:00Z', '2026-11-23T11:30:00Z', sale(9)) as SalesBin[]),
  ];
  const range = { start: Date.parse('2026-11-23T10:00:00Z'), end: Date.parse('2026-11-23T10:30:00Z') };
  const e = estimateWindow({ store, range, footfall, sales, capacity: [{ ...range, tills: 0 }], normalTills: 1 });

  it('uses learned rates and the baseline scaled by the level for the silent counter', () => {
    // 2 quarters × 20 × 1.5 = 60 visitors; learned conversion 0.25 → 15 sales of 30 lost
    expect(e).toMatchObject({ visitors: 60, lostTransactions: 15, gross: 450, method: 'gap' });
    expect(e.flags).toEqual(expect.arrayContaining(['counter_silent', 'counter_gap']));
    expect(e.flags).not.toContain('rates_fallback');
  });

  it('takes the hour after recovery above the baseline off the net, beyond its noise', () => {
    // expected per quarter 30 × 0.25 × 30 = 225, sold 270: 4 × 45 over; noise √(4 × 30 × 0.25) × 30
    const recaptured = 180 - Math.sqrt(4 * 30 * 0.25) * 30;
    expect(e.recaptured).toBeCloseTo(recaptured, 1);
    expect(e.net).toBeCloseTo(450 - recaptured, 1);
  });

  it('gives the store page a baseline series for today', () => {
    const profile = buildBaselineProfile({ footfall: past.footfall, timezone: 'UTC', asOf: range.start });
    const series = baselineSeries(profile, Date.parse('2026-11-23T08:30:00Z'), Date.parse('2026-11-23T09:30:00Z'), 1.5);
    // nothing learned before opening; 20 × 1.5 from 09:00
    expect(series).toEqual([
      { start: Date.parse('2026-11-23T09:00:00Z'), visitors: 30, low: 30, high: 30 },
      { start: Date.parse('2026-11-23T09:15:00Z'), visitors: 30, low: 30, high: 30 },
    ]);
  });
});

describe('a store with a month of one-minute sales bins on several tills', () => {
  it('finds where the sales feed ends without spreading every bin into one call', () => {
    // 4 tills × 1-min bins × 29 days: some 167,000 bins, more arguments than a call can take
    const sales: SalesBin[] = [];
    const end = Date.parse('2026-11-23T10:00:00Z');
    for (let s = end - 29 * 24 * 3600_000; s < end + 3600_000; s += 60_000) {
      for (const tillId of ['a', 'b', 'c', 'd']) sales.push({ tillId, binStart: s, binEnd: s + 60_000, transactions: 0.1, revenue: 3 });
    }
    const range = { start: end - 30 * 60_000, end };
    const e = estimateWindow({ store, range, footfall: sixWeeks().footfall, sales, capacity: [{ ...range, tills: 0 }], normalTills: 4 });
    expect(e.method).toBe('gap');
  });
});

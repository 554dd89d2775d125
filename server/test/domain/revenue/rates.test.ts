import { describe, expect, it } from 'vitest';
import { conversionPrior, learnRates, ratesAt, type FootfallBin, type SalesBin } from '../../../src/domain/revenue/index.js';

const Q = 15 * 60_000;
const at = (iso: string) => Date.parse(iso);
const mondays = ['2026-11-16', '2026-11-09', '2026-11-02', '2026-10-26'];

// Each Monday 10:00–11:00 UTC: 100 entries, 20 sales worth 600 over two tills.
function hour(date: string, visitorsPerQuarter = 25, sales = true) {
  const footfall: FootfallBin[] = [];
  const tills: SalesBin[] = [];
  for (let i = 0; i < 4; i++) {
    const binStart = at(`${date}T10:00:00Z`) + i * Q;
    footfall.push({ sensorId: 'door', binStart, binEnd: binStart + Q, visitors: visitorsPerQuarter });
    if (!sales) continue;
    tills.push({ tillId: '1', binStart, binEnd: binStart + Q, transactions: 3, revenue: 90 });
    tills.push({ tillId: '2', binStart, binEnd: binStart + Q, transactions: 2, revenue: 60 });
  }
  return { footfall, sales: tills };
}

function history(days: string[]) {
  const hs = days.map((d) => hour(d));
  return { footfall: hs.flatMap((h) => h.footfall), sales: hs.flatMap((h) => h.sales) };
}

const asOf = at('2026-11-23T12:00:00Z');
const config = { conversion: 0.3, avgBasket: 25 };

describe('learned conversion and basket', () => {
  it('learns per weekday and hour from the trailing 4 weeks', () => {
    const table = learnRates({ ...history(mondays), timezone: 'UTC', asOf });
    expect(table.byHour['1-10']).toEqual({ conversion: 0.2, basket: 30, visitors: 400, transactions: 80, hours: 4 });
    expect(table.store).toMatchObject({ conversion: 0.2, basket: 30 });
    // till 1 sells 3 per quarter, till 2 sells 2: the P90 is 3
    expect(table.tillPerQuarterP90).toBe(3);
    const r = ratesAt(table, at('2026-11-23T10:30:00Z'), config);
    expect(r).toMatchObject({ conversion: 0.2, basket: 30, source: 'hour' });
    expect(r.relError).toBeCloseTo(1 / Math.sqrt(80));
  });

  it('learns how far single transactions spread around the basket, from the sales bins', () => {
    const h = history(mondays);
    // Same totals, uneven bins: till 1 sells 3 for 60 or 120 (±30), till 2 sells 2 for 80 or 40 (±20).
    const uneven = h.sales.map((b, i) => {
      const odd = Math.floor(i / 2) % 2 === 1;
      return { ...b, revenue: b.tillId === '1' ? (odd ? 120 : 60) : odd ? 40 : 80 };
    });
    const table = learnRates({ ...h, sales: uneven, timezone: 'UTC', asOf });
    expect(table.store).toMatchObject({ basket: 30 });
    // Per quarter 30² + 20² around 5 transactions: variance 1300 / 5 = 260 per transaction.
    expect(table.basketCv).toBeCloseTo(Math.sqrt(260) / 30);
    expect(learnRates({ ...h, timezone: 'UTC', asOf }).basketCv).toBe(0);
    // Fewer than 20 bins: too few to tell, and the estimator's default applies.
    expect(learnRates({ ...history(mondays.slice(0, 2)), timezone: 'UTC', asOf }).basketCv).toBeNull();
  });

  it('shrinks each weekday-hour toward the pooled store rate', () => {
    const h = history(mondays);
    // 11:00–12:00 on the same Mondays: 100 entries, 40 sales of 30
    const busy = mondays.flatMap((d) =>
      [0, 1, 2, 3].flatMap((i) => {
        const binStart = at(`${d}T11:00:00Z`) + i * Q;
        return [{ tillId: '1', binStart, binEnd: binStart + Q, transactions: 10, revenue: 300 }];
      }),
    );
    const foot = mondays.flatMap((d) =>
      [0, 1, 2, 3].map((i) => ({ sensorId: 'door', binStart: at(`${d}T11:00:00Z`) + i * Q, binEnd: at(`${d}T11:00:00Z`) + (i + 1) * Q, visitors: 25 })),
    );
    const table = learnRates({ footfall: [...h.footfall, ...foot], sales: [...h.sales, ...busy], timezone: 'UTC', asOf });
    // pooled: 240 sales over 800 entries = 0.3; hours 10 and 11 on their own 0.2 and 0.4, far more
    // apart than 400 entries' counting noise allows: real difference, so each keeps most of its own
    expect(table.store!.conversion).toBeCloseTo(0.3);
    const w = 400 / 0.21;
    const spread = (w * 0.02 - 1) / (2 * w - w);
    const prior = 0.21 / spread;
    expect(conversionPrior([{ v: 400, t: 80 }, { v: 400, t: 160 }], 0.3, 800)).toBeCloseTo(prior, 6);
    expect(table.byHour['1-11']!.conversion).toBeCloseTo((160 + prior * 0.3) / (400 + prior));
    expect(table.byHour['1-10']!.conversion).toBeCloseTo((80 + prior * 0.3) / (400 + prior));
    expect(table.byHour['1-11']).toMatchObject({ visitors: 400, transactions: 160, hours: 4 });
  });

  it('pools hours whose conversions differ by no more than counting noise', () => {
    expect(conversionPrior([{ v: 400, t: 100 }, { v: 400, t: 104 }, { v: 300, t: 76 }], 0.2545, 1100)).toBe(1100);
    expect(conversionPrior([{ v: 400, t: 100 }], 0.25, 400)).toBe(400);
  });

  it('leaves out hours with an incident', () => {
    const h = history(mondays);
    // 16 Nov: the tills were down, nothing sold.
    const sales = h.sales.filter((b) => b.binStart < at('2026-11-16T00:00:00Z') || b.binStart > at('2026-11-17T00:00:00Z'));
    const quiet = sales.concat([{ tillId: '1', binStart: at('2026-11-16T10:00:00Z'), binEnd: at('2026-11-16T10:15:00Z'), transactions: 0, revenue: 0 }]);
    const excluded = [{ start: at('2026-11-16T10:00:00Z'), end: at('2026-11-16T11:00:00Z') }];
    expect(learnRates({ ...h, sales: quiet, timezone: 'UTC', asOf }).byHour['1-10']!.conversion).toBeCloseTo(60 / 400);
    expect(learnRates({ ...h, sales: quiet, timezone: 'UTC', asOf, excluded }).byHour['1-10']).toMatchObject({
      conversion: 0.2,
      hours: 3,
    });
  });

  it('uses the pooled store rate for a weekday-hour without data, and the configured one without any', () => {
    const table = learnRates({ ...history(mondays), timezone: 'UTC', asOf });
    expect(ratesAt(table, at('2026-11-24T15:00:00Z'), config)).toMatchObject({ conversion: 0.2, source: 'store' });
    const thin = learnRates({ ...history(mondays.slice(0, 1)), timezone: 'UTC', asOf });
    expect(thin.byHour).toEqual({});
    expect(thin.tillPerQuarterP90).toBeNull();
    expect(ratesAt(thin, at('2026-11-23T10:30:00Z'), config)).toEqual({ conversion: 0.3, basket: 25, source: 'config', relError: 0.3 });
  });

  it('needs a sales feed: footfall alone teaches nothing', () => {
    const foot = mondays.flatMap((d) => hour(d, 25, false).footfall);
    expect(learnRates({ footfall: foot, sales: [], timezone: 'UTC', asOf }).store).toBeNull();
  });
});

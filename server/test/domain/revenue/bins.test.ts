import { describe, expect, it } from 'vitest';
import { BinIndex, binShare, compactBins, footfallIn, salesIn, type FootfallBin } from '../../../src/domain/revenue/index.js';

const t = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
const bin = (sensorId: string, from: string, to: string, visitors: number) => ({
  sensorId,
  binStart: t(from),
  binEnd: t(to),
  visitors,
});

describe('bins', () => {
  it('counts a bin partly inside a range pro rata', () => {
    expect(binShare(bin('d', '10:00', '10:15', 30), { start: t('10:10'), end: t('10:20') })).toBeCloseTo(5 / 15);
    const bins = [bin('d', '10:00', '10:15', 30), bin('d', '10:15', '10:30', 45)];
    // 30 × 8/15 + 45 × 7/15 = 16 + 21
    const seen = footfallIn(bins, { start: t('10:07'), end: t('10:22') });
    expect(seen.visitors).toBeCloseTo(37);
    expect(seen.coverage).toBeCloseTo(1);
  });

  it('reports how much of the range the sensors covered, averaged over sensors', () => {
    const bins = [bin('a', '10:00', '10:15', 30), bin('b', '10:00', '10:05', 4)];
    const seen = footfallIn(bins, { start: t('10:00'), end: t('10:15') }, ['a', 'b']);
    expect(seen.visitors).toBe(34);
    // a covers all of it, b a third
    expect(seen.coverage).toBeCloseTo((1 + 1 / 3) / 2);
    expect(footfallIn([], { start: t('10:00'), end: t('10:15') }).coverage).toBe(0);
  });

  it('sums sales of every till pro rata', () => {
    const sales = [
      { tillId: '1', binStart: t('10:00'), binEnd: t('10:10'), transactions: 10, revenue: 200 },
      { tillId: '2', binStart: t('10:00'), binEnd: t('10:10'), transactions: 4, revenue: 100 },
    ];
    expect(salesIn(sales, { start: t('10:05'), end: t('10:30') })).toEqual({ transactions: 7, revenue: 150 });
  });
});

describe('compacting old bins', () => {
  const merge = (a: FootfallBin, b: FootfallBin) => ({ ...a, binEnd: b.binEnd, visitors: a.visitors + b.visitors });
  const compact = (bins: FootfallBin[], before: string) => compactBins(bins, t(before), (b) => b.sensorId, merge);

  it('merges back-to-back bins of one sensor within a 15-min bin, keeping counts and coverage', () => {
    const bins = [bin('d', '10:00', '10:05', 5), bin('d', '10:05', '10:10', 6), bin('d', '10:10', '10:15', 7), bin('d', '10:15', '10:20', 8)];
    expect(compact(bins, '11:00')).toEqual([bin('d', '10:00', '10:15', 18), bin('d', '10:15', '10:20', 8)]);
  });

  it('leaves gaps, other sensors and recent bins apart', () => {
    const gap = [bin('d', '10:00', '10:05', 5), bin('d', '10:10', '10:15', 7)];
    expect(compact(gap, '11:00')).toEqual(gap);
    const two = [bin('a', '10:00', '10:05', 5), bin('b', '10:05', '10:10', 6)];
    expect(compact(two, '11:00')).toEqual(two);
    const recent = [bin('d', '10:00', '10:05', 5), bin('d', '10:05', '10:10', 6)];
    expect(compact(recent, '10:07')).toEqual(recent);
    const range = { start: t('10:00'), end: t('10:15') };
    expect(footfallIn(compact(gap, '11:00'), range).coverage).toBeCloseTo(2 / 3);
  });
});

describe('BinIndex', () => {
  it('gives the bins in the quarter hours a range touches, each once and in their original order, whatever their width', () => {
    const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
    const bins: FootfallBin[] = [
      { sensorId: 'b', binStart: at('10:10'), binEnd: at('10:20'), visitors: 1 },
      { sensorId: 'a', binStart: at('10:00'), binEnd: at('10:01'), visitors: 2 },
      { sensorId: 'a', binStart: at('09:00'), binEnd: at('11:00'), visitors: 3 },
      { sensorId: 'a', binStart: at('10:29'), binEnd: at('10:30'), visitors: 4 },
      { sensorId: 'a', binStart: at('10:30'), binEnd: at('10:31'), visitors: 5 },
    ];
    const index = new BinIndex(bins);
    const range = { start: at('10:05'), end: at('10:30') };
    const within = index.within(range);
    // The 10:00-10:01 bin shares a quarter hour with the range without overlapping it: it adds nothing.
    expect(within.map((b) => b.visitors)).toEqual([1, 2, 3, 4]);
    // The same figures as from every bin.
    expect(footfallIn(within, range, ['a', 'b'])).toEqual(footfallIn(bins, range, ['a', 'b']));
    expect(index.within({ start: at('12:00'), end: at('12:15') })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { inHqCurrency, rankingWorth, uncountedBound } from '../src/money.js';

describe('amounts in HQ\'s currency', () => {
  const hq = { currency: 'EUR', rates: { RUB: 0.01, MXN: 0 } };

  it('converts by HQ\'s rate, its own currency at 1, and gives null without a usable rate', () => {
    expect(inHqCurrency(50_000, 'RUB', hq)).toBe(500);
    expect(inHqCurrency(5_000, 'EUR', hq)).toBe(5_000);
    expect(inHqCurrency(10, 'MXN', hq)).toBeNull();
    expect(inHqCurrency(10, 'GBP', hq)).toBeNull();
    expect(inHqCurrency(10, 'EUR', null)).toBeNull();
  });

  it('ranks by that worth where known, else by the amount as it is', () => {
    expect(rankingWorth(50_000, 'RUB', hq)).toBeLessThan(rankingWorth(5_000, 'EUR', hq));
    expect(rankingWorth(50_000, 'RUB', null)).toBe(50_000);
  });
});

describe('a loss not counted yet', () => {
  const offline = ['capacity_assumed'];

  it('bounds an open store offline with nothing counted by its band\'s high', () => {
    expect(uncountedBound(true, { gross: 0, high: 240 }, offline)).toBe(240);
  });

  it('has no bound once something is counted, the incident is over, nothing could be lost, or the tills were seen', () => {
    expect(uncountedBound(true, { gross: 12, high: 240 }, offline)).toBeNull();
    expect(uncountedBound(false, { gross: 0, high: 240 }, offline)).toBeNull();
    expect(uncountedBound(true, { gross: 0, high: 0 }, offline)).toBeNull();
    expect(uncountedBound(true, { gross: 0, high: 240 }, ['counter_gap'])).toBeNull();
  });
});

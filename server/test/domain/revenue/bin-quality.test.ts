import { describe, expect, it } from 'vitest';
import { checkFootfallBin, checkSalesBin, confidenceOf } from '../../../src/domain/revenue/index.js';

const t = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
const now = t('10:20');
const foot = (from: string, to: string, visitors: number) => ({ sensorId: 'd', binStart: t(from), binEnd: t(to), visitors });
const sale = (from: string, to: string, transactions: number, revenue: number) => ({
  tillId: '1',
  binStart: t(from),
  binEnd: t(to),
  transactions,
  revenue,
});

describe('footfall bin checks', () => {
  it('accepts a plain bin', () => {
    expect(checkFootfallBin(foot('10:00', '10:15', 20), [], now)).toEqual({ action: 'accept' });
  });

  it('rejects negative and absurd counts', () => {
    expect(checkFootfallBin(foot('10:00', '10:15', -3), [], now)).toMatchObject({ action: 'reject', flag: 'counter_negative' });
    // 5000 in one minute is no door
    expect(checkFootfallBin(foot('10:00', '10:01', 5000), [], now)).toMatchObject({ action: 'reject', flag: 'counter_absurd' });
  });

  it('rejects a bin ending more than 5 min ahead of the receive time as clock skew', () => {
    expect(checkFootfallBin(foot('10:20', '10:26', 1), [], now)).toMatchObject({ action: 'reject', flag: 'clock_skew' });
    expect(checkFootfallBin(foot('10:19', '10:24', 1), [], now)).toEqual({ action: 'accept' });
  });

  it('rejects bins shorter than 10 s or longer than 15 min', () => {
    const tiny = { sensorId: 'd', binStart: t('10:00'), binEnd: t('10:00') + 5000, visitors: 0 };
    expect(checkFootfallBin(tiny, [], now)).toMatchObject({ action: 'reject', flag: 'bin_invalid' });
    expect(checkFootfallBin(foot('09:00', '10:00', 10), [], now)).toMatchObject({ action: 'reject', flag: 'bin_invalid' });
    expect(checkFootfallBin({ ...foot('10:00', '10:15', 1), binStart: Number.NaN }, [], now)).toMatchObject({
      flag: 'bin_invalid',
    });
  });

  it('ignores an exact duplicate, replaces a bin resent with the same bounds, rejects a mismatched overlap', () => {
    const held = [foot('09:45', '10:00', 5), foot('10:00', '10:15', 20)];
    expect(checkFootfallBin(foot('10:00', '10:15', 20), held, now)).toEqual({ action: 'ignore', flag: 'bin_duplicate' });
    expect(checkFootfallBin(foot('10:00', '10:15', 22), held, now)).toEqual({ action: 'replace', index: 1, flag: 'bin_replaced' });
    expect(checkFootfallBin(foot('10:05', '10:10', 2), held, now)).toMatchObject({ action: 'reject', flag: 'bin_overlap' });
  });
});

describe('sales bin checks', () => {
  const EUR_STORE = { currency: 'EUR', avgBasket: 30 };
  it('rejects negative values, a foreign currency and absurd counts', () => {
    expect(checkSalesBin(sale('10:00', '10:15', 3, -1), [], now, EUR_STORE)).toMatchObject({ flag: 'sales_negative' });
    expect(checkSalesBin({ ...sale('10:00', '10:15', 3, 90), currency: 'USD' }, [], now, EUR_STORE)).toMatchObject({
      flag: 'currency_mismatch',
    });
    expect(checkSalesBin(sale('10:00', '10:01', 400, 90), [], now, EUR_STORE)).toMatchObject({ flag: 'sales_absurd' });
    expect(checkSalesBin({ ...sale('10:00', '10:15', 3, 90), currency: 'EUR' }, [], now, EUR_STORE)).toEqual({ action: 'accept' });
  });

  it('rejects revenue with no transaction, and a basket far beyond the store\'s (an export in cents)', () => {
    expect(checkSalesBin(sale('10:00', '10:15', 0, 45), [], now, EUR_STORE)).toEqual({ action: 'reject', flag: 'sales_absurd', reason: 'revenue 45 with no transaction' });
    expect(checkSalesBin(sale('10:00', '10:15', 2, 6000), [], now, EUR_STORE)).toEqual({
      action: 'reject', flag: 'sales_absurd', reason: "3000 per transaction, over 50× the store's basket of 30 (amounts in cents?)",
    });
    // A big sale among others, and no sale at all, are sales.
    expect(checkSalesBin(sale('10:00', '10:15', 3, 1200), [], now, EUR_STORE)).toEqual({ action: 'accept' });
    expect(checkSalesBin(sale('10:00', '10:15', 0, 0), [], now, EUR_STORE)).toEqual({ action: 'accept' });
    expect(checkSalesBin(sale('10:00', '10:15', 1, 1500), [], now, EUR_STORE)).toEqual({ action: 'accept' });
  });

  it('tells a duplicate from a replacement', () => {
    const held = [sale('10:00', '10:15', 3, 90)];
    expect(checkSalesBin(sale('10:00', '10:15', 3, 90), held, now, EUR_STORE)).toMatchObject({ action: 'ignore' });
    expect(checkSalesBin(sale('10:00', '10:15', 4, 120), held, now, EUR_STORE)).toMatchObject({ action: 'replace', index: 0 });
  });
});

describe('confidence', () => {
  it('drops once per distinct flag and never below 0.1', () => {
    expect(confidenceOf([])).toBe(1);
    expect(confidenceOf(['clock_skew', 'clock_skew'])).toBe(0.9);
    expect(confidenceOf(['counter_silent', 'rates_fallback'])).toBe(0.65);
    expect(confidenceOf(['no_visitor_data', 'counter_silent', 'capacity_assumed', 'rates_fallback'])).toBe(0.1);
  });
});

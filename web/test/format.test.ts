import { describe, expect, it } from 'vitest';
import {
  currencyName,
  differsFromHq,
  formatAgo,
  formatCurrency,
  formatMoneyShort,
  formatNumber,
  formatRemaining,
  formatTime,
  formatTimeNear,
  weekdayNames,
} from '../src/lib/format.js';

// Intl puts no-break spaces (U+00A0, U+202F) in some locales; compare them as plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatting follows the locale', () => {
  it('shortens amounts for tiles: whole below a thousand, one decimal of thousands above', () => {
    expect(plain(formatMoneyShort('en', 26.78, 'GBP'))).toBe('£27');
    expect(plain(formatMoneyShort('en', 1234.5, 'EUR'))).toBe('€1.2K');
    expect(plain(formatMoneyShort('ru', 6745.25, 'RUB'))).toBe('6,7 тыс. ₽');
  });

  it('formats currency amounts per locale', () => {
    expect(plain(formatCurrency('en', 1234.5, 'EUR'))).toBe('€1,234.50');
    expect(plain(formatCurrency('ru', 1234.5, 'EUR'))).toBe('1 234,50 €');
    expect(plain(formatCurrency('es', 1234.5, 'EUR'))).toBe('1234,50 €');
    expect(plain(formatCurrency('es', 12345.5, 'MXN'))).toBe('12.345,50 MXN');
    expect(plain(formatCurrency('ru', 99, 'RUB'))).toBe('99,00 ₽');
  });

  it('formats numbers with each locale\'s grouping', () => {
    expect(plain(formatNumber('en', 12345))).toBe('12,345');
    expect(plain(formatNumber('ru', 12345))).toBe('12 345');
    expect(plain(formatNumber('es', 12345))).toBe('12.345');
  });

  it('names currencies in the reader\'s language', () => {
    expect(currencyName('ru', 'EUR')).toBe('евро');
    expect(currencyName('es', 'USD').toLowerCase()).toContain('dólar');
  });

  it('shows time in the store\'s own zone', () => {
    const at = Date.UTC(2026, 10, 23, 9, 5);
    expect(formatTime('en-GB', at, 'Europe/Madrid')).toBe('10:05');
    expect(formatTime('en-GB', at, 'Europe/Moscow')).toBe('12:05');
    expect(formatTime('en-GB', at, 'America/Mexico_City')).toBe('03:05');
  });

  it('adds the date to a time that is not on the same day as now, in the zone it is shown in', () => {
    const now = Date.UTC(2026, 10, 23, 20, 30);
    // 23:40 in Madrid is still today there; 01:40 in Moscow is already tomorrow.
    const soon = Date.UTC(2026, 10, 23, 22, 40);
    expect(formatTimeNear('en-GB', soon, now, 'Europe/Madrid')).toBe('23:40');
    expect(plain(formatTimeNear('en-GB', soon, now, 'Europe/Moscow'))).toBe('24 Nov 2026, 01:40');
    expect(plain(formatTimeNear('ru', Date.UTC(2026, 10, 22, 9, 5), now, 'Europe/Madrid'))).toBe('22 нояб. 2026 г., 10:05');
  });

  it('tells when a store\'s clock differs from HQ\'s', () => {
    const at = Date.UTC(2026, 10, 23, 9, 5);
    expect(differsFromHq('Europe/Madrid', 'Europe/Madrid', at)).toBe(false);
    expect(differsFromHq('Europe/Paris', 'Europe/Madrid', at)).toBe(false);
    expect(differsFromHq('Europe/Moscow', 'Europe/Madrid', at)).toBe(true);
  });

  it('says how long ago in the largest whole unit', () => {
    const now = Date.UTC(2026, 10, 23, 12, 0);
    expect(formatAgo('en', now - 5 * 60_000 - 10_000, now)).toBe('5 minutes ago');
    expect(formatAgo('ru', now - 2 * 3_600_000, now)).toBe('2 часа назад');
    expect(formatAgo('es', now - 3 * 86_400_000, now)).toBe('hace 3 días');
    expect(formatAgo('en', now, now)).toBe('now');
  });

  it('lists weekdays Monday first in the reader\'s language', () => {
    expect(weekdayNames('en')).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']);
    expect(weekdayNames('ru')[0]).toBe('понедельник');
    expect(weekdayNames('es')[6]).toBe('domingo');
  });

  it('says time left on a deadline in its two largest units, never as a clock reading', () => {
    const ms = (d: number, h: number, m: number, s = 0) => ((d * 24 + h) * 60 + m) * 60_000 + s * 1000;
    expect(plain(formatRemaining('en', ms(2, 14, 57, 59)))).toBe('2 days 14 hr');
    expect(plain(formatRemaining('ru', ms(2, 14, 57, 59)))).toBe('2 дн. 14 ч');
    expect(plain(formatRemaining('es', ms(2, 14, 57, 59)))).toBe('2 d 14 h');
    expect(plain(formatRemaining('en', ms(0, 0, 12, 41)))).toBe('12 min');
    expect(plain(formatRemaining('ru', ms(0, 3, 5)))).toBe('3 ч 5 мин');
    expect(plain(formatRemaining('es', ms(1, 0, 30)))).toBe('1 d');
    expect(plain(formatRemaining('en', ms(0, 0, 0, 45)))).toBe('45 sec');
    // Overdue is said the same way; the message around it says which.
    expect(plain(formatRemaining('en', -ms(0, 1, 0, 10)))).toBe('1 hr');
  });
});

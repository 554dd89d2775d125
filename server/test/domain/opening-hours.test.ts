import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { WeekHours } from '@storepulse/protocol';
import { isOpenAt, isValidHours, nextTransition, openIntervals } from '../../src/domain/opening-hours.js';

const madrid: WeekHours = { mon: '10:00-21:00', tue: '10:00-21:00', wed: '10:00-21:00', thu: '10:00-21:00', fri: '10:00-22:00', sat: '10:00-22:00', sun: null };
const allDay: WeekHours = { mon: '00:00-24:00', tue: '00:00-24:00', wed: '00:00-24:00', thu: '00:00-24:00', fri: '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' };
const nightly: WeekHours = { mon: '22:00-02:00', tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();

describe('opening hours in the store time zone', () => {
  it('opens and closes at local times', () => {
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-11-23T09:59', 'Europe/Madrid'))).toBe(false);
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-11-23T10:00', 'Europe/Madrid'))).toBe(true);
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-11-23T20:59', 'Europe/Madrid'))).toBe(true);
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-11-23T21:00', 'Europe/Madrid'))).toBe(false);
  });
  it('is closed all day on a null day and on a holiday', () => {
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-11-22T12:00', 'Europe/Madrid'))).toBe(false);
    expect(isOpenAt(madrid, 'Europe/Madrid', at('2026-12-08T12:00', 'Europe/Madrid'), ['2026-12-08'])).toBe(false);
  });
  it('is open around the clock with 00:00-24:00, in a far-east zone', () => {
    const week = openIntervals(allDay, 'Asia/Vladivostok', at('2026-11-23T00:00', 'UTC'), at('2026-11-30T00:00', 'UTC'));
    expect(week).toEqual([{ start: at('2026-11-23T00:00', 'UTC'), end: at('2026-11-30T00:00', 'UTC') }]);
  });
  it('runs past midnight when the end is before the start', () => {
    expect(isOpenAt(nightly, 'Europe/Madrid', at('2026-11-24T01:30', 'Europe/Madrid'))).toBe(true);
    expect(isOpenAt(nightly, 'Europe/Madrid', at('2026-11-24T02:00', 'Europe/Madrid'))).toBe(false);
  });
  it('keeps local hours across the October DST change (a 25-hour day)', () => {
    // 2026-10-25 is the last Sunday of October: Madrid goes from UTC+2 to UTC+1 at 03:00 local.
    const sunday: WeekHours = { ...madrid, sun: '10:00-21:00' };
    const [day] = openIntervals(sunday, 'Europe/Madrid', at('2026-10-25T00:00', 'Europe/Madrid'), at('2026-10-25T23:59', 'Europe/Madrid'));
    expect(day).toEqual({ start: Date.parse('2026-10-25T09:00:00Z'), end: Date.parse('2026-10-25T20:00:00Z') });
    const [whole] = openIntervals(allDay, 'Europe/Madrid', at('2026-10-25T00:00', 'Europe/Madrid'), at('2026-10-26T00:00', 'Europe/Madrid'));
    expect((whole!.end - whole!.start) / 3600_000).toBe(25);
    const shop = openIntervals(madrid, 'Europe/Madrid', at('2026-10-23T00:00', 'Europe/Madrid'), at('2026-10-27T00:00', 'Europe/Madrid'));
    // Friday 10:00 local was 08:00 UTC (summer); Monday 10:00 local is 09:00 UTC (winter).
    expect(shop.map((i) => new Date(i.start).toISOString())).toEqual([
      '2026-10-23T08:00:00.000Z',
      '2026-10-24T08:00:00.000Z',
      '2026-10-26T09:00:00.000Z',
    ]);
  });
  it('does not stay open all day when an opening falls in the hour the spring DST change skips', () => {
    // 29 March 2026 in Madrid: 02:00 jumps to 03:00, so 02:00-03:00 does not happen that night.
    const small: WeekHours = { ...madrid, sun: '02:00-03:00' };
    expect(openIntervals(small, 'Europe/Madrid', at('2026-03-29T00:00', 'Europe/Madrid'), at('2026-03-30T00:00', 'Europe/Madrid'))).toEqual([]);
    expect(isOpenAt(small, 'Europe/Madrid', at('2026-03-29T12:00', 'Europe/Madrid'))).toBe(false);
    expect(openIntervals(small, 'Europe/Madrid', at('2026-04-05T00:00', 'Europe/Madrid'), at('2026-04-06T00:00', 'Europe/Madrid'))).toEqual([
      { start: Date.parse('2026-04-05T00:00:00Z'), end: Date.parse('2026-04-05T01:00:00Z') },
    ]);
  });
  it('finds the next opening or closing', () => {
    const t = at('2026-11-23T09:00', 'Europe/Madrid');
    expect(nextTransition(madrid, 'Europe/Madrid', t)).toBe(at('2026-11-23T10:00', 'Europe/Madrid'));
    expect(nextTransition(madrid, 'Europe/Madrid', at('2026-11-23T12:00', 'Europe/Madrid'))).toBe(at('2026-11-23T21:00', 'Europe/Madrid'));
  });
  it('validates hour ranges', () => {
    expect(isValidHours('10:00-21:00')).toBe(true);
    expect(isValidHours('00:00-24:00')).toBe(true);
    expect(isValidHours('24:00-10:00')).toBe(false);
    expect(isValidHours('10:00-24:30')).toBe(false);
    expect(isValidHours('9:00-21:00')).toBe(false);
  });
});

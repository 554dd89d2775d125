import { describe, expect, it } from 'vitest';
import type { WeekHours } from '@storepulse/protocol';
import { addCountedTime, elapsedMs, type SlaCalendar } from '../../../src/domain/sla/clock.js';
import { targetStatus, thresholdAt } from '../../../src/domain/sla/status.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const utc = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const madridHours: WeekHours = {
  mon: '10:00-22:00', tue: '10:00-22:00', wed: '10:00-22:00', thu: '10:00-22:00',
  fri: '10:00-22:00', sat: '10:00-22:00', sun: '10:00-20:00',
};
const madrid = (hours: WeekHours = madridHours, holidays: string[] = []): SlaCalendar => ({
  clock: 'store_hours', hours, timezone: 'Europe/Madrid', holidays,
});

describe('SLA clock in store hours, Europe/Madrid', () => {
  // 2026-10-25 03:00 CEST becomes 02:00 CET: Saturday closes at 20:00Z, Sunday opens at 09:00Z.
  it('carries a due time across the October DST change into the next opening', () => {
    const opened = at('2026-10-24T19:00:00Z'); // Saturday 21:00 CEST, one hour before closing
    expect(utc(addCountedTime(madrid(), opened, 2 * H))).toBe('2026-10-25T10:00:00.000Z'); // Sunday 11:00 CET
    expect(elapsedMs(madrid(), opened, at('2026-10-25T12:00:00Z'))).toBe(4 * H);
  });

  it('counts the extra hour of an overnight opening on the night the clocks go back', () => {
    const night: WeekHours = { ...madridHours, sat: '20:00-06:00' };
    // Saturday 20:00 CEST (18:00Z) to Sunday 06:00 CET (05:00Z) is 11 real hours.
    expect(elapsedMs(madrid(night), at('2026-10-24T12:00:00Z'), at('2026-10-25T08:00:00Z'))).toBe(11 * H);
  });

  it('loses the hour of the March change the same way', () => {
    const night: WeekHours = { ...madridHours, sat: '20:00-06:00' };
    // Saturday 2026-03-28 20:00 CET (19:00Z) to Sunday 06:00 CEST (04:00Z) is 9 real hours.
    expect(elapsedMs(madrid(night), at('2026-03-28T12:00:00Z'), at('2026-03-29T07:00:00Z'))).toBe(9 * H);
    // Half an hour before Saturday's 22:00 CET closing, the other half after Sunday's 10:00 CEST (08:00Z) opening.
    expect(utc(addCountedTime(madrid(), at('2026-03-28T20:30:00Z'), H))).toBe('2026-03-29T08:30:00.000Z');
  });

  it('24x7 counts real time across the change', () => {
    expect(elapsedMs({ clock: '24x7' }, at('2026-10-24T22:00:00Z'), at('2026-10-25T04:00:00Z'))).toBe(6 * H);
    expect(utc(addCountedTime({ clock: '24x7' }, at('2026-10-24T22:00:00Z'), 8 * H))).toBe('2026-10-25T06:00:00.000Z');
  });

  it('follows an opening that runs past midnight', () => {
    const bar: WeekHours = { mon: '18:00-02:00', tue: '18:00-02:00', wed: '18:00-02:00', thu: '18:00-02:00', fri: null, sat: null, sun: null };
    // Tuesday 01:00 CET (00:00Z): one hour left tonight, the other from Tuesday 18:00 CET.
    const opened = at('2026-11-10T00:00:00Z');
    expect(utc(addCountedTime(madrid(bar), opened, 2 * H))).toBe('2026-11-10T18:00:00.000Z');
    expect(elapsedMs(madrid(bar), opened, at('2026-11-10T20:00:00Z'))).toBe(4 * H);
  });

  it('skips a holiday entirely', () => {
    // Friday 2026-12-04 21:00 CET, with Saturday 12-05 a holiday and Sunday a normal day.
    const opened = at('2026-12-04T20:00:00Z');
    expect(utc(addCountedTime(madrid(madridHours, ['2026-12-05']), opened, 3 * H))).toBe('2026-12-06T11:00:00.000Z');
    expect(utc(addCountedTime(madrid(), opened, 3 * H))).toBe('2026-12-05T11:00:00.000Z');
    expect(elapsedMs(madrid(madridHours, ['2026-12-05']), opened, at('2026-12-06T09:00:00Z'))).toBe(1 * H);
  });

  it('has no due time for a store that never opens', () => {
    const shut: WeekHours = { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
    expect(addCountedTime(madrid(shut), at('2026-11-10T10:00:00Z'), H)).toBeNull();
  });
});

describe('SLA clock while paused (waiting for the store)', () => {
  const opened = at('2026-11-10T09:00:00Z'); // Tuesday 10:00 CET, store just opened

  it('moves the due time by the paused open hours only', () => {
    const inHours = [{ start: at('2026-11-10T10:00:00Z'), end: at('2026-11-10T11:30:00Z') }];
    expect(utc(addCountedTime(madrid(), opened, 4 * H, inHours))).toBe('2026-11-10T14:30:00.000Z');
    // A pause while the store is closed costs nothing.
    const overnight = [{ start: at('2026-11-10T22:00:00Z'), end: at('2026-11-11T08:00:00Z') }];
    expect(utc(addCountedTime(madrid(), opened, 4 * H, overnight))).toBe('2026-11-10T13:00:00.000Z');
  });

  it('freezes elapsed time and reports paused while the pause runs', () => {
    const t = { goalMs: 4 * H, startMs: opened, stopMs: null, pauses: [{ start: at('2026-11-10T10:00:00Z'), end: null }] };
    const s = targetStatus(madrid(), t, at('2026-11-10T15:00:00Z'));
    expect(s.paused).toBe(true);
    expect(s.elapsedMs).toBe(1 * H);
    expect(s.remainingMs).toBe(3 * H);
    expect(s.breached).toBe(false);
    // Due if the clock resumed now: three counted hours from 15:00Z.
    expect(utc(s.dueAt)).toBe('2026-11-10T18:00:00.000Z');
    expect(thresholdAt(madrid(), t, 1)).toBeNull();
  });
});

describe('targetStatus', () => {
  const opened = at('2026-11-10T09:00:00Z');
  const base = { goalMs: 4 * H, startMs: opened, stopMs: null, pauses: [] };

  it('reports elapsed, remaining, share and breach as time passes', () => {
    const half = targetStatus(madrid(), base, at('2026-11-10T11:00:00Z'));
    expect(half).toMatchObject({ elapsedMs: 2 * H, remainingMs: 2 * H, fraction: 0.5, breached: false, stopped: false, paused: false });
    expect(utc(half.dueAt)).toBe('2026-11-10T13:00:00.000Z');
    const late = targetStatus(madrid(), base, at('2026-11-10T14:00:00Z'));
    expect(late).toMatchObject({ remainingMs: -1 * H, breached: true });
  });

  it('stops counting when met, and is not breached if met in time', () => {
    const met = targetStatus(madrid(), { ...base, stopMs: at('2026-11-10T12:00:00Z') }, at('2026-11-11T12:00:00Z'));
    expect(met).toMatchObject({ elapsedMs: 3 * H, stopped: true, breached: false });
  });

  it('gives the moments the 50 % and 75 % warnings are due', () => {
    expect(utc(thresholdAt(madrid(), base, 0.5))).toBe('2026-11-10T11:00:00.000Z');
    expect(utc(thresholdAt(madrid(), base, 0.75))).toBe('2026-11-10T12:00:00.000Z');
  });
});

import { describe, expect, it } from 'vitest';
import { activeMaintenance, type MaintenanceWindow, maintenanceIntervals, maintenanceProblem, maintenanceSchedule, maintenanceWarnings, storeGroups } from '../../../src/domain/incidents/index.js';

const madrid = { id: 's1', timezone: 'Europe/Madrid', groups: ['north'] };
const span = (a: string, b: string) => ({ start: Date.parse(a), end: Date.parse(b) });

describe('maintenance windows', () => {
  it('places a recurring window on local wall time on both DST days', () => {
    const w = { id: 'w', groups: ['north'], recurrence: { weekdays: ['sun' as const], hours: '08:00-10:00' } };
    // spring forward (UTC+1 → UTC+2) and fall back (UTC+2 → UTC+1) in 2026
    expect(maintenanceIntervals([w], madrid, Date.parse('2026-03-29T00:00:00Z'), Date.parse('2026-03-30T00:00:00Z'))).toEqual([
      span('2026-03-29T06:00:00Z', '2026-03-29T08:00:00Z'),
    ]);
    expect(maintenanceIntervals([w], madrid, Date.parse('2026-10-25T00:00:00Z'), Date.parse('2026-10-26T00:00:00Z'))).toEqual([
      span('2026-10-25T07:00:00Z', '2026-10-25T09:00:00Z'),
    ]);
  });

  it('drops a nightly window that falls in the hour the spring DST change skips instead of stretching it over the whole day', () => {
    // 29 March 2026 in Madrid: 02:00 jumps to 03:00. The window did not happen; the store's day is not maintenance.
    const nightly = { id: 'n', storeIds: ['s1'], recurrence: { weekdays: ['sat' as const, 'sun' as const, 'mon' as const], hours: '02:00-03:00' } };
    const day = (from: string, to: string) => maintenanceIntervals([nightly], madrid, Date.parse(from), Date.parse(to));
    expect(day('2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([]);
    expect(activeMaintenance([nightly], madrid, Date.parse('2026-03-29T12:00:00Z'))).toBeNull();
    expect(day('2026-03-28T00:00:00Z', '2026-03-29T00:00:00Z')).toEqual([span('2026-03-28T01:00:00Z', '2026-03-28T02:00:00Z')]);
    expect(day('2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([span('2026-03-30T00:00:00Z', '2026-03-30T01:00:00Z')]);
    // A start in the skipped hour moves forward by it: 02:30-04:00 runs 03:30-04:00 that night.
    const late = { ...nightly, recurrence: { ...nightly.recurrence, hours: '02:30-04:00' } };
    expect(maintenanceIntervals([late], madrid, Date.parse('2026-03-29T00:00:00Z'), Date.parse('2026-03-30T00:00:00Z'))).toEqual([
      span('2026-03-29T01:30:00Z', '2026-03-29T02:00:00Z'),
    ]);
  });

  it('runs a window past midnight into the next day', () => {
    const w = { id: 'w', storeIds: ['s1'], recurrence: { weekdays: ['sat' as const], hours: '22:00-02:00' } };
    const at = Date.parse('2026-11-29T00:30:00Z'); // Sunday 01:30 in Madrid
    expect(activeMaintenance([w], madrid, at)?.id).toBe('w');
    expect(activeMaintenance([w], madrid, Date.parse('2026-11-29T01:30:00Z'))).toBeNull();
  });

  it('reads one-off times as store-local unless they carry a zone', () => {
    const local = { id: 'a', storeIds: ['s1'], start: '2026-11-23T10:00', end: '2026-11-23T12:00' };
    const instant = { id: 'b', storeIds: ['s1'], start: '2026-11-24T10:00:00Z', end: '2026-11-24T11:00:00Z' };
    expect(maintenanceIntervals([local, instant], madrid, Date.parse('2026-11-23T00:00:00Z'), Date.parse('2026-11-25T00:00:00Z'))).toEqual([
      span('2026-11-23T09:00:00Z', '2026-11-23T11:00:00Z'),
      span('2026-11-24T10:00:00Z', '2026-11-24T11:00:00Z'),
    ]);
  });

  it('covers only the stores and groups it names', () => {
    const w = { id: 'w', storeIds: ['s9'], groups: ['south'], start: '2026-11-23T00:00', end: '2026-11-24T00:00' };
    expect(activeMaintenance([w], madrid, Date.parse('2026-11-23T12:00:00Z'))).toBeNull();
    expect(activeMaintenance([w], { ...madrid, groups: ['south'] }, Date.parse('2026-11-23T12:00:00Z'))?.id).toBe('w');
  });

  it('covers nothing before its `since`: a window declared after the fact starts when it was saved', () => {
    const saved = Date.parse('2026-11-23T12:45:00Z');
    const oneOff: MaintenanceWindow = { id: 'a', storeIds: ['s1'], start: '2026-11-23T13:00', end: '2026-11-23T15:00', since: saved };
    const daily: MaintenanceWindow = { id: 'b', storeIds: ['s1'], recurrence: { weekdays: ['mon', 'tue'], hours: '13:00-15:00' }, since: saved };
    const day = [Date.parse('2026-11-23T00:00:00Z'), Date.parse('2026-11-25T00:00:00Z')] as const;
    // 13:00-15:00 in Madrid is 12:00-14:00 UTC: the part before 12:45 stays trading time, and later days are whole.
    expect(maintenanceIntervals([oneOff], madrid, ...day)).toEqual([span('2026-11-23T12:45:00Z', '2026-11-23T14:00:00Z')]);
    expect(maintenanceIntervals([daily], madrid, ...day)).toEqual([span('2026-11-23T12:45:00Z', '2026-11-23T14:00:00Z'), span('2026-11-24T12:00:00Z', '2026-11-24T14:00:00Z')]);
    expect(activeMaintenance([oneOff], madrid, Date.parse('2026-11-23T12:30:00Z'))).toBeNull();
    expect(activeMaintenance([oneOff], madrid, Date.parse('2026-11-23T12:50:00Z'))?.id).toBe('a');
    // Saved after it ended: it covers nothing at all.
    expect(maintenanceIntervals([{ ...oneOff, since: Date.parse('2026-11-23T16:00:00Z') }], madrid, ...day)).toEqual([]);
  });

  it('explains what is wrong with a bad window', () => {
    expect(maintenanceProblem({ id: 'w', start: '2026-11-23T10:00', end: '2026-11-23T11:00' })).toMatch(/storeIds or groups/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'] })).toMatch(/one-off|recurring/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], start: 'soon', end: 'later' })).toMatch(/ISO/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], start: '2026-11-23T11:00', end: '2026-11-23T10:00' })).toMatch(/end must be after start/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], start: '2026-11-23T10:00Z', end: '2026-11-23T10:00+00:00' })).toMatch(/end must be after start/);
    // A local start and an instant end compare only in each store's zone, so they are not refused here.
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], start: '2026-11-23T09:30', end: '2026-11-23T10:00Z' })).toBeNull();
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], recurrence: { weekdays: [], hours: '10:00-11:00' } })).toMatch(/weekdays/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], recurrence: { weekdays: ['mon'], hours: '25:00-26:00' } })).toMatch(/HH:MM/);
    expect(maintenanceProblem({ id: 'w', storeIds: ['s1'], recurrence: { weekdays: ['mon'], hours: '10:00-11:00' } })).toBeNull();
  });

  it('says which stores and groups a window names that no configured store answers to, and nothing when all do', () => {
    const stores = [madrid, { id: 's2', timezone: 'Europe/Madrid', groups: ['north', 'malls'] }, { id: 's3', timezone: 'Asia/Vladivostok' }];
    const once = { start: '2026-12-06T22:00', end: '2026-12-07T02:00' };
    expect(maintenanceWarnings({ id: 'w', storeIds: ['s1', 's3'], groups: ['north', 'malls'], ...once }, stores)).toEqual([]);
    expect(maintenanceWarnings({ id: 'w', storeIds: ['s1', 's9'], groups: ['north', 'nrth'], ...once }, stores)).toEqual([
      { code: 'store_not_configured', subject: 's9', message: 'store s9 is not configured: the window covers it once it is' },
      { code: 'group_without_stores', subject: 'nrth', message: 'no configured store is in group nrth: the window covers nothing there until one is' },
    ]);
    // A group is a store's, not a window's: one named only by another window is still empty.
    expect(maintenanceWarnings({ id: 'w', groups: ['south'], ...once }, stores).map((w) => w.code)).toEqual(['group_without_stores']);
  });

  it('lists the groups stores are in, by name, each with its stores', () => {
    const stores = [{ id: 's2', timezone: 'UTC', groups: ['north', 'malls'] }, madrid, { id: 's3', timezone: 'UTC' }];
    expect(storeGroups(stores)).toEqual([{ group: 'malls', storeIds: ['s2'] }, { group: 'north', storeIds: ['s1', 's2'] }]);
    expect(storeGroups([{ id: 's3', timezone: 'UTC' }])).toEqual([]);
  });

  it('says which window a store is in now and when its maintenance ends, windows that run on merged', () => {
    // Saturday 22:00-02:00 in Madrid (UTC+1 in December), and a one-off that carries it on to 04:00.
    const nightly = { id: 'nightly', groups: ['north'], recurrence: { weekdays: ['sat' as const], hours: '22:00-02:00' } };
    const refit = { id: 'refit', storeIds: ['s1'], start: '2026-12-06T01:30', end: '2026-12-06T04:00' };
    const at = (iso: string) => Date.parse(iso);
    const nowOf = (windows: MaintenanceWindow[], t: number, store = madrid) => maintenanceSchedule(windows, [store], t).now.get(store.id) ?? null;
    expect(nowOf([nightly], at('2026-12-05T23:00:00Z'))).toEqual({ windowId: 'nightly', until: at('2026-12-06T01:00:00Z') });
    expect(nowOf([nightly, refit], at('2026-12-05T23:00:00Z'))).toEqual({ windowId: 'nightly', until: at('2026-12-06T03:00:00Z') });
    expect(nowOf([nightly, refit], at('2026-12-06T02:00:00Z'))).toEqual({ windowId: 'refit', until: at('2026-12-06T03:00:00Z') });
    expect(nowOf([nightly, refit], at('2026-12-06T03:00:00Z'))).toBeNull();
    expect(nowOf([nightly], at('2026-12-05T23:00:00Z'), { ...madrid, groups: [] })).toBeNull();
  });

  it("says when the stores' maintenance next changes: a window of theirs starting or ending, whichever comes first", () => {
    const nightly: MaintenanceWindow = { id: 'nightly', groups: ['north'], recurrence: { weekdays: ['sat'], hours: '22:00-02:00' } };
    const refit: MaintenanceWindow = { id: 'refit', storeIds: ['s1'], start: '2026-12-06T01:30', end: '2026-12-06T04:00' };
    const lisbon = { id: 's2', timezone: 'Europe/Lisbon', groups: ['north'] };
    const at = (iso: string) => Date.parse(iso);
    // Saturday 20:00 UTC: nobody in yet; Madrid's window starts at 21:00 UTC, Lisbon's (an hour behind) at 22:00.
    const before = maintenanceSchedule([nightly, refit], [madrid, lisbon], at('2026-12-05T20:00:00Z'));
    expect(before.now.size).toBe(0);
    expect(before.nextChange).toBe(at('2026-12-05T21:00:00Z'));
    // Inside both: the refit's start moves Madrid's store from one window to the other, the first change to come.
    const during = maintenanceSchedule([nightly, refit], [madrid, lisbon], at('2026-12-05T22:30:00Z'));
    expect(Object.fromEntries(during.now)).toEqual({
      s1: { windowId: 'nightly', until: at('2026-12-06T03:00:00Z') },
      s2: { windowId: 'nightly', until: at('2026-12-06T02:00:00Z') },
    });
    expect(during.nextChange).toBe(at('2026-12-06T00:30:00Z'));
    // A store no window covers never asks to be looked at again before the lookahead.
    const none = maintenanceSchedule([refit], [lisbon], at('2026-12-05T20:00:00Z'));
    expect(none).toEqual({ now: new Map(), nextChange: at('2026-12-05T20:00:00Z') + 8 * 86_400_000 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildBaselineProfile,
  expectedVisitors,
  incidentLevel,
  todayLevel,
  type BaselineProfile,
  type FootfallBin,
} from '../../../src/domain/revenue/index.js';

const Q = 15 * 60_000;
const at = (iso: string) => Date.parse(iso);
const quarter = (iso: string, visitors: number): FootfallBin => ({ sensorId: 'door', binStart: at(iso), binEnd: at(iso) + Q, visitors });

// Mondays before Monday 2026-11-23 in Madrid; DST ended on 25 October, so 10:00 local is 09:00Z
// in November but 08:00Z on 19 and 12 October.
const history = [
  quarter('2026-11-16T09:00:00Z', 10),
  quarter('2026-11-09T09:00:00Z', 20),
  quarter('2026-11-02T09:00:00Z', 30),
  quarter('2026-10-26T09:00:00Z', 40),
  quarter('2026-10-19T08:00:00Z', 50),
  quarter('2026-10-12T08:00:00Z', 60),
  // 11:00 local on a summer-time Monday: a different slot, with too few samples to stand.
  quarter('2026-10-19T09:00:00Z', 1000),
  // Seven weeks back: outside the window.
  quarter('2026-10-05T08:00:00Z', 5000),
];
const base = { footfall: history, timezone: 'Europe/Madrid', asOf: at('2026-11-23T12:00:00Z') };

describe('baseline profile', () => {
  it('takes the median of the same local weekday and slot over 6 weeks, across a DST change', () => {
    const p = buildBaselineProfile(base);
    expect(p.slots['1-10:00']).toEqual({ median: 35, p25: 22.5, p75: 47.5, samples: 6 });
    expect(p.slots['1-11:00']).toBeUndefined();
  });

  it('leaves out slots touching an incident and listed holidays', () => {
    const p = buildBaselineProfile({
      ...base,
      excluded: [{ start: at('2026-11-16T09:10:00Z'), end: at('2026-11-16T09:40:00Z') }],
      holidays: ['2026-11-09'],
    });
    expect(p.slots['1-10:00']).toMatchObject({ median: 45, samples: 4 });
  });

  it('leaves out slots the counter covered only in part', () => {
    const partial = history.map((b) => (b.binStart === at('2026-11-02T09:00:00Z') ? { ...b, binEnd: b.binStart + 5 * 60_000 } : b));
    expect(buildBaselineProfile({ ...base, footfall: partial }).slots['1-10:00']).toMatchObject({ median: 40, samples: 5 });
  });

  it('keeps no slot with fewer samples than the minimum', () => {
    const p = buildBaselineProfile({ ...base, footfall: history.slice(0, 2) });
    expect(p.slots).toEqual({});
  });
});

// A Monday profile in UTC: 10 visitors per quarter from 08:00 to 10:00, then 40 and 20.
const profile: BaselineProfile = {
  timezone: 'UTC',
  slots: {
    ...Object.fromEntries(
      ['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45'].map((s) => [
        `1-${s}`,
        { median: 10, p25: 8, p75: 12, samples: 6 },
      ]),
    ),
    '1-10:00': { median: 40, p25: 30, p75: 50, samples: 6 },
    '1-10:15': { median: 20, p25: 15, p75: 30, samples: 6 },
  },
};
const morning = (perQuarter: number) =>
  Array.from({ length: 8 }, (_, i) => quarter(new Date(at('2026-11-23T08:00:00Z') + i * Q).toISOString(), perQuarter));

describe("today's level", () => {
  it('is actual ÷ baseline over the 2 h before, clamped', () => {
    const ten = at('2026-11-23T10:00:00Z');
    expect(todayLevel(profile, morning(15), ten)).toEqual({ k: 1.5, raw: 1.5 });
    expect(todayLevel(profile, morning(40), ten)).toEqual({ k: 2, raw: 4 });
    expect(todayLevel(profile, morning(2), ten)).toEqual({ k: 0.5, raw: 0.2 });
  });

  it('compares a quarter the counter covered in part with the same part of the baseline', () => {
    // The counter missed the last 45 s of each quarter (95 % covered) of a day just like the baseline.
    const partly = morning(9.5).map((b) => ({ ...b, binEnd: b.binStart + 0.95 * Q }));
    const level = todayLevel(profile, partly, at('2026-11-23T10:00:00Z'));
    expect(level.raw).toBeCloseTo(1, 9);
    expect(level.k).toBeCloseTo(1, 9);
  });

  it('stays 1 when there is nothing to compare', () => {
    expect(todayLevel(profile, [], at('2026-11-23T10:00:00Z'))).toEqual({ k: 1, raw: null });
  });
});

describe("an incident's level", () => {
  const incident = { start: at('2026-11-23T08:00:00Z'), end: at('2026-11-23T08:30:00Z') };
  const afterUntil = at('2026-11-23T09:30:00Z');
  // 15 a quarter against the baseline's 10 from 08:30 on.
  const after = Array.from({ length: 4 }, (_, i) => quarter(new Date(at('2026-11-23T08:30:00Z') + i * Q).toISOString(), 15));

  it('is measured before the incident when there was enough to go on', () => {
    // 5 a quarter over the hour before 09:00 (0.5), 15 after recovery (1.5): the hour before counts.
    const nine = { start: at('2026-11-23T09:00:00Z'), end: at('2026-11-23T09:15:00Z') };
    const later = ['09:15', '09:30', '09:45'].map((t) => quarter(`2026-11-23T${t}:00Z`, 15));
    const footfall = [...morning(5).slice(0, 4), ...later];
    expect(incidentLevel(profile, later, nine, at('2026-11-23T10:00:00Z'))).toMatchObject({ k: 1.5, afterRecovery: true });
    expect(incidentLevel(profile, footfall, nine, at('2026-11-23T10:00:00Z'))).toEqual({ k: 0.5, raw: 0.5, afterRecovery: false });
  });

  it('is measured after recovery when nothing came before (just opened, or the counter was silent)', () => {
    expect(incidentLevel(profile, after, incident, afterUntil)).toEqual({ k: 1.5, raw: 1.5, afterRecovery: true });
  });

  it('stays 1 while the after-recovery window is not in, or holds nothing either', () => {
    expect(incidentLevel(profile, after, incident, null)).toEqual({ k: 1, raw: null, afterRecovery: false });
    expect(incidentLevel(profile, [], incident, afterUntil)).toEqual({ k: 1, raw: null, afterRecovery: false });
  });
});

describe('expected visitors', () => {
  it('scales the baseline by the level, pro rata within a slot', () => {
    const e = expectedVisitors(profile, { start: at('2026-11-23T10:00:00Z'), end: at('2026-11-23T10:20:00Z') }, 1.5, null);
    // 40 × 1.5 + 20 × 1.5 × 5/15
    expect(e.visitors).toBeCloseTo(70);
    expect(e.low).toBeCloseTo(30 * 1.5 + 15 * 1.5 / 3);
    expect(e.high).toBeCloseTo(50 * 1.5 + 30 * 1.5 / 3);
    expect(e.fallbackShare).toBe(0);
  });

  it("falls back to the store's default where history is short, and says so", () => {
    const range = { start: at('2026-11-23T12:00:00Z'), end: at('2026-11-23T12:30:00Z') };
    expect(expectedVisitors(profile, range, 1.5, 80)).toMatchObject({ visitors: 40, low: 20, high: 60, fallbackShare: 1 });
    expect(expectedVisitors(null, range, 1, null)).toMatchObject({ visitors: 0, missingShare: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { WEEKDAYS, isValidId } from '@storepulse/protocol';
import { generateFleet } from '../src/index.js';

const HOURS = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

describe('generateFleet', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generateFleet({ stores: 20, seed: 7 })).toEqual(generateFleet({ stores: 20, seed: 7 }));
    expect(generateFleet({ stores: 20, seed: 8 })).not.toEqual(generateFleet({ stores: 20, seed: 7 }));
  });

  it('spreads any three stores over three time zones and three currencies', () => {
    for (const seed of [1, 2, 3, 42, 1234]) {
      const fleet = generateFleet({ stores: 3, seed });
      expect(new Set(fleet.map((s) => s.timezone)).size).toBe(3);
      expect(new Set(fleet.map((s) => s.currency)).size).toBe(3);
    }
  });

  it('gives valid ids, tills, hours, conversion and basket', () => {
    const fleet = generateFleet({ stores: 150, seed: 5, tillsPerStore: 4 });
    expect(fleet[0]!.id).toBe('S001');
    expect(fleet[149]!.id).toBe('S150');
    expect(new Set(fleet.map((s) => s.id)).size).toBe(150);
    expect(new Set(fleet.map((s) => s.name)).size).toBe(150);
    for (const s of fleet) {
      expect(isValidId(s.id)).toBe(true);
      expect(s.tills).toEqual(['T1', 'T2', 'T3', 'T4']);
      expect(Intl.supportedValuesOf('timeZone')).toContain(s.timezone);
      expect(s.currency).toMatch(/^[A-Z]{3}$/);
      expect(s.conversion).toBeGreaterThanOrEqual(0.15);
      expect(s.conversion).toBeLessThanOrEqual(0.35);
      expect(s.avgBasket).toBeGreaterThan(0);
      for (const d of WEEKDAYS) if (s.hours[d] !== null) expect(s.hours[d]).toMatch(HOURS);
      expect(WEEKDAYS.filter((d) => s.hours[d] !== null).length).toBeGreaterThanOrEqual(6);
    }
  });

  it('varies till counts from 2 to 6 when not given, and uses 5-digit ids for big fleets', () => {
    const fleet = generateFleet({ stores: 10_000, seed: 3 });
    const counts = new Set(fleet.map((s) => s.tills.length));
    expect([...counts].sort()).toEqual([2, 3, 4, 5, 6]);
    expect(fleet[9_999]!.id).toBe('S10000');
    expect(fleet[0]!.id).toBe('S00001');
  });

  it('refuses nonsense sizes', () => {
    expect(() => generateFleet({ stores: -1 })).toThrow(/stores/);
    expect(() => generateFleet({ stores: 2, tillsPerStore: 0 })).toThrow(/tillsPerStore/);
  });
});

import { describe, expect, it } from 'vitest';
import { generateFleet } from '@storepulse/agents';
import { demoProviders } from '../../src/bin/demo-providers.js';

const fleet = generateFleet({ stores: 24, tillsPerStore: 4, seed: 42 });
const citiesOf = (currencies: string[]) => [...new Set(fleet.filter((s) => currencies.includes(s.currency)).map((s) => s.city))].sort();
const pilot = (at: string) => {
  const { list, pilotArea } = demoProviders(fleet, Date.parse(at));
  return { area: pilotArea, cities: [...list.find((x) => x.id === 'pilot')!.stores].sort() };
};

describe('demo providers', () => {
  it('gives Pilot, whose phone link the demo prints, the area with more stores open, so its view has tickets at any hour', () => {
    // Monday 12:00 UTC: lunchtime in Europe, night in the Americas.
    expect(pilot('2026-12-07T12:00:00Z')).toEqual({ area: 'Europe', cities: citiesOf(['EUR', 'GBP']) });
    // Monday 02:00 UTC: every European store is closed, the American ones trade on Sunday evening.
    expect(pilot('2026-12-07T02:00:00Z')).toEqual({ area: 'the Americas', cities: citiesOf(['USD', 'MXN']) });
  });

  it('keeps Nord on the Russian stores', () => {
    const nord = demoProviders(fleet, Date.parse('2026-12-07T02:00:00Z')).list.find((x) => x.id === 'nord')!;
    expect([...nord.stores].sort()).toEqual(citiesOf(['RUB']));
  });
});

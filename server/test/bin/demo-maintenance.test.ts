import { describe, expect, it } from 'vitest';
import { generateFleet } from '@storepulse/agents';
import { demoMaintenance } from '../../src/bin/demo-maintenance.js';
import { maintenanceProblem, maintenanceSchedule } from '../../src/domain/incidents/index.js';
import { isOpenAt } from '../../src/domain/opening-hours.js';

const fleet = generateFleet({ stores: 24, tillsPerStore: 4, seed: 42 });

describe('demo maintenance', () => {
  it('puts one open store in a window for the first hour, which the server takes and which holds that store', () => {
    const now = Date.parse('2026-12-07T12:00:30Z');
    const { windows, store } = demoMaintenance(fleet, now);
    expect(store).not.toBeNull();
    expect(isOpenAt(store!.hours, store!.timezone, now)).toBe(true);
    expect(windows).toHaveLength(1);
    expect(maintenanceProblem(windows[0]!)).toBeNull();
    const { now: held } = maintenanceSchedule(windows, fleet, now);
    // Written to the minute in the store's wall time: it began at the start of this minute and lasts an hour.
    expect(windows[0]!.start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect([...held]).toEqual([[store!.id, { windowId: 'demo-till-upgrade', until: now - 30_000 + 3_600_000 }]]);
  });

  it('plans none when every store is closed', () => {
    // Monday 02:00 UTC: every European store is closed.
    const europe = fleet.filter((s) => ['EUR', 'GBP'].includes(s.currency));
    expect(demoMaintenance(europe, Date.parse('2026-12-07T02:00:00Z'))).toEqual({ windows: [], store: null });
  });

  it('plans none when only one store is open, which would leave the demo without incidents', () => {
    // Monday 02:40 UTC: of this fleet only Los Angeles trades (Sunday 18:40 there).
    const now = Date.parse('2026-12-07T02:40:00Z');
    expect(fleet.filter((s) => isOpenAt(s.hours, s.timezone, now)).map((s) => s.city)).toEqual(['Los Angeles']);
    expect(demoMaintenance(fleet, now)).toEqual({ windows: [], store: null });
  });
});

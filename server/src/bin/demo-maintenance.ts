import type { FleetStore } from '@storepulse/agents';
import type { MaintenanceWindow } from '../domain/incidents/index.js';
import { isOpenAt } from '../domain/opening-hours.js';

/**
 * A till upgrade planned in one open store for the demo's first hour: its tile carries the maintenance wrench, and
 * the faults the simulator injects there are recorded without opening incidents or tickets. None when every store
 * is closed.
 */
export function demoMaintenance(fleet: readonly FleetStore[], now: number): { windows: MaintenanceWindow[]; store: FleetStore | null } {
  const store = fleet.find((s) => isOpenAt(s.hours, s.timezone, now)) ?? null;
  if (!store) return { windows: [], store };
  const window = { id: 'demo-till-upgrade', storeIds: [store.id], start: new Date(now).toISOString(), end: new Date(now + 3_600_000).toISOString() };
  return { windows: [window], store };
}

import { DateTime } from 'luxon';
import type { FleetStore } from '@storepulse/agents';
import type { MaintenanceWindow } from '../domain/incidents/index.js';
import { isOpenAt } from '../domain/opening-hours.js';

/**
 * A till upgrade planned in one open store for the demo's first hour: its tile carries the maintenance wrench, and
 * the faults the simulator injects there are recorded without opening incidents or tickets. None unless another
 * store is open too: the demo's incidents come from the open stores.
 */
export function demoMaintenance(fleet: readonly FleetStore[], now: number): { windows: MaintenanceWindow[]; store: FleetStore | null } {
  const open = fleet.filter((s) => isOpenAt(s.hours, s.timezone, now));
  const store = open.length >= 2 ? open[0]! : null;
  if (!store) return { windows: [], store };
  // In the store's wall time, to the minute, as HQ writes a window on the maintenance page.
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: store.timezone }).toFormat("yyyy-MM-dd'T'HH:mm");
  const window = { id: 'demo-till-upgrade', storeIds: [store.id], start: local(now), end: local(now + 3_600_000) };
  return { windows: [window], store };
}

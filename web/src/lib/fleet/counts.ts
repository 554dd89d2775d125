import { STORE_STATES, type StoreState, type StoreSummary } from '@storepulse/protocol';

export interface FleetCounts {
  stores: number;
  byState: Record<StoreState, number>;
  tills: number;
  tillsUp: number;
  tillsDown: number;
  /** Stores a maintenance window holds now. */
  maintenance: number;
}

/** The numbers at the top of the wall. */
export function fleetCounts(stores: Iterable<StoreSummary>): FleetCounts {
  const byState = Object.fromEntries(STORE_STATES.map((s) => [s, 0])) as Record<StoreState, number>;
  const out: FleetCounts = { stores: 0, byState, tills: 0, tillsUp: 0, tillsDown: 0, maintenance: 0 };
  for (const s of stores) {
    out.stores += 1;
    byState[s.state] += 1;
    out.tills += s.tills.total;
    out.tillsUp += s.tills.up;
    out.tillsDown += s.tills.down;
    if (s.maintenance) out.maintenance += 1;
  }
  return out;
}

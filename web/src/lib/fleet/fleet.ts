import type { FleetSnapshot, StoreSummary } from '@storepulse/protocol';

/** What the browser knows about the fleet: plain data, updated by the functions below. */
export interface Fleet {
  stores: Map<string, StoreSummary>;
  /** Server time of the last snapshot (ISO UTC), null before the first one. */
  snapshotAt: string | null;
  /** Browser clock (ms) when anything was last heard from the server; null before the first message. */
  heardAt: number | null;
}

export function emptyFleet(): Fleet {
  return { stores: new Map(), snapshotAt: null, heardAt: null };
}

/**
 * A snapshot replaces everything: stores missing from it were removed while we were away. A store that did not
 * change keeps its object, so the views showing it have nothing to redraw.
 */
export function applySnapshot(fleet: Fleet, snapshot: FleetSnapshot, nowMs: number): Fleet {
  const stores = new Map<string, StoreSummary>();
  for (const s of snapshot.stores) {
    const prev = fleet.stores.get(s.id);
    stores.set(s.id, prev && sameSummary(prev, s) ? prev : s);
  }
  return { stores, snapshotAt: snapshot.at, heardAt: nowMs };
}

/** True when `next` holds exactly the store objects of `prev`: nothing to sort or draw again. */
export function sameStores(prev: Fleet, next: Fleet): boolean {
  if (prev.stores.size !== next.stores.size) return false;
  for (const [id, s] of next.stores) if (prev.stores.get(id) !== s) return false;
  return true;
}

/**
 * Applies one store update in place and reports whether anything the wall shows changed.
 * Updates for stores not in the snapshot are kept too: a store added on the server shows up at once.
 */
export function applyStoreState(fleet: Fleet, store: StoreSummary, nowMs: number): boolean {
  fleet.heardAt = nowMs;
  const prev = fleet.stores.get(store.id);
  if (prev && sameSummary(prev, store)) return false;
  fleet.stores.set(store.id, store);
  return true;
}

/** HQ removed a store: its tile goes, and its counts with it. Reports whether it was shown. */
export function applyStoreRemoved(fleet: Fleet, storeId: string, nowMs: number): boolean {
  fleet.heardAt = nowMs;
  return fleet.stores.delete(storeId);
}

function sameSummary(a: StoreSummary, b: StoreSummary): boolean {
  return (
    a.state === b.state &&
    a.since === b.since &&
    a.name === b.name &&
    a.city === b.city &&
    a.region === b.region &&
    a.timezone === b.timezone &&
    a.currency === b.currency &&
    a.tills.total === b.tills.total &&
    a.tills.up === b.tills.up &&
    a.tills.degraded === b.tills.degraded &&
    a.tills.down === b.tills.down &&
    a.tills.offline === b.tills.offline &&
    a.tills.unknown === b.tills.unknown &&
    a.maintenance?.windowId === b.maintenance?.windowId &&
    a.maintenance?.until === b.maintenance?.until
  );
}

import type { StoreState, TillCounts, TillState } from '@storepulse/protocol';

export function countTills(states: readonly TillState[]): TillCounts {
  const counts: TillCounts = { total: states.length, up: 0, degraded: 0, down: 0, offline: 0, unknown: 0 };
  for (const s of states) counts[s]++;
  return counts;
}

/**
 * A store's state from its tills' states while it is open. `offline` (every agent gone at once) is kept apart
 * from `down`: the tills may still be selling offline behind a broken store network.
 */
export function deriveStoreState(open: boolean, tills: TillCounts): StoreState {
  if (!open) return 'closed';
  if (tills.total === 0) return 'ok';
  if (tills.offline === tills.total) return 'offline';
  const canSell = tills.up + tills.degraded;
  if (canSell === tills.total) return tills.degraded === 0 ? 'ok' : 'degraded';
  if (canSell > 0) return 'degraded';
  // Nobody can sell: a down till makes it certain; only unknown/offline tills leave it uncertain.
  return tills.down > 0 ? 'down' : 'degraded';
}

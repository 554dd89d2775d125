import type { StoreSummary } from '@storepulse/protocol';

/** Case- and accent-insensitive match on name, city or id; an empty query keeps everything. */
export function filterStores(stores: readonly StoreSummary[], query: string): readonly StoreSummary[] {
  const q = fold(query.trim());
  if (!q) return stores;
  return stores.filter((s) => fold(s.name).includes(q) || fold(s.city).includes(q) || fold(s.id).includes(q));
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

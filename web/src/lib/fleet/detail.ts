import type { StoreDetail, StoreSummary, TillStateEvent } from '@storepulse/protocol';

/** Folds a live store update into a store page's data; other stores' updates leave it untouched. */
export function applyStoreToDetail(detail: StoreDetail, store: StoreSummary): StoreDetail {
  if (store.id !== detail.id) return detail;
  const { tills, ...rest } = store;
  return { ...detail, ...rest, tillCounts: tills };
}

/** Replaces (or adds) one till of the store page. */
export function applyTillToDetail(detail: StoreDetail, event: TillStateEvent): StoreDetail {
  if (event.storeId !== detail.id) return detail;
  const i = detail.tills.findIndex((t) => t.id === event.till.id);
  const tills = i === -1 ? [...detail.tills, event.till] : detail.tills.with(i, event.till);
  return { ...detail, tills: tills.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
}

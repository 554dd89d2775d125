import type { Provider } from '../sla/providers.js';
import type { StoreConfig } from '../store.js';
import type { Category } from './types.js';

export function coversCategory(p: Provider, category: Category): boolean {
  return p.categories === 'all' || p.categories.includes(category);
}

const listsCity = (p: Provider, store: Pick<StoreConfig, 'city'>) => p.stores.some((s) => s.trim().toLowerCase() === store.city.trim().toLowerCase());

/** Whether a provider serves the store: it lists the store, or its city, or is the store's own provider. */
export function coversStore(p: Provider, store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): boolean {
  return p.stores.includes(store.id) || p.id === store.provider || listsCity(p, store);
}

/**
 * The provider that takes a ticket: one that covers the category and lists the store by id, else the
 * store's own configured provider, else one that lists its city. Null means HQ's unassigned queue.
 */
export function routeTicket(
  providers: readonly Provider[],
  store: Pick<StoreConfig, 'id' | 'city' | 'provider'>,
  category: Category,
): Provider | null {
  const able = providers.filter((p) => coversCategory(p, category));
  return (
    able.find((p) => p.stores.includes(store.id)) ??
    able.find((p) => p.id === store.provider) ??
    able.find((p) => listsCity(p, store)) ??
    null
  );
}

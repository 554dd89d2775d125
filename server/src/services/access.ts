import type { StoreConfig } from '../domain/store.js';
import type { Principal } from './auth-service.js';

/** HQ's roles see every store, incident and setting; providers and agents only what is theirs. */
export function seesEverything(who: Principal): boolean {
  return who.role === 'hq-admin' || who.role === 'hq-viewer';
}

/** The part of a provider that says which stores it serves (ids or city names) and for what. */
export interface ProviderCoverage {
  id: string;
  name: string;
  categories: readonly string[] | 'all';
  stores: readonly string[];
}

/**
 * Who may see a store. HQ sees every store; a provider sees the stores it serves — those its contract lists by id
 * or city, those whose config names it, and those where it holds a ticket HQ assigned it; agents see none through the API. The same rule scopes the API, the
 * socket rooms and incidents, so a provider never sees a store its tickets could not come from.
 */
export class StoreAccess {
  private providers: () => readonly ProviderCoverage[] = () => [];
  private ticketHolders: (storeId: string) => readonly string[] = () => [];

  /** Providers can change at run time (API); they are read through this on every check. */
  useProviders(list: () => readonly ProviderCoverage[]): void {
    this.providers = list;
  }

  /** The providers HQ gave a ticket at a store they do not otherwise serve: they see it while the ticket is in play. */
  useTicketHolders(holders: (storeId: string) => readonly string[]): void {
    this.ticketHolders = holders;
  }

  providerIdsOf(store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): string[] {
    const city = store.city.trim().toLowerCase();
    const ids = new Set<string>(this.ticketHolders(store.id));
    if (store.provider) ids.add(store.provider);
    for (const p of this.providers()) {
      if (p.stores.some((s) => s === store.id || s.trim().toLowerCase() === city)) ids.add(p.id);
    }
    return [...ids];
  }

  /** The providers serving a store, by its config or their contracts; one named only by the store is shown by its id. */
  providersOf(store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): ProviderCoverage[] {
    const known = new Map(this.providers().map((p) => [p.id, p]));
    return this.providerIdsOf(store).map((id) => known.get(id) ?? { id, name: id, categories: 'all', stores: [store.id] });
  }

  canSee(who: Principal, store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): boolean {
    switch (who.role) {
      case 'hq-admin':
      case 'hq-viewer':
        return true;
      case 'provider':
        return who.providerId !== null && this.providerIdsOf(store).includes(who.providerId);
      case 'agent':
        return false;
    }
  }
}

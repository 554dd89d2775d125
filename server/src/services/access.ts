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
  private index: CoverageIndex | null = null;

  /**
   * Providers can change at run time (API); they are read through this on every check. A changed list must come as a
   * new array (TicketService replaces its list on every change): the index of their contracts is made again then.
   */
  useProviders(list: () => readonly ProviderCoverage[]): void {
    this.providers = list;
  }

  /** The providers HQ gave a ticket at a store they do not otherwise serve: they see it while the ticket is in play. */
  useTicketHolders(holders: (storeId: string) => readonly string[]): void {
    this.ticketHolders = holders;
  }

  providerIdsOf(store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): string[] {
    const { list, byId, byCity } = this.coverage();
    const ids = new Set<string>(this.ticketHolders(store.id));
    if (store.provider) ids.add(store.provider);
    const byName = byId.get(store.id) ?? [];
    const byPlace = byCity.get(store.city.trim().toLowerCase()) ?? [];
    const hits = [...byName, ...byPlace];
    // In the providers' order, as reading every contract would find them.
    if (byName.length > 0 && byPlace.length > 0) hits.sort((a, b) => a - b);
    for (const i of hits) ids.add(list[i]!.id);
    return [...ids];
  }

  /** The providers serving a store, by its config or their contracts; one named only by the store is shown by its id. */
  providersOf(store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): ProviderCoverage[] {
    const { known } = this.coverage();
    return this.providerIdsOf(store).map((id) => known.get(id) ?? { id, name: id, categories: 'all', stores: [store.id] });
  }

  /** Made again when the list is another; store configs are not in it (each check is given the store), nor ticket holders (TicketService indexes them). */
  private coverage(): CoverageIndex {
    const list = this.providers();
    if (this.index?.list !== list) this.index = indexCoverage(list);
    return this.index;
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

/** Providers' contracts by what they name, so a store's providers are found without reading every contract. */
interface CoverageIndex {
  list: readonly ProviderCoverage[];
  /** Positions in `list`, ascending: by store id as written, and by city name trimmed and lowercased. */
  byId: Map<string, number[]>;
  byCity: Map<string, number[]>;
  known: Map<string, ProviderCoverage>;
}

function indexCoverage(list: readonly ProviderCoverage[]): CoverageIndex {
  const byId = new Map<string, number[]>();
  const byCity = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const at = map.get(key);
    if (!at) map.set(key, [i]);
    else if (at[at.length - 1] !== i) at.push(i);
  };
  list.forEach((p, i) => {
    for (const s of p.stores) {
      add(byId, s, i);
      add(byCity, s.trim().toLowerCase(), i);
    }
  });
  return { list, byId, byCity, known: new Map(list.map((p) => [p.id, p])) };
}

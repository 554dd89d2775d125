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
    const city = store.city.trim().toLowerCase();
    const ids = new Set<string>(this.ticketHolders(store.id));
    if (store.provider) ids.add(store.provider);
    for (const [id, named] of this.coverage().named) if (named.ids.has(store.id) || named.cities.has(city)) ids.add(id);
    return [...ids];
  }

  /** The providers serving a store, by its config or their contracts; one named only by the store is shown by its id. */
  providersOf(store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): ProviderCoverage[] {
    const { named } = this.coverage();
    return this.providerIdsOf(store).map((id) => named.get(id)?.provider ?? { id, name: id, categories: 'all', stores: [store.id] });
  }

  /**
   * Made again when the list is another. Store configs are not in it (each check is given the store), nor ticket
   * holders (TicketService keeps an index of its own, made again when tickets change).
   */
  private coverage(): CoverageIndex {
    const list = this.providers();
    if (this.index?.list !== list) this.index = indexCoverage(list);
    return this.index;
  }

  /** Whether providerIdsOf(store) holds this provider, without making the list: scopes check every store of a fleet. */
  private serves(providerId: string, store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): boolean {
    if ((store.provider && store.provider === providerId) || this.ticketHolders(store.id).includes(providerId)) return true;
    const named = this.coverage().named.get(providerId);
    return named !== undefined && (named.ids.has(store.id) || named.cities.has(store.city.trim().toLowerCase()));
  }

  canSee(who: Principal, store: Pick<StoreConfig, 'id' | 'city' | 'provider'>): boolean {
    switch (who.role) {
      case 'hq-admin':
      case 'hq-viewer':
        return true;
      case 'provider':
        return who.providerId !== null && this.serves(who.providerId, store);
      case 'agent':
        return false;
    }
  }
}

/** What each provider's contract names, read once per provider list rather than for every store checked. */
interface CoverageIndex {
  list: readonly ProviderCoverage[];
  /** By provider id, in the list's order: store ids as written, and city names trimmed and lowercased. */
  named: Map<string, { provider: ProviderCoverage; ids: Set<string>; cities: Set<string> }>;
}

function indexCoverage(list: readonly ProviderCoverage[]): CoverageIndex {
  const named = list.map((p) => [p.id, { provider: p, ids: new Set(p.stores), cities: new Set(p.stores.map((s) => s.trim().toLowerCase())) }] as const);
  return { list, named: new Map(named) };
}

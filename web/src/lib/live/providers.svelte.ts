import { fetchProviders, type ProviderInfo } from '$lib/api.js';

/** Providers' display names, fetched once per app load; until then (or without the API) ids stand in. */
class ProviderNames {
  names = $state.raw<ReadonlyMap<string, string>>(new Map());
  #requested = false;

  /** The provider's name; asks the server the first time any is needed. */
  name(id: string): string {
    if (!this.#requested) {
      this.#requested = true;
      fetchProviders()
        .then((list) => (this.names = new Map(list.map((p) => [p.id, p.name ?? p.id]))))
        .catch(() => {});
    }
    return this.names.get(id) ?? id;
  }

  /** A list read since (the assignment form's): a provider added after the app loaded is named too. */
  learn(list: readonly ProviderInfo[]): void {
    this.#requested = true;
    this.names = new Map(list.map((p) => [p.id, p.name ?? p.id]));
  }
}

export const providerNames = new ProviderNames();

import type { StoreSummary } from '@storepulse/protocol';
import type { ProviderInfo } from '$lib/api.js';
import type { Loaded } from '$lib/load.js';

/** Names by id, for the providers and stores the admin pages refer to; an id not (yet) known stands for itself. */
export interface Names {
  provider(id: string): string;
  store(id: string): string;
}

/** A store reads "S001 · Madrid Gran Vía": admins know stores by both. */
export function namesOf(providers: Loaded<ProviderInfo[]>, stores: Loaded<StoreSummary[]>): Names {
  const providerName = new Map(providers.status === 'ready' ? providers.data.map((p) => [p.id, p.name ?? p.id]) : []);
  const storeName = new Map(stores.status === 'ready' ? stores.data.map((s) => [s.id, storeLabel(s)]) : []);
  return { provider: (id) => providerName.get(id) ?? id, store: (id) => storeName.get(id) ?? id };
}

export const storeLabel = (s: Pick<StoreSummary, 'id' | 'name'>): string => `${s.id} · ${s.name}`;

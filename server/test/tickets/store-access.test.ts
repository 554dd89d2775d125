import { afterAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/domain/store.js';
import { StoreAccess, type ProviderCoverage } from '../../src/services/access.js';
import type { Principal } from '../../src/services/auth-service.js';
import { providerConfigs, startTicketNode, STORES, tempDir, type TicketNode } from './harness.js';

type Store = Pick<StoreConfig, 'id' | 'city' | 'provider'>;

const coverage = (id: string, stores: string[]): ProviderCoverage => ({ id, name: id, categories: 'all', stores });
const asProvider = (providerId: string): Principal => ({ tokenId: '-', role: 'provider', providerId, storeId: null, label: providerId });

/** The rule as stated, every contract read for the one store: what the index must answer alike. */
function byReadingEveryContract(providers: readonly ProviderCoverage[], holders: readonly string[], store: Store): string[] {
  const city = store.city.trim().toLowerCase();
  const ids = new Set(holders);
  if (store.provider) ids.add(store.provider);
  for (const p of providers) if (p.stores.some((s) => s === store.id || s.trim().toLowerCase() === city)) ids.add(p.id);
  return [...ids];
}

describe('StoreAccess', () => {
  it('matches ids as written and cities trimmed and in any case, in the providers\' order, after ticket holders and the store\'s own', () => {
    const providers = [
      coverage('by-city', [' madrid ', 'Sevilla']),
      coverage('lower-id', ['s1', 'S2']),
      coverage('by-id', ['S1', 'MADRID']),
      coverage('blank', ['  ']),
      coverage('spaced-id', [' S3']),
    ];
    const holders: Record<string, string[]> = { S1: ['holder'], S4: ['by-id'] };
    const access = new StoreAccess();
    access.useProviders(() => providers);
    access.useTicketHolders((id) => holders[id] ?? []);
    const stores: Store[] = [
      { id: 'S1', city: 'Madrid', provider: null },
      { id: 'S2', city: ' SEVILLA', provider: 'own' },
      { id: 'S3', city: 'Bilbao', provider: null },
      { id: 'S4', city: '', provider: 'by-id' },
      { id: 'S5', city: 's1', provider: null },
    ];
    expect(stores.map((s) => access.providerIdsOf(s))).toEqual([
      ['holder', 'by-city', 'by-id'],
      ['own', 'by-city', 'lower-id'],
      [],
      ['by-id', 'blank'],
      ['lower-id', 'by-id'],
    ]);
    for (const s of stores) {
      expect(access.providerIdsOf(s)).toEqual(byReadingEveryContract(providers, holders[s.id] ?? [], s));
      for (const id of ['holder', 'own', 'by-city', 'lower-id', 'by-id', 'blank', 'spaced-id']) {
        expect(access.canSee(asProvider(id), s), `${id} at ${s.id}`).toBe(access.providerIdsOf(s).includes(id));
      }
    }
    expect(access.providersOf(stores[3]!).map((p) => p.stores)).toEqual([['S1', 'MADRID'], ['  ']]);
    expect(access.providersOf({ id: 'S9', city: 'x', provider: 'unlisted' })).toEqual([{ id: 'unlisted', name: 'unlisted', categories: 'all', stores: ['S9'] }]);
  });

  it('follows a provider list replaced, a store moved and a ticket holder gone at once', () => {
    let providers = [coverage('acme', ['S1'])];
    let holders: string[] = ['helpdesk'];
    const access = new StoreAccess();
    access.useProviders(() => providers);
    access.useTicketHolders(() => holders);
    const store: Store = { id: 'S2', city: 'Madrid', provider: null };
    expect(access.canSee(asProvider('acme'), store)).toBe(false);
    expect(access.canSee(asProvider('helpdesk'), store)).toBe(true);

    providers = [coverage('acme', ['S1', 'madrid'])];
    expect(access.providerIdsOf(store)).toEqual(['helpdesk', 'acme']);
    expect(access.canSee(asProvider('acme'), { ...store, city: 'Bilbao' })).toBe(false);
    holders = [];
    expect(access.canSee(asProvider('helpdesk'), store)).toBe(false);
    providers = [];
    expect(access.canSee(asProvider('acme'), store)).toBe(false);
  });

  describe('wired to the ticket service, as the server wires it', () => {
    let node: TicketNode;
    const access = new StoreAccess();
    const [pilot, other] = providerConfigs(() => 'http://127.0.0.1:9/hook');
    const bilbao = STORES[2]!;
    afterAll(() => node?.close());

    it('sees a provider gaining and losing a store through the API at once', async () => {
      node = await startTicketNode({ dir: tempDir(), clock: { now: Date.parse('2026-11-23T10:00:00Z') }, providers: [pilot!, other!] });
      access.useProviders(() => node.tickets.providerCoverage());
      access.useTicketHolders((id) => node.tickets.providersHoldingAt(id));
      expect(access.providerIdsOf(bilbao)).toEqual([]);

      expect(node.tickets.putProvider({ ...other!, stores: ['S002', 'BILBAO'] }).ok).toBe(true);
      expect(access.providerIdsOf(bilbao)).toEqual(['other']);
      expect(access.canSee(asProvider('other'), bilbao)).toBe(true);

      expect(node.tickets.putProvider({ ...other!, stores: ['S002'] }).ok).toBe(true);
      expect(access.canSee(asProvider('other'), bilbao)).toBe(false);

      expect(node.tickets.putProvider({ ...pilot!, stores: ['S001', 'S003'] }).ok).toBe(true);
      expect(access.providerIdsOf(bilbao)).toEqual(['pilot']);
      expect(node.tickets.deleteProvider('pilot')).toBe(true);
      expect(access.providerIdsOf(bilbao)).toEqual([]);
    });
  });
});

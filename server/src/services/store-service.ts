import type { StoreDetail, StoreMaintenance, StoreSummary } from '@storepulse/protocol';
import type { StoreRepository } from '../adapters/sqlite/store-repository.js';
import { removeStore, storeDetail, storeSummary, upsertStore, type Fleet, type FleetChange, type StoreRecord } from '../domain/fleet.js';
import type { StoreConfig } from '../domain/store.js';
import type { EventBus } from '../event-bus.js';
import { seesEverything, type StoreAccess } from './access.js';
import type { Principal } from './auth-service.js';

/** Stores: their definitions (file, API, SQLite) and their live state (the fleet). */
export class StoreService {
  constructor(
    private readonly fleet: Fleet,
    private readonly repo: StoreRepository,
    private readonly bus: EventBus,
    private readonly access: StoreAccess,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the config file listed at an earlier start and no longer does, until announceDropped(). */
  private dropped: StoreConfig[] = [];

  /**
   * Loads stores at start: every store saved in SQLite, then the config file's stores on top (the file wins for the
   * stores it lists; stores created through the API persist). A store that came from the file and is no longer in it
   * is removed, as HQ removed it there.
   */
  load(fileStores: StoreConfig[]): void {
    const at = new Date(this.now()).toISOString();
    this.repo.upsertMany(fileStores, 'file', at);
    const listed = new Set(fileStores.map((s) => s.id));
    for (const { store, source } of this.repo.all()) {
      if (source === 'file' && !listed.has(store.id)) {
        this.repo.delete(store.id);
        this.dropped.push(store);
      } else upsertStore(this.fleet, store, this.now());
    }
  }

  /** Tells the services (built after load) which stores the file dropped, as a removal; returns their ids. */
  announceDropped(): string[] {
    const gone = this.dropped.splice(0);
    for (const store of gone) this.bus.emit('store:removed', store.id, store);
    return gone.map((s) => s.id);
  }

  list(who: Principal): StoreSummary[] {
    return [...this.fleet.stores.values()].filter((s) => this.access.canSee(who, s.config)).map((s) => storeSummary(s, this.maintenanceOf(s.config.id)));
  }

  /** Whether the fleet has this store now (from the file or the API), whoever asks. */
  has(id: string): boolean {
    return this.fleet.stores.has(id);
  }

  private maintenanceOf: (storeId: string) => StoreMaintenance | null = () => null;

  /** Where a store's current maintenance comes from (the incident service, built after this one). */
  useMaintenance(lookup: (storeId: string) => StoreMaintenance | null): void {
    this.maintenanceOf = lookup;
  }

  get(who: Principal, id: string): StoreDetail | null {
    const store = this.fleet.stores.get(id);
    return store && this.access.canSee(who, store.config) ? this.detail(who, store) : null;
  }

  put(who: Principal, config: StoreConfig): { created: boolean; store: StoreDetail } {
    const before = this.fleet.stores.get(config.id)?.config;
    this.repo.upsert(config, 'api', new Date(this.now()).toISOString());
    this.emit(upsertStore(this.fleet, config, this.now()));
    if (before && (before.city !== config.city || before.provider !== config.provider)) this.bus.emit('coverage:changed');
    return { created: !before, store: this.detail(who, this.fleet.stores.get(config.id)!) };
  }

  delete(id: string): boolean {
    const config = this.fleet.stores.get(id)?.config;
    removeStore(this.fleet, id);
    this.repo.delete(id);
    if (config) this.bus.emit('store:removed', id, config);
    return config !== undefined;
  }

  /**
   * HQ also gets the store's settings; a provider only what it needs to fix the tills. Who serves the store: every
   * provider for HQ, only itself for a provider.
   */
  private detail(who: Principal, store: StoreRecord): StoreDetail {
    const providers = this.access
      .providersOf(store.config)
      .filter((p) => who.role !== 'provider' || p.id === who.providerId)
      .map((p) => ({ id: p.id, name: p.name, categories: p.categories === 'all' ? ['all'] : [...p.categories] }));
    const detail = { ...storeDetail(store, this.maintenanceOf(store.config.id)), providers };
    if (seesEverything(who)) return { ...detail, settings: store.config };
    // The store's configured provider is another company's name when this one serves it by a city contract.
    return who.role === 'provider' && detail.provider !== who.providerId ? { ...detail, provider: null } : detail;
  }

  private emit(changes: FleetChange[]): void {
    if (changes.length > 0) this.bus.emit('fleet:changes', changes);
  }
}

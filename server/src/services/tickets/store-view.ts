import type { StoreConfig } from '../../domain/store.js';

/**
 * A read-only map of store configs over the fleet's store records, so the ticket engine always sees
 * the stores as they are now (API edits included) without copying ten thousand of them per tick.
 */
export class StoreConfigView implements ReadonlyMap<string, StoreConfig> {
  constructor(private readonly records: ReadonlyMap<string, { config: StoreConfig }>) {}

  get size(): number {
    return this.records.size;
  }
  get(id: string): StoreConfig | undefined {
    return this.records.get(id)?.config;
  }
  has(id: string): boolean {
    return this.records.has(id);
  }
  *entries(): MapIterator<[string, StoreConfig]> {
    for (const [id, r] of this.records) yield [id, r.config];
  }
  keys(): MapIterator<string> {
    return this.records.keys();
  }
  *values(): MapIterator<StoreConfig> {
    for (const r of this.records.values()) yield r.config;
  }
  forEach(fn: (value: StoreConfig, key: string, map: ReadonlyMap<string, StoreConfig>) => void): void {
    for (const [id, c] of this.entries()) fn(c, id, this);
  }
  [Symbol.iterator](): MapIterator<[string, StoreConfig]> {
    return this.entries();
  }
}

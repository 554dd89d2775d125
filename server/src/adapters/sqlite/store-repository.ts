import type { StoreConfig } from '../../domain/store.js';
import type { Db } from './database.js';

export type StoreSource = 'file' | 'api';

/** Stores as last defined, by the config file or by the API. */
export class StoreRepository {
  private readonly upsertStmt;
  private readonly allStmt;
  private readonly deleteStmt;

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO stores (id, body, source, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET body = excluded.body, source = excluded.source, updated_at = excluded.updated_at`,
    );
    this.allStmt = db.prepare<[], { body: string; source: StoreSource }>('SELECT body, source FROM stores ORDER BY id');
    this.deleteStmt = db.prepare('DELETE FROM stores WHERE id = ?');
  }

  upsert(store: StoreConfig, source: StoreSource, at: string): void {
    this.upsertStmt.run(store.id, JSON.stringify(store), source, at);
  }

  /** Many stores in one transaction: a chain's whole config file at start. */
  upsertMany(stores: StoreConfig[], source: StoreSource, at: string): void {
    this.db.transaction(() => {
      for (const s of stores) this.upsert(s, source, at);
    })();
  }

  all(): { store: StoreConfig; source: StoreSource }[] {
    return this.allStmt.all().map((r) => ({ store: JSON.parse(r.body) as StoreConfig, source: r.source }));
  }

  delete(id: string): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }
}

import type Database from 'better-sqlite3';
import type { ProviderConfig } from '../../domain/sla/providers.js';
import { emptyTicketsState, type TicketsState } from '../../domain/tickets/engine.js';
import type { Ticket } from '../../domain/tickets/types.js';

/**
 * The ticket engine's state in SQLite: one row per ticket (live ones are the engine's, archived ones
 * are kept for reports and lookups), one row for the engine's indexes, and the providers created
 * through the API. Tables are created here so the feature needs no shared migration step.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY,
  provider_id TEXT,
  store_id TEXT NOT NULL,
  status TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  live INTEGER NOT NULL DEFAULT 1,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tickets_live ON tickets (live);
CREATE INDEX IF NOT EXISTS tickets_opened ON tickets (opened_at);
CREATE TABLE IF NOT EXISTS ticket_engine (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ticket_providers (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
);`;

type EngineIndexes = Omit<TicketsState, 'tickets'>;

export class TicketRepository {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.stmt = {
      // An archived ticket is final: never written over, whatever comes later under its id.
      upsert: db.prepare(
        `INSERT INTO tickets (id, provider_id, store_id, status, opened_at, live, body)
         VALUES (@id, @providerId, @storeId, @status, @openedAt, 1, @body)
         ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id, store_id = excluded.store_id,
           status = excluded.status, opened_at = excluded.opened_at, body = excluded.body
         WHERE tickets.live = 1`,
      ),
      archive: db.prepare<[string]>(`UPDATE tickets SET live = 0 WHERE id = ?`),
      live: db.prepare<[], { body: string }>(`SELECT body FROM tickets WHERE live = 1`),
      get: db.prepare<[string], { body: string }>(`SELECT body FROM tickets WHERE id = ?`),
      archived: db.prepare<[string], { live: number }>(`SELECT live FROM tickets WHERE id = ? AND live = 0`),
      openedBetween: db.prepare<[string, string], { body: string }>(
        `SELECT body FROM tickets WHERE opened_at >= ? AND opened_at < ?`,
      ),
      saveIndexes: db.prepare<[string]>(
        `INSERT INTO ticket_engine (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
      ),
      indexes: db.prepare<[], { body: string }>(`SELECT body FROM ticket_engine WHERE id = 1`),
      providers: db.prepare<[], { body: string }>(`SELECT body FROM ticket_providers ORDER BY id`),
      putProvider: db.prepare<[string, string, string]>(
        `INSERT INTO ticket_providers (id, body, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      ),
      deleteProvider: db.prepare<[string]>(`DELETE FROM ticket_providers WHERE id = ?`),
    };
  }

  /** The engine state as last saved: live tickets and the indexes. */
  loadState(): TicketsState {
    const state = emptyTicketsState();
    const saved = this.stmt.indexes.get();
    if (saved) Object.assign(state, JSON.parse(saved.body) as EngineIndexes);
    for (const row of this.stmt.live.all()) {
      const t = JSON.parse(row.body) as Ticket;
      state.tickets[t.id] = t;
    }
    return state;
  }

  /** Writes the given tickets and the indexes; call inside the transaction that applied the input. */
  save(state: TicketsState, ticketIds: Iterable<string>): void {
    for (const id of new Set(ticketIds)) {
      const t = state.tickets[id];
      if (!t) continue;
      this.stmt.upsert.run({ id: t.id, providerId: t.providerId, storeId: t.storeId, status: t.status, openedAt: t.openedAt, body: JSON.stringify(t) });
    }
    const { tickets: _t, ...indexes } = state;
    this.stmt.saveIndexes.run(JSON.stringify(indexes));
  }

  /** Keeps pruned tickets for reports and lookups, outside the engine's live state. */
  archive(tickets: readonly Ticket[]): void {
    for (const t of tickets) {
      this.stmt.upsert.run({ id: t.id, providerId: t.providerId, storeId: t.storeId, status: t.status, openedAt: t.openedAt, body: JSON.stringify(t) });
      this.stmt.archive.run(t.id);
    }
  }

  isArchived(id: string): boolean {
    return this.stmt.archived.get(id) !== undefined;
  }

  get(id: string): Ticket | undefined {
    const row = this.stmt.get.get(id);
    return row ? (JSON.parse(row.body) as Ticket) : undefined;
  }

  /** Every ticket (live or archived) opened in [fromIso, toIso). */
  openedBetween(fromIso: string, toIso: string): Ticket[] {
    return this.stmt.openedBetween.all(fromIso, toIso).map((r) => JSON.parse(r.body) as Ticket);
  }

  apiProviders(): ProviderConfig[] {
    return this.stmt.providers.all().map((r) => JSON.parse(r.body) as ProviderConfig);
  }

  putProvider(cfg: ProviderConfig, at: string): void {
    this.stmt.putProvider.run(cfg.id, JSON.stringify(cfg), at);
  }

  deleteProvider(id: string): boolean {
    return this.stmt.deleteProvider.run(id).changes > 0;
  }
}

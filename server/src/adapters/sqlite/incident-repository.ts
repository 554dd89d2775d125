import type { EngineState, Incident, IncidentFigures, MaintenanceWindow } from '../../domain/incidents/index.js';
import type { IncidentTicket } from '../../services/incidents/incident-point.js';
import type { Db } from './database.js';

/** A closed incident's resolution point as written: its time and the ticket whose provider tagged it. */
export interface IncidentResolution {
  at: number;
  ticket: IncidentTicket | null;
}

export interface IncidentQuery {
  storeId?: string;
  /** Only these stores (a provider's); every store when absent. */
  storeIds?: readonly string[];
  status?: 'open' | 'closed';
  /** Incidents that overlap [from, to) (ISO UTC). */
  from?: string;
  to?: string;
  limit: number;
}

/** Incident records, the engine's snapshot and the maintenance windows created through the API. */
export class IncidentRepository {
  private readonly upsertStmt;
  private readonly getStmt;
  private readonly saveResolutionStmt;
  private readonly resolutionStmt;
  private readonly saveStateStmt;
  private readonly loadStateStmt;
  private readonly putWindowStmt;
  private readonly deleteWindowStmt;
  private readonly windowsStmt;

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO incidents (id, store_id, status, started_at, ended_at, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, body = excluded.body, updated_at = excluded.updated_at`,
    );
    this.getStmt = db.prepare<[string], { body: string }>('SELECT body FROM incidents WHERE id = ?');
    this.saveResolutionStmt = db.prepare('UPDATE incidents SET resolution = ? WHERE id = ?');
    this.resolutionStmt = db.prepare<[string], { resolution: string | null }>('SELECT resolution FROM incidents WHERE id = ?');
    this.saveStateStmt = db.prepare(
      `INSERT INTO incident_engine (id, body, saved_at) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at`,
    );
    this.loadStateStmt = db.prepare<[], { body: string }>('SELECT body FROM incident_engine WHERE id = 1');
    this.putWindowStmt = db.prepare(
      `INSERT INTO maintenance_windows (id, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    );
    this.deleteWindowStmt = db.prepare('DELETE FROM maintenance_windows WHERE id = ?');
    this.windowsStmt = db.prepare<[], { body: string }>('SELECT body FROM maintenance_windows ORDER BY id');
  }

  /** Saves an incident; the same id again (an update, or a replay after a restart) replaces it. */
  upsert(inc: Incident): void {
    this.upsertStmt.run(inc.id, inc.storeId, inc.status, inc.startedAt, inc.endedAt, JSON.stringify(inc), inc.updatedAt);
  }

  upsertMany(list: readonly Incident[]): void {
    if (list.length === 0) return;
    this.db.transaction(() => {
      for (const inc of list) this.upsert(inc);
    })();
  }

  get(id: string): Incident | null {
    const row = this.getStmt.get(id);
    return row ? readIncident(row.body) : null;
  }

  /** Kept with the incident saved by `upsert`, which leaves it alone. */
  saveResolution(id: string, r: IncidentResolution): void {
    this.saveResolutionStmt.run(JSON.stringify(r), id);
  }

  /** Null for an incident not closed, or closed before resolutions were kept. */
  resolution(id: string): IncidentResolution | null {
    const row = this.resolutionStmt.get(id);
    return row?.resolution ? (JSON.parse(row.resolution) as IncidentResolution) : null;
  }

  /** Newest first. */
  list(q: IncidentQuery): Incident[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.storeId !== undefined) {
      where.push('store_id = ?');
      args.push(q.storeId);
    }
    if (q.storeIds !== undefined) {
      where.push('store_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(q.storeIds));
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.to !== undefined) {
      where.push('started_at < ?');
      args.push(q.to);
    }
    if (q.from !== undefined) {
      where.push('(ended_at IS NULL OR ended_at >= ?)');
      args.push(q.from);
    }
    const sql = `SELECT body FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], { body: string }>(sql).all(...args, q.limit);
    return rows.map((r) => readIncident(r.body));
  }

  /**
   * The incidents open now or ended at or after `since` (ISO UTC), newest first, as `list` with `from` gives them: what
   * today's lost revenue reads, per screen and second. Read through the ended_at index, however large the table grows.
   */
  openOrEndedSince(q: { since: string; storeIds?: readonly string[]; limit: number }): Incident[] {
    // `+store_id`: not through the store index, which would read every incident those stores ever had.
    const scoped = q.storeIds !== undefined ? ' AND +store_id IN (SELECT value FROM json_each(?))' : '';
    const scope = q.storeIds !== undefined ? [JSON.stringify(q.storeIds)] : [];
    // Materialized, so that the order is sorted afterwards: asked for it, the planner walks every incident by started_at.
    const sql = `WITH recent AS MATERIALIZED (
        SELECT body, started_at FROM incidents WHERE ended_at IS NULL${scoped}
        UNION ALL SELECT body, started_at FROM incidents WHERE ended_at >= ?${scoped}
      ) SELECT body FROM recent ORDER BY started_at DESC LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], { body: string }>(sql).all(...scope, q.since, ...scope, q.limit);
    return rows.map((r) => readIncident(r.body));
  }

  /**
   * The figures of the incidents that began in [from, to) (ISO UTC), read out of their records without their
   * timelines: a month of a large fleet's incidents, for the loss report.
   */
  figures(q: { from: string; to: string; storeIds?: readonly string[] }): IncidentFigures[] {
    const scoped = q.storeIds !== undefined ? 'AND store_id IN (SELECT value FROM json_each(?))' : '';
    const sql = `SELECT store_id AS storeId, status, started_at AS startedAt, ended_at AS endedAt,
        json_extract(body, '$.recoveringSince') AS recoveringSince, json_extract(body, '$.kind') AS kind, json_extract(body, '$.visitors') AS visitors,
        json_extract(body, '$.lostRevenue.gross') AS gross, json_extract(body, '$.lostRevenue.net') AS net,
        json_extract(body, '$.lostRevenue.high') AS high, json_extract(body, '$.lostRevenue.currency') AS currency,
        json_extract(body, '$.flags') AS flags
      FROM incidents WHERE started_at >= ? AND started_at < ? ${scoped}`;
    const args: string[] = [q.from, q.to, ...(q.storeIds !== undefined ? [JSON.stringify(q.storeIds)] : [])];
    return this.db
      .prepare<string[], Omit<IncidentFigures, 'flags'> & { flags: string | null }>(sql)
      .all(...args)
      .map((r) => ({ ...r, flags: r.flags ? (JSON.parse(r.flags) as string[]) : [] }));
  }

  saveState(state: EngineState, at: string): void {
    this.saveStateStmt.run(JSON.stringify(state), at);
  }

  loadState(): EngineState | null {
    const row = this.loadStateStmt.get();
    return row ? (JSON.parse(row.body) as EngineState) : null;
  }

  putWindow(w: MaintenanceWindow, at: string): void {
    this.putWindowStmt.run(w.id, JSON.stringify(w), at);
  }

  deleteWindow(id: string): boolean {
    return this.deleteWindowStmt.run(id).changes > 0;
  }

  windows(): MaintenanceWindow[] {
    return this.windowsStmt.all().map((r) => JSON.parse(r.body) as MaintenanceWindow);
  }
}

/** A stored incident; those saved before `recoveringSince` existed were never recovering. */
function readIncident(body: string): Incident {
  const inc = JSON.parse(body) as Incident;
  return { ...inc, recoveringSince: inc.recoveringSince ?? null };
}

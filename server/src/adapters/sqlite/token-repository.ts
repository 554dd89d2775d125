import type { Role } from '@storepulse/protocol';
import type { Db } from './database.js';

export interface TokenRecord {
  id: string;
  role: Role;
  providerId: string | null;
  storeId: string | null;
  label: string;
  createdAt: string;
  revokedAt: string | null;
}

interface Row {
  id: string;
  role: Role;
  provider_id: string | null;
  store_id: string | null;
  label: string;
  created_at: string;
  revoked_at: string | null;
}

const toRecord = (r: Row): TokenRecord => ({
  id: r.id,
  role: r.role,
  providerId: r.provider_id,
  storeId: r.store_id,
  label: r.label,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** API tokens; only their SHA-256 hashes are stored. */
export class TokenRepository {
  private readonly byHash;
  private readonly insertStmt;
  private readonly listStmt;
  private readonly revokeStmt;
  private readonly countAdminsStmt;

  constructor(private readonly db: Db) {
    this.byHash = db.prepare<[string], Row>('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL');
    this.insertStmt = db.prepare(
      'INSERT INTO tokens (id, hash, role, provider_id, store_id, label, created_at) VALUES (@id, @hash, @role, @providerId, @storeId, @label, @createdAt)',
    );
    this.listStmt = db.prepare<[], Row>('SELECT * FROM tokens ORDER BY created_at');
    this.revokeStmt = db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
    this.countAdminsStmt = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM tokens WHERE role = 'hq-admin' AND revoked_at IS NULL");
  }

  findActiveByHash(hash: string): TokenRecord | null {
    const row = this.byHash.get(hash);
    return row ? toRecord(row) : null;
  }

  insert(record: Omit<TokenRecord, 'revokedAt'>, hash: string): void {
    this.insertStmt.run({ ...record, hash });
  }

  /** The token with this hash, revoked or not. */
  findAnyByHash(hash: string): TokenRecord | null {
    const row = this.db.prepare<[string], Row>('SELECT * FROM tokens WHERE hash = ?').get(hash);
    return row ? toRecord(row) : null;
  }

  /** Inserts or re-activates a token under a fixed id (the admin token from the environment). */
  upsertFixed(record: Omit<TokenRecord, 'revokedAt'>, hash: string): void {
    this.db
      .prepare(
        `INSERT INTO tokens (id, hash, role, provider_id, store_id, label, created_at) VALUES (@id, @hash, @role, @providerId, @storeId, @label, @createdAt)
         ON CONFLICT(id) DO UPDATE SET hash = excluded.hash, role = excluded.role, revoked_at = NULL`,
      )
      .run({ ...record, hash });
  }

  list(): TokenRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  revoke(id: string, at: string): boolean {
    return this.revokeStmt.run(at, id).changes > 0;
  }

  activeAdminCount(): number {
    return this.countAdminsStmt.get()!.n;
  }
}

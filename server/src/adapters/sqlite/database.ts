import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Schema steps, applied in order once each; append, never edit a step that has shipped. */
const MIGRATIONS: string[] = [
  `CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     role TEXT NOT NULL,
     provider_id TEXT,
     store_id TEXT,
     label TEXT NOT NULL,
     created_at TEXT NOT NULL,
     revoked_at TEXT
   );
   CREATE TABLE stores (
     id TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('file', 'api')),
     updated_at TEXT NOT NULL
   );`,
  `CREATE TABLE incidents (
     id TEXT PRIMARY KEY,
     store_id TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
     started_at TEXT NOT NULL,
     ended_at TEXT,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX incidents_store_started ON incidents (store_id, started_at);
   CREATE INDEX incidents_started ON incidents (started_at);
   CREATE TABLE incident_engine (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     body TEXT NOT NULL,
     saved_at TEXT NOT NULL
   );
   CREATE TABLE maintenance_windows (
     id TEXT PRIMARY KEY,
     body TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // Where a closed incident's resolution point went in telemetry (JSON): its later figures replace it there.
  `ALTER TABLE incidents ADD COLUMN resolution TEXT;`,
  // Today's lost revenue reads the incidents open or ended lately, several times a second; the table is never pruned.
  `CREATE INDEX incidents_ended ON incidents (ended_at);`,
];

/** Opens (creating if needed) the server's state database in `dataDir` and brings its schema up to date. */
export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'storepulse.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

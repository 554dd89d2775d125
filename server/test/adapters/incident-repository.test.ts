import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { IncidentRepository } from '../../src/adapters/sqlite/incident-repository.js';
import { incident } from '../tickets/incidents.js';

describe('SQLite incident repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-incidents-'));
  const db = openDatabase(dir);
  const repo = new IncidentRepository(db);
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it stored', () => {
    const inc = incident({ id: 'inc_a', storeId: 's1', recoveringSince: '2026-11-23T10:30:00.000Z' });
    repo.upsert(inc);
    expect(repo.get('inc_a')).toEqual(inc);
  });

  it('reads an incident stored before recovery was recorded as not recovering', () => {
    const { recoveringSince: _, ...old } = incident({ id: 'inc_old', storeId: 's1', status: 'closed', endedAt: '2026-11-23T10:30:00.000Z' });
    db.prepare('INSERT INTO incidents (id, store_id, status, started_at, ended_at, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      old.id, old.storeId, old.status, old.startedAt, old.endedAt, JSON.stringify(old), old.updatedAt,
    );
    expect(repo.get('inc_old')).toMatchObject({ id: 'inc_old', recoveringSince: null });
    expect(repo.list({ storeId: 's1', status: 'closed', limit: 10 })).toEqual([expect.objectContaining({ id: 'inc_old', recoveringSince: null })]);
  });
});

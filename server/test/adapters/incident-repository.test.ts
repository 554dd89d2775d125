import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { IncidentRepository } from '../../src/adapters/sqlite/incident-repository.js';
import { incident } from '../tickets/incidents.js';

describe('SQLite incident repository', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-incidents-'));
  let db = openDatabase(dir);
  let repo = new IncidentRepository(db);
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

  it('reads the figures of the incidents begun in a span, without their timelines, scoped to stores', () => {
    repo.upsert(incident({ id: 'fig_1', storeId: 'f1', kind: 'store_offline', startedAt: '2026-11-05T10:00:00.000Z', endedAt: '2026-11-05T11:00:00.000Z', status: 'closed', flags: ['capacity_assumed'] }));
    repo.upsert(incident({ id: 'fig_2', storeId: 'f2', startedAt: '2026-11-06T10:00:00.000Z', recoveringSince: '2026-11-06T10:20:00.000Z' }));
    repo.upsert(incident({ id: 'fig_3', storeId: 'f1', startedAt: '2026-12-01T00:00:00.000Z' }));
    const span = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
    const figures = repo.figures({ ...span, storeIds: ['f1', 'f2'] });
    expect(figures.sort((a, b) => a.startedAt.localeCompare(b.startedAt))).toEqual([
      { storeId: 'f1', kind: 'store_offline', status: 'closed', startedAt: '2026-11-05T10:00:00.000Z', endedAt: '2026-11-05T11:00:00.000Z', recoveringSince: null, visitors: 12, gross: 72, net: 54, high: 90, currency: 'EUR', flags: ['capacity_assumed'] },
      { storeId: 'f2', kind: 'till_down', status: 'open', startedAt: '2026-11-06T10:00:00.000Z', endedAt: null, recoveringSince: '2026-11-06T10:20:00.000Z', visitors: 12, gross: 72, net: 54, high: 90, currency: 'EUR', flags: [] },
    ]);
    expect(repo.figures({ ...span, storeIds: ['f2'] }).map((f) => f.storeId)).toEqual(['f2']);
    expect(repo.figures({ ...span, storeIds: [] })).toEqual([]);
  });

  it('reads the incidents open or ended since a moment through the ended_at index, as a list from that moment gives them', () => {
    const since = '2026-11-22T20:00:00.000Z';
    repo.upsertMany([
      incident({ id: 'now_open', storeId: 'n1', startedAt: '2026-11-20T08:00:00.000Z' }),
      incident({ id: 'now_ended', storeId: 'n2', status: 'closed', startedAt: '2026-11-22T19:00:00.000Z', endedAt: '2026-11-22T21:00:00.000Z' }),
      incident({ id: 'now_yesterday', storeId: 'n1', status: 'closed', startedAt: '2026-11-22T10:00:00.000Z', endedAt: '2026-11-22T19:59:59.999Z' }),
      incident({ id: 'now_other', storeId: 'n3', startedAt: '2026-11-23T08:00:00.000Z' }),
    ]);
    const ids = (list: { id: string }[]) => list.map((i) => i.id).filter((id) => id.startsWith('now_'));
    expect(ids(repo.openOrEndedSince({ since, limit: 100 }))).toEqual(['now_other', 'now_ended', 'now_open']);
    expect(ids(repo.openOrEndedSince({ since, storeIds: ['n1', 'n2'], limit: 100 }))).toEqual(['now_ended', 'now_open']);
    expect(repo.openOrEndedSince({ since, storeIds: ['n1', 'n2'], limit: 100 })).toEqual(repo.list({ from: since, storeIds: ['n1', 'n2'], limit: 100 }));
    expect(repo.openOrEndedSince({ since, storeIds: [], limit: 100 })).toEqual([]);

    for (const storeIds of [undefined, ['n1']]) {
      const prepare = vi.spyOn(db, 'prepare');
      repo.openOrEndedSince({ since, limit: 100, ...(storeIds ? { storeIds } : {}) });
      const sql = prepare.mock.calls.at(-1)![0];
      prepare.mockRestore();
      const args = storeIds ? [JSON.stringify(storeIds), since, JSON.stringify(storeIds), 100] : [since, 100];
      const plan = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...args).map((r) => r.detail);
      // Open ones and lately ended ones each by a search of the index, never a walk over every incident.
      expect(plan.filter((d) => /^SEARCH incidents USING (COVERING )?INDEX incidents_ended \(ended_at[=>]\?\)/.test(d))).toHaveLength(2);
      expect(plan.filter((d) => /^SCAN incidents\b/.test(d))).toEqual([]);
    }
  });

  it('keeps where an incident\'s resolution point went through later saves of the incident, and across a reopen', () => {
    const inc = incident({ id: 'inc_res', storeId: 's1', status: 'closed', endedAt: '2026-11-23T10:30:00.000Z' });
    repo.upsert(inc);
    expect(repo.resolution('inc_res')).toBeNull();
    const resolution = { at: Date.parse('2026-11-23T10:32:00.000Z'), ticket: { ticketId: 'T-1', providerId: 'acme', slaBreached: true } };
    repo.saveResolution('inc_res', resolution);
    repo.upsert({ ...inc, final: true });
    db.close();
    db = openDatabase(dir);
    repo = new IncidentRepository(db);
    expect(repo.resolution('inc_res')).toEqual(resolution);
    expect(repo.get('inc_res')?.final).toBe(true);
  });
});

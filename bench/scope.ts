/**
 * npm run bench:scope — what a provider's view of a 10,000-store fleet costs, run on every provider socket connect,
 * every resent snapshot and every second per provider room with incidents moving: its scope (every store checked
 * against the providers' contracts) and today's incidents read from a large incident table. Each is printed against a
 * baseline taken in the same run: a pass over the fleet with one Set lookup per store, and the same incidents read one
 * by one by their id; and today's incidents also through `list` with `from`, the query they were read with before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Access from '../server/src/services/access.js';
import type * as Database from '../server/src/adapters/sqlite/database.js';
import type * as Repository from '../server/src/adapters/sqlite/incident-repository.js';

const STORES = Number(process.env.BENCH_STORES ?? 10_000);
const PROVIDERS = Number(process.env.BENCH_PROVIDERS ?? 20);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 200_000);
const LOOKBACK_MS = 38 * 3600_000;

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(resolve(repo, path)).href)) as T;
const { StoreAccess } = await load<typeof Access>('server/dist/services/access.js');
const { openDatabase } = await load<typeof Database>('server/dist/adapters/sqlite/database.js');
const { IncidentRepository } = await load<typeof Repository>('server/dist/adapters/sqlite/incident-repository.js');

/** Milliseconds per call, after a warm-up, over at least half a second. */
function msPer(fn: () => unknown): number {
  fn();
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    fn();
    runs++;
  }
  return (performance.now() - t0) / runs;
}

const row = (what: string, ms: number, baseline: string, baseMs: number) =>
  console.log(`| ${what} | ${ms.toFixed(2)} | ${baseline} | ${baseMs.toFixed(2)} | ${(ms / baseMs).toFixed(1)}× |`);

// The fleet, and providers each listing their share of it by id, as the reviewer's measure had it.
const stores = Array.from({ length: STORES }, (_, i) => ({ id: `S${String(i).padStart(5, '0')}`, city: `City ${i % 50}`, provider: null }));
const per = Math.floor(STORES / PROVIDERS);
const providers = Array.from({ length: PROVIDERS }, (_, p) => ({
  id: `P${p}`, name: `Provider ${p}`, categories: 'all' as const, stores: stores.slice(p * per, (p + 1) * per).map((s) => s.id),
}));
const access = new StoreAccess();
access.useProviders(() => providers);
const who = { tokenId: '-', role: 'provider' as const, providerId: 'P7', storeId: null, label: 'P7' };
// IncidentService.scope, as it asks.
const scope = () => stores.filter((s) => access.canSee(who, s)).map((s) => s.id);
const own = new Set(providers[7]!.stores);
const scopeMs = msPer(scope);
const passMs = msPer(() => stores.filter((s) => own.has(s.id)).map((s) => s.id));

// An incident table nine months old: one incident every two minutes somewhere in the fleet, one in a thousand still open.
const dir = mkdtempSync(join(tmpdir(), 'storepulse-bench-scope-'));
const db = openDatabase(dir);
const now = Date.now();
const insert = db.prepare('INSERT INTO incidents (id, store_id, status, started_at, ended_at, body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
const padding = 'x'.repeat(1200);
db.transaction(() => {
  for (let i = 0; i < INCIDENTS; i++) {
    const started = new Date(now - (INCIDENTS - i) * 120_000).toISOString();
    const ended = i % 1000 === 0 ? null : new Date(now - (INCIDENTS - i) * 120_000 + 3600_000).toISOString();
    const body = { id: `inc_${i}`, storeId: stores[(i * 7919) % STORES]!.id, status: ended ? 'closed' : 'open', startedAt: started, endedAt: ended, padding };
    insert.run(body.id, body.storeId, body.status, started, ended, JSON.stringify(body), started);
  }
})();
const incidents = new IncidentRepository(db);
const since = new Date(now - LOOKBACK_MS).toISOString();
const storeIds = scope();
const today = incidents.openOrEndedSince({ since, storeIds, limit: 100_000 });
const todayAll = incidents.openOrEndedSince({ since, limit: 100_000 });
const byId = (list: { id: string }[]) => () => list.map((i) => incidents.get(i.id));

console.log(`bench:scope — ${STORES} stores, ${PROVIDERS} providers listing ${per} store ids each; ${INCIDENTS} incidents, ` +
  `${todayAll.length} open or ended in the last 38 h (${today.length} of them at one provider's stores)`);
console.log('| operation | ms per call | baseline | baseline ms | ratio |');
console.log('|---|---:|---|---:|---:|');
row(`a provider's scope (${storeIds.length} of ${STORES} stores)`, scopeMs, 'a pass over the fleet, one Set lookup per store', passMs);
const providerMs = msPer(() => incidents.openOrEndedSince({ since, storeIds, limit: 100_000 }));
row("today's incidents, a provider's", providerMs, `the same ${today.length} read by id`, msPer(byId(today)));
const hqMs = msPer(() => incidents.openOrEndedSince({ since, limit: 100_000 }));
row("today's incidents, HQ's", hqMs, `the same ${todayAll.length} read by id`, msPer(byId(todayAll)));
row("today's incidents, HQ's, through list with from (before)", msPer(() => incidents.list({ from: since, limit: 100_000 })), "today's incidents, HQ's", hqMs);
db.close();
rmSync(dir, { recursive: true, force: true });

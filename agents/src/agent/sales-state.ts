import { readFile } from 'node:fs/promises';
import { replaceFile } from './replace-file.js';
import type { CsvPosition } from './sales-csv.js';
import type { WindowState } from './sales-window.js';

/**
 * Where the agent's sales reading stands, kept in the spool directory each time a sales bin is spooled, so that after a
 * restart it goes on from there: the sales made while the agent was stopped are sent, in bins of their own.
 */
export interface SalesState {
  v: 1;
  /** The export's path or the endpoint's URL: the state of another source is not used. */
  source: string;
  window: WindowState;
  /** Null for an endpoint, or an export not begun. */
  csv: CsvPosition | null;
}

/**
 * Written by rename, so that a crash never leaves half a file, and flushed to disk first, so that a till PC losing
 * power right after the rename does not come back with an empty one (as the spool's own segments are).
 */
export async function saveSalesState(file: string, state: SalesState): Promise<void> {
  await replaceFile(file, JSON.stringify(state));
}

/** The state saved for `source`; null when none was saved, or, with why, when the one saved cannot be used. */
export async function loadSalesState(file: string, source: string): Promise<{ state: SalesState | null; unusable?: string }> {
  let saved: unknown;
  try {
    saved = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: null };
    return { state: null, unusable: `unreadable: ${(err as Error).message}` };
  }
  const s = loose(saved);
  if (s?.v !== 1 || typeof s.source !== 'string' || !isWindow(loose(s.window)) || !(s.csv === null || isPosition(loose(s.csv)))) {
    return { state: null, unusable: 'not a sales state' };
  }
  if (s.source !== source) return { state: null, unusable: `saved for another source (${s.source})` };
  return { state: saved as SalesState };
}

type Loose = Record<string, unknown> | undefined;
const loose = (x: unknown): Loose => (typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : undefined);
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const numOrNull = (x: unknown) => x === null || num(x);
const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
const listOf = (x: unknown, ok: (e: Loose) => boolean) => Array.isArray(x) && x.every((e) => ok(loose(e)));
const isBin = (b: Loose) => b !== undefined && num(b.binStart) && num(b.binEnd) && b.binEnd > b.binStart && count(b.transactions) && num(b.revenue);

function isWindow(w: Loose): boolean {
  return w !== undefined && num(w.from) && num(w.started) && listOf(w.pending, (s) => num(s?.at) && num(s?.amount))
    && listOf(w.sent, isBin) && listOf(w.revised, isBin);
}

function isPosition(c: Loose): boolean {
  if (c === undefined) return false;
  const h = loose(c.history);
  return count(c.consumed) && typeof c.digest === 'string' && /^[0-9a-f]{64}$/.test(c.digest)
    && (c.pastLine === null || typeof c.pastLine === 'string') && numOrNull(c.newest) && numOrNull(c.lastTime)
    && (c.history === null || (h !== undefined && numOrNull(h.mark) && count(h.lines) && count(h.timed) && typeof h.passed === 'boolean'));
}

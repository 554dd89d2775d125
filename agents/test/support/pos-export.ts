/** A POS export in a temp folder, followed the way the agent follows it, for the sales tests. */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SalesBin } from '../../src/agent/sales.js';
import { CsvSalesSource } from '../../src/agent/sales-csv.js';
import { SalesWindow } from '../../src/agent/sales-window.js';

export const MIN = 60_000;
export const at = (iso: string) => Date.parse(iso);
export const iso = (ms: number) => new Date(ms).toISOString();

/** A folder of exports for one test file. */
export function exportsDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `storepulse-${name}-`));
}

/**
 * An export holding `content` when the agent starts following it (at `start`, default now), in `zone`, and the
 * warnings its reads log; `write` appends whole lines as a POS does.
 */
export async function openExport(dir: string, name: string, opts: { content?: string; zone?: string; start?: number } = {}) {
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, opts.content ?? 'time;amount\n');
  const warnings: Array<{ o: any; msg?: string }> = [];
  const src = new CsvSalesSource(path, { warn: (o, msg) => void warnings.push({ o, msg }) }, opts.zone ?? 'UTC');
  await src.read(opts.start);
  return { path, src, warnings, write: (...lines: string[]) => appendFileSync(path, lines.map((l) => `${l}\n`).join('')) };
}

/** A window that spools every bin it is given, and the bins. */
export function spooling(window: SalesWindow) {
  const spooled: SalesBin[] = [];
  return { spooled, tick: (to: number) => window.catchUp(to, async (b) => (spooled.push(b), true)) };
}

/** The bin from `start`, `minutes` wide, holding sales of these amounts. */
export const bin = (start: string, minutes: number, ...amounts: number[]): SalesBin => ({
  binStart: at(start), binEnd: at(start) + minutes * MIN, transactions: amounts.length, revenue: amounts.reduce((a, b) => a + b, 0),
});

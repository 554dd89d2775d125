import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SalesBin } from '../src/agent/sales.js';
import { SalesWindow } from '../src/agent/sales-window.js';
import { MIN, at, bin, exportsDir, iso, openExport, spooling } from './support/pos-export.js';

const dir = exportsDir('sales-rewrites');
const t0 = at('2026-11-23T10:00:00Z');

const exportAt = (name: string, content?: string, start = t0) => openExport(dir, name, { content, start });

/** What the server ends up with: a bin sent again with the same bounds replaces the one before. */
function sentTotals(spooled: SalesBin[]) {
  const bins = new Map(spooled.map((b) => [`${b.binStart}-${b.binEnd}`, b]));
  let transactions = 0;
  let revenue = 0;
  for (const b of bins.values()) {
    transactions += b.transactions;
    revenue += b.revenue;
  }
  return { transactions, revenue };
}

const rewrite = (path: string, content: string) => {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
};

/** Half an hour of a sale of 10 a minute, stamped by a POS clock `skewMin` off, each read the minute it was made. */
async function halfHourOfSales(pos: Awaited<ReturnType<typeof exportAt>>, tick: (to: number) => Promise<void>, skewMin = 0) {
  const lines: string[] = [];
  for (let m = 1; m <= 30; m++) {
    const line = `${iso(t0 + m * MIN - 30_000 + skewMin * MIN)};10`;
    lines.push(line);
    pos.write(line);
    await tick(t0 + m * MIN);
  }
  return lines;
}

const asExport = (lines: string[]) => `time;amount\n${lines.map((l) => `${l}\n`).join('')}`;

describe('a POS export rewritten with other first bytes is read from its start without counting again what was read', () => {
  it('after a void (the export written anew without one line, plus a new sale), counts the new sale alone', async () => {
    const pos = await exportAt('voided');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    const lines = await halfHourOfSales(pos, tick);
    expect(sentTotals(spooled)).toEqual({ transactions: 30, revenue: 300 });
    // The third sale voided: the POS writes the export anew without it, with the sale made since, and renames it over.
    rewrite(pos.path, asExport([...lines.filter((_, i) => i !== 2), `${iso(t0 + 31 * MIN - 30_000)};10`]));
    await tick(t0 + 31 * MIN);
    // The voided sale's bin is not corrected downward: which earlier sale the missing line was cannot be told.
    expect(sentTotals(spooled)).toEqual({ transactions: 31, revenue: 310 });
    expect(spooled.at(-1)).toEqual({ binStart: t0 + 30 * MIN, binEnd: t0 + 31 * MIN, transactions: 1, revenue: 10 });
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line_old: 29 });
    expect(pos.warnings.map((w) => [w.o.lines, w.msg])).toEqual([[29,
      'POS export: refused lines of a new export read from its start whose time is not after the newest line already read (a sale already counted)']]);
    // Lines appended after it are sales made since, as before.
    pos.write(`${iso(t0 + 31 * MIN + 10_000)};5`);
    await tick(t0 + 32 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 32, revenue: 315 });
  });

  it('after a truncation in place caught half rewritten, then finished with a new sale, counts the new sale alone', async () => {
    const pos = await exportAt('half');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    const lines = await halfHourOfSales(pos, tick);
    const content = asExport(lines);
    writeFileSync(pos.path, content.slice(0, Math.floor(content.length / 2))); // cut short, half written again
    await tick(t0 + 31 * MIN);
    writeFileSync(pos.path, `${content}${iso(t0 + 31 * MIN + 10_000)};10\n`);
    await tick(t0 + 32 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 31, revenue: 310 });
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line_old: 30 });
  });

  it('with a POS clock 20 min behind, still counts the new sale of a rewrite (the mark is the lines\' own time)', async () => {
    const pos = await exportAt('behind');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    const lines = await halfHourOfSales(pos, tick, -20);
    rewrite(pos.path, asExport([...lines.slice(1), `${iso(t0 + 11 * MIN)};10`]));
    await tick(t0 + 31 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 31, revenue: 310 });
    expect(pos.src.counts.get('sales_line_old')).toBe(29);
  });

  it('refuses the lines of a rewrite whose time cannot be read, saying old and new cannot be told apart', async () => {
    const pos = await exportAt('unreadable');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('23/11/2026 10:00:05;7', '23/11/2026 10:00:10;1', '2026-11-23T10:00:20Z;2');
    await tick(t0 + MIN);
    // The first sale voided: the export written anew without it, and a sale made since.
    rewrite(pos.path, 'time;amount\n23/11/2026 10:00:10;1\n2026-11-23T10:00:20Z;2\n2026-11-23T10:01:30Z;4\n');
    await tick(t0 + 2 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 4, revenue: 14 });
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_time_unread: 2, sales_line_old: 2 });
    expect(pos.warnings.at(-2)!.msg).toBe('POS export: refused lines of a new export read from its start whose time is not a date and time '
      + '(whether it is a sale already counted or a new one cannot be told)');
  });

  it('sees a truncation in place already written past where the agent had read, and reads the new export from its start', async () => {
    const pos = await exportAt('truncated');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write(`${iso(t0 + 10_000)};10`);
    await tick(t0 + MIN);
    // The new day's export, cut to nothing and written again, is longer than what was read when next looked at.
    writeFileSync(pos.path, `time;amount\n${[1, 2, 3, 4].map((i) => `${iso(t0 + MIN + i * 1000)};${i}00\n`).join('')}`);
    await tick(t0 + 2 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 5, revenue: 1010 });
    expect(pos.src.counts.size).toBe(0);
  });

  it('keeps reading a new export caught empty as its history until a line later than those read comes', async () => {
    const pos = await exportAt('emptied', 'time;amount\n2026-11-23T09:00:00Z;100\n');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T10:00:10Z;1');
    await tick(t0 + MIN);
    writeFileSync(pos.path, ''); // the POS empties the export...
    await tick(t0 + 2 * MIN);
    // ... then writes the day's lines into it again, and a sale made since.
    writeFileSync(pos.path, 'time;amount\n2026-11-23T09:00:00Z;100\n2026-11-23T10:00:10Z;1\n2026-11-23T10:02:30Z;4\n');
    await tick(t0 + 3 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 2, revenue: 5 });
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line_old: 2 });
  });
});

describe('the last line of the export when the agent starts, without its newline', () => {
  it('is the past when a newline follows it (a POS writing the newline before each line); a line it continues is read whole', async () => {
    // Started 09:50; the last sale, at 09:00, has no newline yet: this POS writes it before the next line.
    const start = at('2026-11-23T09:50:00Z');
    const pos = await exportAt('newline-first', 'time;amount\n2026-11-23T08:59:00Z;5\n2026-11-23T09:00:00Z;999', start);
    const { spooled, tick } = spooling(new SalesWindow(pos.src, start));
    appendFileSync(pos.path, `\n${iso(start + 10_000)};1`);
    await tick(start + MIN); // the new line still waits for what follows it
    appendFileSync(pos.path, `\n${iso(start + 70_000)};2`);
    await tick(start + 2 * MIN);
    expect(sentTotals(spooled)).toEqual({ transactions: 1, revenue: 1 });
    expect(pos.src.counts.size).toBe(0);

    // The same last line, but being written when the agent started (the rest of its amount follows): one sale, 12.50.
    const other = await exportAt('being-written', 'time;amount\n2026-11-23T09:49:59Z;12', start);
    const s = spooling(new SalesWindow(other.src, start));
    appendFileSync(other.path, `.50\n${iso(start + 10_000)};1\n`);
    await s.tick(start + MIN);
    expect(sentTotals(s.spooled)).toEqual({ transactions: 2, revenue: 13.5 });
    expect(Object.fromEntries(other.src.counts)).toEqual({ sales_time_late: 1 });
  });
});

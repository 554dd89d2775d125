import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SalesBin } from '../src/agent/sales.js';
import { SalesWindow } from '../src/agent/sales-window.js';
import { MIN, at, bin, exportsDir, openExport, spooling } from './support/pos-export.js';

const dir = exportsDir('sales-times');

const exportAt = (name: string, zone = 'UTC') => openExport(dir, name, { zone });

describe('sales from a POS export land in the bin of their own time', () => {
  it('puts lines spread over an hour, read at once, each in its own bin of the catch-up', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await exportAt('spread');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    // The agent was held up for an hour (a sleeping PC, an export it could not open): the lines wait in the file.
    pos.write('2026-11-23T10:02:00Z;10', '2026-11-23T11:14:59+01:00;5', '2026-11-23T10:15:00Z;2,50', '2026-11-23T10:44:59.900Z;1',
      '2026-11-23T10:59:00Z;3', '2026-11-23T11:02:00Z;4');
    await tick(t0 + 60 * MIN);
    expect(spooled).toEqual([
      bin('2026-11-23T10:00:00Z', 15, 10, 5), bin('2026-11-23T10:15:00Z', 15, 2.5), bin('2026-11-23T10:30:00Z', 15, 1), bin('2026-11-23T10:45:00Z', 15, 3),
    ]);
    // 11:02 is two minutes ahead of the agent's clock (within what a POS clock may be ahead): it waits for its bin.
    spooled.length = 0;
    await tick(t0 + 65 * MIN);
    expect(spooled).toEqual([bin('2026-11-23T11:00:00Z', 5, 4)]);
    expect(pos.src.counts.size).toBe(0);
  });

  it('keeps the current bin as it was: the lines of the bin, and a line still being written waits for its newline', async () => {
    const t0 = at('2026-11-23T12:00:00Z');
    const pos = await exportAt('current');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T12:00:10Z;12,50', '2026-11-23T12:00:59.999Z;7', '2026-11-23T12:01:00Z;1');
    appendFileSync(pos.path, '2026-11-23T12:00:30Z;3');
    await tick(t0 + MIN);
    // The line at the bin's end belongs to the next bin; the line without its newline is not read yet.
    expect(spooled).toEqual([bin('2026-11-23T12:00:00Z', 1, 12.5, 7)]);
    appendFileSync(pos.path, '.5\n');
    await tick(t0 + 2 * MIN);
    // Written late, 12:00:30 goes back to its own bin, sent again whole: the server replaces a bin sent again with the same bounds.
    expect(spooled.slice(1)).toEqual([bin('2026-11-23T12:00:00Z', 1, 12.5, 7, 3.5), bin('2026-11-23T12:01:00Z', 1, 1)]);
    expect(pos.warnings).toEqual([]);
  });

  it('reads times without an offset in the store\'s zone, both passes of the hour the clocks go back included', async () => {
    // Paris, 2026-10-25: 02:00-03:00 local comes twice, first at UTC+2 (00:00-01:00Z), then at UTC+1 (01:00-02:00Z).
    const pos = await exportAt('dst', 'Europe/Paris');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, at('2026-10-24T23:45:00Z')));
    pos.write('2026-10-25 01:50:00;1', '2026-10-25T02:10:00;2', '2026-10-25 02:50:00;3', '2026-10-25 02:48:00;4',
      '2026-10-25 02:05:00;5', '2026-10-25 02:40:00;6', '2026-10-25 03:05:00;7');
    await tick(at('2026-10-25T02:15:00Z'));
    const sales = spooled.filter((b) => b.transactions > 0).map((b) => [new Date(b.binStart).toISOString().slice(11, 16), b.revenue]);
    // 02:48 came after 02:50: a receipt finished late, still the first pass; 02:05 after 02:50 is the second pass.
    expect(sales).toEqual([['23:45', 1], ['00:00', 2], ['00:45', 3 + 4], ['01:00', 5], ['01:30', 6], ['02:00', 7]]);
    expect(spooled).toHaveLength(10);

    // The spring change skips 02:00-03:00: 01:59 is still UTC+1, 03:01 already UTC+2.
    const spring = await exportAt('spring', 'Europe/Paris');
    const s = spooling(new SalesWindow(spring.src, at('2026-03-29T00:45:00Z')));
    spring.write('2026-03-29 01:59:00;1', '2026-03-29 03:01:00;2');
    await s.tick(at('2026-03-29T01:15:00Z'));
    expect(s.spooled).toEqual([bin('2026-03-29T00:45:00Z', 15, 1), bin('2026-03-29T01:00:00Z', 15, 2)]);
  });

  it('counts and logs a line whose time is unreadable, too far ahead, or too late for its bin, and puts its sale in the bin being filled', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await exportAt('time-off');
    const window = new SalesWindow(pos.src, t0);
    const { spooled, tick } = spooling(window);
    pos.write('2026-11-23T10:00:30Z;1');
    await tick(t0 + MIN);
    for (let m = 2; m <= 20; m++) await tick(t0 + m * MIN);
    expect(spooled[0]).toEqual(bin('2026-11-23T10:00:00Z', 1, 1));
    spooled.length = 0;
    pos.write(
      '23/11/2026 10:20;9', '"Mon, 23 Nov 2026 10:20:00";9', '2026-11-23;9', '2026-11-31T10:20:00Z;9', // no time to read
      '2026-11-23T10:26:01Z;9', '2026-11-23 11:20:00;9', // more than 5 min ahead of 10:21 (an hour: the wrong zone)
      '2026-11-23T09:59:59Z;9', // before the agent started
      '2026-11-23T10:05:59Z;9', // its bin ended 15 min ago or more
      '2026-11-23T10:06:00Z;8', // its bin ended less than 15 min ago: sent again, corrected
      '2026-11-23T10:26:00Z;2', // five minutes ahead: within what a POS clock may be ahead
    );
    await tick(t0 + 21 * MIN);
    // The eight sales whose time could not be used go in the bin read at 10:21, as before times were read.
    expect(spooled).toEqual([bin('2026-11-23T10:06:00Z', 1, 8), bin('2026-11-23T10:20:00Z', 1, 9, 9, 9, 9, 9, 9, 9, 9)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_time_unread: 4, sales_time_ahead: 2, sales_time_late: 2 });
    expect(pos.src.rejectedLines).toBe(0);
    const goes = ': their sales go in the bin being filled';
    expect(pos.warnings.map((w) => [w.o.lines, w.o.first, w.msg])).toEqual([
      [4, '23/11/2026 10:20;9', `POS export: lines whose time is not a date and time such as 2026-12-07T14:03:22, 2026-12-07 14:03:22 or 2026-12-07T13:03:22Z${goes}`],
      [2, '2026-11-23T10:26:01Z;9', `POS export: lines whose time is more than 5 min ahead of the agent's clock (the POS clock, or the time zone, is wrong)${goes}`],
      [1, '2026-11-23T09:59:59Z;9', `POS export: lines whose time is before the agent started reading the export${goes}`],
      [1, '2026-11-23T10:05:59Z;9', `POS export: lines whose sales bin, already sent, ended more than 15 min ago (too late to correct it)${goes}`],
      // Eight lines of ten: the export's clock, zone or format looks wrong.
      [8, undefined, expect.stringMatching(/^POS export: most lines' times are .* \(probes\.sales\.timezone\)/)],
    ]);
    // The sale five minutes ahead lands in its own bin.
    await tick(t0 + 27 * MIN);
    expect(spooled.slice(2)).toEqual([bin('2026-11-23T10:21:00Z', 6, 2)]);
  });

  it('sends no bins for a span older than the spool keeps; a line read later with such a time goes in the bin being filled', async () => {
    const t0 = at('2026-11-20T10:00:00Z');
    const pos = await exportAt('spool-age');
    const window = new SalesWindow(pos.src, t0);
    const { spooled, tick } = spooling(window);
    const now = at('2026-11-23T10:30:00Z');
    const oldest = now - 72 * 60 * MIN;
    expect(window.forget(oldest)).toBe(t0);
    // Written since the last read, 10:20 three days ago is a sale made since, by a clock three days behind.
    pos.write('2026-11-20T10:20:00Z;5', '2026-11-20T10:35:00Z;6');
    await tick(now);
    expect(spooled[0]!.binStart).toBe(oldest);
    expect(spooled.filter((b) => b.transactions > 0)).toEqual([bin('2026-11-20T10:30:00Z', 15, 6), bin('2026-11-23T10:15:00Z', 15, 5)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_time_late: 1 });
    expect(pos.warnings[0]!.msg).toBe('POS export: lines whose time is older than the spool keeps (spool.maxAgeH): their sales go in the bin being filled');

    // In a new export read from its start, such a line is that file's past: refused, not counted now.
    writeFileSync(`${pos.path}.new`, '2026-11-19T08:00:00Z;70\n2026-11-23T10:31:00Z;1\n');
    renameSync(`${pos.path}.new`, pos.path);
    spooled.length = 0;
    await tick(now + 2 * MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:30:00Z', 2, 1)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_time_late: 1, sales_line_old: 1 });
    expect(pos.warnings.at(-1)!.msg).toBe('POS export: refused lines of a new export read from its start whose time is older than the spool keeps (spool.maxAgeH)');
  });

  it('sends a corrected bin again until the spool keeps it, and loses no sale when it cannot', async () => {
    const t0 = at('2026-11-23T14:00:00Z');
    const pos = await exportAt('correction-refused');
    const window = new SalesWindow(pos.src, t0);
    const spooled: SalesBin[] = [];
    let full = false;
    const spool = async (b: SalesBin) => !full && (spooled.push(b), true);
    pos.write('2026-11-23T14:00:10Z;1');
    await window.catchUp(t0 + MIN, spool);
    pos.write('2026-11-23T14:00:20Z;2', '2026-11-23T14:01:10Z;3');
    full = true; // disk full: neither the corrected bin nor the next one is kept
    await window.catchUp(t0 + 2 * MIN, spool);
    full = false;
    pos.write('2026-11-23T14:00:30Z;4', '2026-11-23T14:02:10Z;5');
    await window.catchUp(t0 + 3 * MIN, spool);
    expect(spooled).toEqual([
      bin('2026-11-23T14:00:00Z', 1, 1), bin('2026-11-23T14:00:00Z', 1, 1, 2, 4), bin('2026-11-23T14:01:00Z', 2, 3, 5),
    ]);
  });
});

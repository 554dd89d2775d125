import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SalesWindow } from '../src/agent/sales-window.js';
import { MIN, at, bin, exportsDir, iso, openExport, spooling } from './support/pos-export.js';

const dir = exportsDir('sales-time-off');

const exportAt = (name: string, content?: string) => openExport(dir, name, { content });

const clockWarnings = (warnings: Array<{ msg?: string }>) => warnings.filter((w) => /probes\.sales\.timezone/.test(w.msg ?? ''));

describe('a POS export line whose time is off still delivers its sale, in the bin being filled', () => {
  it('counts a sale whose time is unreadable in the current bin', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await exportAt('unreadable');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T10:00:10Z;1', '23/11/2026 10:00:40;4');
    await tick(t0 + MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 1, 4)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_time_unread: 1 });
    expect(pos.src.rejectedLines).toBe(0);
    expect(pos.warnings).toEqual([{
      o: { file: pos.path, key: 'sales_time_unread', lines: 1, first: '23/11/2026 10:00:40;4' },
      msg: 'POS export: lines whose time is not a date and time such as 2026-12-07T14:03:22, 2026-12-07 14:03:22 or 2026-12-07T13:03:22Z: their sales go in the bin being filled',
    }]);
    // One odd line of two is not most of them: nothing says the export's clock looks wrong.
    expect(clockWarnings(pos.warnings)).toEqual([]);
  });

  it('still refuses a line whose amount cannot be read, whatever its time', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await exportAt('bad-amount');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T10:00:10Z;0x10', '23/11/2026 10:00:20;abc', '2026-11-23T10:00:30Z;2');
    await tick(t0 + MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 2)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line: 2 });
    expect(pos.src.rejectedLines).toBe(2);
    expect(pos.warnings.map((w) => w.msg)).toEqual(['POS export: refused lines without a plain amount']);
  });

  for (const [skew, key] of [[-20, 'sales_time_late'], [10, 'sales_time_ahead']] as const) {
    it(`delivers every sale of a POS whose clock is ${Math.abs(skew)} min ${skew < 0 ? 'behind' : 'ahead'}, each in the bin it was read in, and warns once`, async () => {
      const t0 = at('2026-11-23T10:00:00Z');
      const pos = await exportAt(`skew${skew}`);
      const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
      // A sale a minute, two on the even minutes, stamped by the POS's clock; the agent reads the export every minute.
      let amounts = 0;
      for (let m = 1; m <= 30; m++) {
        const written = t0 + m * MIN - 20_000;
        pos.write(`${iso(written + skew * MIN).slice(0, 19)};${m}`, ...(m % 2 === 0 ? [`${iso(written + 5000 + skew * MIN)};1`] : []));
        amounts += m + (m % 2 === 0 ? 1 : 0);
        await tick(t0 + m * MIN);
      }
      expect(spooled).toHaveLength(30);
      expect(spooled.map((b) => [b.binEnd - b.binStart, b.transactions])).toEqual(
        Array.from({ length: 30 }, (_, i) => [MIN, (i + 1) % 2 === 0 ? 2 : 1]));
      expect(spooled.reduce((n, b) => n + b.revenue, 0)).toBe(amounts);
      expect(Object.fromEntries(pos.src.counts)).toEqual({ [key]: 45 });
      expect(pos.src.rejectedLines).toBe(0);
      // The export as a whole looks wrong: said once (at most once an hour), naming the setting to look at.
      expect(clockWarnings(pos.warnings)).toEqual([{
        o: { file: pos.path, lines: 1, of: 1, zone: 'UTC' },
        msg: "POS export: most lines' times are unreadable, more than 5 min ahead of the PC's clock or too far behind it: the export's clock, "
          + "its time zone (probes.sales.timezone) or its time format looks wrong; their sales are counted when read, not at their own time",
      }]);
      // And each read says which lines, with the first of them, as for any other odd line.
      expect(pos.warnings.filter((w) => w.o.key === key)).toHaveLength(30);
    });
  }
});

describe('a POS export rewritten whole', () => {
  it('counts only the lines added when the export is rewritten with the lines already read first and renamed into place', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    // Lines before the agent started are the export's past, skipped, but known again when the export is rewritten.
    const pos = await exportAt('rewritten', 'time;amount\n2026-11-23T09:58:00Z;100\n2026-11-23T09:59:00Z;200\n');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T10:00:10Z;1', '2026-11-23T10:00:20Z;2');
    appendFileSync(pos.path, '2026-11-23T10:00:50Z;3'); // still being written
    await tick(t0 + MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 1, 2)]);
    const rewrite = (content: string) => {
      writeFileSync(`${pos.path}.tmp`, content);
      renameSync(`${pos.path}.tmp`, pos.path);
    };
    // The POS writes the export anew, the line it was writing finished and one more, and renames it over the old one.
    const before = 'time;amount\n2026-11-23T09:58:00Z;100\n2026-11-23T09:59:00Z;200\n2026-11-23T10:00:10Z;1\n2026-11-23T10:00:20Z;2\n';
    rewrite(`${before}2026-11-23T10:00:50Z;3\n2026-11-23T10:01:30Z;4\n`);
    await tick(t0 + 2 * MIN);
    // 10:00:50 was in the sent bin (corrected, once), 10:01:30 in the next; 1 and 2 were not read twice.
    expect(spooled.slice(1)).toEqual([bin('2026-11-23T10:00:00Z', 1, 1, 2, 3), bin('2026-11-23T10:01:00Z', 1, 4)]);
    rewrite(`${before}2026-11-23T10:00:50Z;3\n2026-11-23T10:01:30Z;4\n2026-11-23T10:02:30Z;5\n`);
    await tick(t0 + 3 * MIN);
    expect(spooled.slice(3)).toEqual([bin('2026-11-23T10:02:00Z', 1, 5)]);
    expect(pos.src.counts.size).toBe(0);
    expect(pos.warnings).toEqual([]);
  });

  it('reads a really new export from its start, and refuses its past (before the agent started) rather than counting it now', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await exportAt('replaced', 'time;amount\n2026-11-23T09:58:00Z;100\n');
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    pos.write('2026-11-23T10:00:10Z;1', '2026-11-23T10:00:20Z;2');
    await tick(t0 + MIN);
    // A new export put in place, longer than what was read of the old one: only its first bytes tell it apart.
    writeFileSync(`${pos.path}.tmp`, 'time;amount\n2026-11-23T09:59:00Z;50\n2026-11-23T10:01:10Z;7\n2026-11-23T10:01:20Z;8\n'
      + '2026-11-23T10:01:30Z;0.5\n2026-11-23T10:01:40Z;0.5\n');
    renameSync(`${pos.path}.tmp`, pos.path);
    await tick(t0 + 2 * MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 1, 2), bin('2026-11-23T10:01:00Z', 1, 7, 8, 0.5, 0.5)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line_old: 1 });
    expect(pos.warnings.map((w) => [w.o.first, w.msg])).toEqual([[
      '2026-11-23T09:59:00Z;50',
      'POS export: refused lines of a new export read from its start whose time is before the agent started reading the export',
    ]]);
    // Lines then added to it are sales made since: one stamped before the agent started goes in the bin being filled.
    pos.write('2026-11-23T09:59:30Z;9', '2026-11-23T10:02:10Z;10');
    await tick(t0 + 3 * MIN);
    expect(spooled.slice(2)).toEqual([bin('2026-11-23T10:02:00Z', 1, 9, 10)]);
    expect(Object.fromEntries(pos.src.counts)).toEqual({ sales_line_old: 1, sales_time_late: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { SalesWindow } from '../src/agent/sales-window.js';
import { MIN, at, bin, exportsDir, iso, openExport, spooling } from './support/pos-export.js';

const dir = exportsDir('sales-clock-back');

describe('the PC clock set back behind the last sales bin', () => {
  it('sends no bin until the clock passes that bin\'s end again, reports it once, and keeps the sales read meanwhile', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    const pos = await openExport(dir, 'set-back', { start: t0 });
    const reports: Array<{ reason: string; o: object }> = [];
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0, (reason, o) => void reports.push({ reason, o })));
    pos.write(`${iso(t0 + 30_000)};1`);
    await tick(t0 + MIN);
    // The clock goes back 30 min: a sale stamped by it, read twice before the clock is back where it was.
    pos.write(`${iso(t0 - 29 * MIN)};2`);
    await tick(t0 - 29 * MIN);
    await tick(t0 - 20 * MIN);
    await tick(t0 + MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 1)]);
    expect(reports).toEqual([{ reason: 'sales_clock_behind', o: { from: iso(t0 + MIN), to: iso(t0 - 29 * MIN) } }]);
    await tick(t0 + 2 * MIN);
    expect(spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 1), bin('2026-11-23T10:01:00Z', 1, 2)]);
  });

  it('makes no bin narrower than the protocol takes (10 s): its sales go in the next one', async () => {
    const t0 = at('2026-11-23T12:00:00Z');
    const pos = await openExport(dir, 'narrow', { start: t0 });
    const { spooled, tick } = spooling(new SalesWindow(pos.src, t0));
    await tick(t0 + MIN);
    pos.write(`${iso(t0 + MIN + 2000)};3`);
    await tick(t0 + MIN + 5000);
    expect(spooled).toEqual([bin('2026-11-23T12:00:00Z', 1)]);
    await tick(t0 + 2 * MIN);
    expect(spooled).toEqual([bin('2026-11-23T12:00:00Z', 1), bin('2026-11-23T12:01:00Z', 1, 3)]);
  });
});

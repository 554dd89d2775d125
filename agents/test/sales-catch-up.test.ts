import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SalesBin } from '../src/agent/sales.js';
import { SalesWindow } from '../src/agent/sales-window.js';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe('sales from a POS endpoint after an outage', () => {
  let pos: Server;
  let url = '';
  let up = true;
  /** Instants of the sales the POS holds, 10 € each. */
  let sales: number[] = [];
  const asked: string[] = [];
  beforeAll(async () => {
    pos = createServer((req, res) => {
      const u = new URL(req.url!, 'http://pos');
      const from = Date.parse(u.searchParams.get('from')!);
      const to = Date.parse(u.searchParams.get('to')!);
      asked.push(`${u.searchParams.get('from')}..${u.searchParams.get('to')}`);
      const n = sales.filter((t) => t >= from && t < to).length;
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ transactions: n, revenue: n * 10 }));
    });
    await new Promise<void>((r) => pos.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(pos.address() as AddressInfo).port}/sales`;
  });
  afterAll(() => new Promise<void>((r) => pos.close(() => r())));

  const bin = (start: string, minutes: number, transactions: number): SalesBin =>
    ({ binStart: at(start), binEnd: at(start) + minutes * MIN, transactions, revenue: transactions * 10 });

  it('asks for each bin of at most 15 min on its own, so each carries its own sales', async () => {
    const t0 = at('2026-11-23T10:00:00Z');
    // A sale a minute from 10:00 to 11:00, then none: the POS answered nothing until 12:00.
    sales = Array.from({ length: 60 }, (_, i) => t0 + i * MIN + 30_000);
    const window = new SalesWindow(url, t0);
    const spooled: SalesBin[] = [];
    const keep = async (b: SalesBin) => (spooled.push(b), true);
    up = false;
    await expect(window.catchUp(t0 + MIN, keep)).rejects.toThrow(/HTTP 503/);
    up = true;
    await window.catchUp(t0 + 120 * MIN, keep);
    expect(spooled).toEqual([
      bin('2026-11-23T10:00:00Z', 15, 15), bin('2026-11-23T10:15:00Z', 15, 15), bin('2026-11-23T10:30:00Z', 15, 15), bin('2026-11-23T10:45:00Z', 15, 15),
      bin('2026-11-23T11:00:00Z', 15, 0), bin('2026-11-23T11:15:00Z', 15, 0), bin('2026-11-23T11:30:00Z', 15, 0), bin('2026-11-23T11:45:00Z', 15, 0),
    ]);
    // 40 min behind: three equal bins, none too narrow for the protocol.
    spooled.length = 0;
    await window.catchUp(t0 + 160 * MIN, keep);
    expect(spooled.map((b) => (b.binEnd - b.binStart) / 1000)).toEqual([800, 800, 800]);
    expect(spooled.at(-1)!.binEnd).toBe(t0 + 160 * MIN);
  });

  it('stops at a bin the spool refused and asks for it again next time', async () => {
    const t0 = at('2026-11-23T14:00:00Z');
    sales = [t0 + 5 * MIN, t0 + 20 * MIN, t0 + 35 * MIN];
    const window = new SalesWindow(url, t0);
    const spooled: SalesBin[] = [];
    await window.catchUp(t0 + 45 * MIN, async (b) => spooled.length < 1 && (spooled.push(b), true));
    expect(spooled).toEqual([bin('2026-11-23T14:00:00Z', 15, 1)]);
    asked.length = 0;
    await window.catchUp(t0 + 45 * MIN, async (b) => (spooled.push(b), true));
    expect(spooled).toEqual([bin('2026-11-23T14:00:00Z', 15, 1), bin('2026-11-23T14:15:00Z', 15, 1), bin('2026-11-23T14:30:00Z', 15, 1)]);
    expect(asked[0]).toBe('2026-11-23T14:15:00.000Z..2026-11-23T14:30:00.000Z');
  });

  it('asks for no bin while the clock is set back behind the last one\'s end, and reports it once', async () => {
    const t0 = at('2026-11-23T16:00:00Z');
    const reports: string[] = [];
    const window = new SalesWindow(url, t0, (reason) => void reports.push(reason));
    await window.catchUp(t0 + MIN, async () => true);
    asked.length = 0;
    await window.catchUp(t0 - 30 * MIN, async () => true);
    await window.catchUp(t0 + MIN, async () => true);
    expect(asked).toEqual([]);
    expect(reports).toEqual(['sales_clock_behind']);
    await window.catchUp(t0 + 2 * MIN, async () => true);
    expect(asked).toEqual(['2026-11-23T16:01:00.000Z..2026-11-23T16:02:00.000Z']);
  });

  it('gives up sales older than the bound it is given, and says from where', async () => {
    const t0 = at('2026-11-20T00:00:00Z');
    const window = new SalesWindow(url, t0);
    const oldest = at('2026-11-23T09:30:00Z');
    expect(window.forget(oldest)).toBe(t0);
    expect(window.forget(oldest)).toBeNull();
    asked.length = 0;
    await window.catchUp(at('2026-11-23T10:00:00Z'), async () => true);
    expect(asked).toEqual(['2026-11-23T09:30:00.000Z..2026-11-23T09:45:00.000Z', '2026-11-23T09:45:00.000Z..2026-11-23T10:00:00.000Z']);
  });
});

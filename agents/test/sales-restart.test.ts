import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SalesBin } from '../src/agent/sales.js';
import { startSalesFeed, type SalesFeed } from '../src/agent/sales-feed.js';
import { MIN, at, bin, exportsDir, iso } from './support/pos-export.js';

const dir = exportsDir('sales-restart');
const HOUR = 60 * MIN;
const t0 = at('2026-11-23T10:00:00Z');

/** A till's POS export, and the agent's sales feed of it started, run and stopped at the agent clock's times given. */
function till(name: string, maxAgeMs = 72 * HOUR) {
  const path = join(dir, `${name}.csv`);
  const stateFile = join(dir, `${name}-sales.json`);
  const spooled: SalesBin[] = [];
  const reports: Array<{ reason: string; o: object; msg: string }> = [];
  const warnings: Array<{ o: object; msg?: string }> = [];
  let feed: SalesFeed;
  const at = (now: number) => vi.setSystemTime(now);
  return {
    path, stateFile, spooled, reports, warnings,
    get counts() { return Object.fromEntries(feed.counts); },
    write: (...lines: string[]) => appendFileSync(path, lines.map((l) => `${l}\n`).join('')),
    async start(now: number) {
      at(now);
      feed = await startSalesFeed({ csv: path, currency: 'EUR', timezone: 'UTC' }, {
        stateFile, maxAgeMs, zone: 'UTC',
        logger: { warn: (o, msg) => void warnings.push({ o, msg }) },
        reject: (reason, o, msg) => void reports.push({ reason, o, msg }),
        spoolBin: async (b) => (spooled.push(b), true),
      });
    },
    round: async (now: number) => (at(now), feed.round()),
    stop: async (now: number) => (at(now), feed.stop()),
  };
}

const span = (from: number, to: number, ...amounts: number[]): SalesBin =>
  ({ binStart: from, binEnd: to, transactions: amounts.length, revenue: amounts.reduce((a, b) => a + b, 0) });

beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'] }));
afterEach(() => void vi.useRealTimers());

describe('the sales feed across a restart of the agent', () => {
  it('sends the lines read since the last bin when it stops, and those written while it was stopped in their own bins', async () => {
    const pos = till('restart');
    writeFileSync(pos.path, 'time;amount\n2026-11-23T09:00:00Z;99\n'); // the export's past
    await pos.start(t0);
    expect(pos.warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/^no sales state saved \(a first start/)]);
    pos.write(`${iso(t0 + 30_000)};10`);
    await pos.round(t0 + MIN);
    pos.write(`${iso(t0 + MIN + 10_000)};20`, `${iso(t0 + MIN + 20_000)};30`);
    await pos.stop(t0 + MIN + 30_000);
    pos.write(`${iso(t0 + 20 * MIN)};40`); // the agent is stopped
    await pos.start(t0 + 40 * MIN);
    pos.write(`${iso(t0 + 40 * MIN + 10_000)};50`);
    await pos.round(t0 + 41 * MIN);
    // 39.5 min since the last bin: three bins of 13 min 10 s, each with its own sales.
    const part = 13 * MIN + 10_000;
    const from = t0 + MIN + 30_000;
    expect(pos.spooled).toEqual([
      bin('2026-11-23T10:00:00Z', 1, 10), span(t0 + MIN, from, 20, 30),
      span(from, from + part), span(from + part, from + 2 * part, 40), span(from + 2 * part, t0 + 41 * MIN, 50),
    ]);
    expect(pos.reports).toEqual([]);
    expect(pos.warnings).toHaveLength(1);
  });

  it('keeps the sales of a stop less than 10 s after the last bin, and of lines a few minutes ahead, for the next start', async () => {
    const pos = till('soon');
    writeFileSync(pos.path, 'time;amount\n');
    await pos.start(t0);
    // A POS clock 3 min ahead: the sale waits for its bin.
    pos.write(`${iso(t0 + 4 * MIN)};7`);
    await pos.round(t0 + MIN);
    pos.write(`${iso(t0 + MIN + 1000)};20`);
    await pos.stop(t0 + MIN + 5000);
    await pos.start(t0 + 2 * MIN);
    await pos.round(t0 + 5 * MIN);
    expect(pos.spooled).toEqual([bin('2026-11-23T10:00:00Z', 1), bin('2026-11-23T10:01:00Z', 4, 20, 7)]);
    expect(pos.counts).toEqual({});
  });

  it('does not take the last line of the export at the first start for a sale, when its newline comes while stopped', async () => {
    const pos = till('newline-first');
    // A POS writing the newline before each line: the last sale, of the export's past, has none yet.
    writeFileSync(pos.path, 'time;amount\n2026-11-23T09:00:00Z;99');
    await pos.start(t0);
    await pos.round(t0 + MIN);
    await pos.stop(t0 + 2 * MIN);
    appendFileSync(pos.path, `\n${iso(t0 + 3 * MIN)};10`);
    await pos.start(t0 + 4 * MIN);
    appendFileSync(pos.path, `\n${iso(t0 + 4 * MIN + 10_000)};20`);
    await pos.round(t0 + 5 * MIN);
    expect(pos.spooled.slice(2)).toEqual([bin('2026-11-23T10:02:00Z', 3, 10)]);
    expect(pos.counts).toEqual({});
  });

  it('reads an export rotated while it was stopped from its start, refusing the lines already read', async () => {
    const pos = till('rotated');
    writeFileSync(pos.path, 'time;amount\n');
    await pos.start(t0);
    pos.write(`${iso(t0 + 10_000)};10`, `${iso(t0 + 20_000)};5`);
    await pos.round(t0 + MIN);
    await pos.stop(t0 + 2 * MIN);
    // While stopped, the POS writes the export anew without the voided first sale, and with a new one.
    writeFileSync(`${pos.path}.new`, `time;amount\n${iso(t0 + 20_000)};5\n${iso(t0 + 3 * MIN)};60\n`);
    renameSync(`${pos.path}.new`, pos.path);
    await pos.start(t0 + 4 * MIN);
    await pos.round(t0 + 5 * MIN);
    expect(pos.spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 10, 5), bin('2026-11-23T10:01:00Z', 1), bin('2026-11-23T10:02:00Z', 3, 60)]);
    expect(pos.counts).toEqual({ sales_line_old: 1 });
    expect(pos.warnings.map((w) => w.msg)).toContainEqual(expect.stringMatching(/^POS export no longer starts with the lines read before the agent stopped/));
  });

  it('counts a stop longer than the spool keeps as before: no bins for that span, older lines in the bin being filled', async () => {
    const pos = till('long-stop', HOUR);
    writeFileSync(pos.path, 'time;amount\n');
    await pos.start(t0);
    await pos.round(t0 + MIN);
    await pos.stop(t0 + 2 * MIN);
    pos.write(`${iso(t0 + 30 * MIN)};7`, `${iso(t0 + 150 * MIN)};8`);
    await pos.start(t0 + 3 * HOUR);
    await pos.round(t0 + 181 * MIN);
    expect(pos.reports.map((r) => [r.reason, r.o])).toEqual([['sales_not_asked', { from: iso(t0 + 2 * MIN), to: iso(t0 + 121 * MIN) }]]);
    expect(pos.spooled.slice(2)).toEqual([
      bin('2026-11-23T12:01:00Z', 15), bin('2026-11-23T12:16:00Z', 15, 8), bin('2026-11-23T12:31:00Z', 15), bin('2026-11-23T12:46:00Z', 15, 7),
    ]);
    expect(pos.counts).toEqual({ sales_time_late: 1 });
  });

  it('starts as without a state, warning, when the state saved cannot be used', async () => {
    const pos = till('bad-state');
    writeFileSync(pos.path, 'time;amount\n2026-11-23T09:00:00Z;99\n');
    writeFileSync(pos.stateFile, '{"v":1,"source":');
    await pos.start(t0);
    pos.write(`${iso(t0 + 30_000)};10`);
    await pos.round(t0 + MIN);
    expect(pos.spooled).toEqual([bin('2026-11-23T10:00:00Z', 1, 10)]);
    expect(pos.reports.map((r) => [r.reason, r.msg])).toEqual([['sales_state', expect.stringMatching(/^sales state not used, unreadable: .*: sales are taken from now on, those made while the agent was stopped are not sent$/)]]);

    // That round saved a state; one of another export, or one that is not a state, is not used either.
    const saved = JSON.parse(readFileSync(pos.stateFile, 'utf8'));
    writeFileSync(pos.stateFile, JSON.stringify({ ...saved, source: join(dir, 'other.csv') }));
    await pos.start(t0 + 2 * MIN);
    writeFileSync(pos.stateFile, JSON.stringify({ ...saved, window: { ...saved.window, sent: [{ binStart: t0 }] } }));
    await pos.start(t0 + 3 * MIN);
    expect(pos.reports.slice(1).map((r) => r.msg)).toEqual([
      expect.stringMatching(/^sales state not used, saved for another source \(.*other\.csv\):/),
      expect.stringMatching(/^sales state not used, not a sales state:/),
    ]);
  });
});

describe('a POS export missing when the agent starts', () => {
  it('is an empty one: said once, and read from its start when it appears', async () => {
    const pos = till('missing');
    await pos.start(t0);
    await pos.round(t0 + MIN);
    await pos.round(t0 + 2 * MIN);
    writeFileSync(pos.path, `time;amount\n${iso(t0 + 2 * MIN + 10_000)};5\n`);
    await pos.round(t0 + 3 * MIN);
    expect(pos.spooled).toEqual([bin('2026-11-23T10:00:00Z', 1), bin('2026-11-23T10:01:00Z', 1), bin('2026-11-23T10:02:00Z', 1, 5)]);
    expect(pos.reports).toEqual([]);
    expect(pos.warnings.filter((w) => /not found/.test(w.msg ?? ''))).toEqual([
      { o: { file: pos.path }, msg: 'POS export not found at the start: it is read from its start once it appears' },
    ]);
    expect(pos.counts).toEqual({});
  });
});

describe('the sales feed of a POS endpoint across a restart of the agent', () => {
  it('asks at the next start for the bins it missed while stopped', async () => {
    const asked: string[] = [];
    const pos = createServer((req, res) => {
      const u = new URL(req.url!, 'http://pos');
      asked.push(`${u.searchParams.get('from')}..${u.searchParams.get('to')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"transactions":1,"revenue":5}');
    });
    await new Promise<void>((r) => pos.listen(0, '127.0.0.1', r));
    const start = (now: number) => (vi.setSystemTime(now), startSalesFeed({ url: `http://127.0.0.1:${(pos.address() as AddressInfo).port}/sales`, currency: 'EUR' }, {
      stateFile: join(dir, 'endpoint-sales.json'), maxAgeMs: 72 * HOUR, zone: 'UTC',
      logger: { warn: () => {} }, reject: () => {}, spoolBin: async () => true,
    }));
    try {
      const first = await start(t0);
      vi.setSystemTime(t0 + MIN);
      await first.round();
      await first.stop();
      const second = await start(t0 + 20 * MIN);
      vi.setSystemTime(t0 + 21 * MIN);
      await second.round();
      expect(asked).toEqual([[0, 1], [1, 11], [11, 21]].map(([a, b]) => `${iso(t0 + a! * MIN)}..${iso(t0 + b! * MIN)}`));
    } finally {
      await new Promise<void>((r) => pos.close(() => r()));
    }
  });
});

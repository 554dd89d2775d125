import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AxisDiffer, parseLiveSum } from '../src/agent/counters/axis.js';
import { AxisPoller } from '../src/agent/counters/axis-poller.js';

const at = (iso: string) => Date.parse(iso);

describe('Axis live-sum differencing (Europe/Madrid, UTC+1 in November)', () => {
  it('turns cumulative readings into bins in UTC', () => {
    const d = new AxisDiffer('Europe/Madrid');
    expect(d.push({ timestamp: '20261123100000', in: 100, out: 90 })).toEqual({ kind: 'baseline' });
    expect(d.push({ timestamp: '20261123100100', in: 104, out: 91 })).toEqual({
      kind: 'bin', bin: { binStart: at('2026-11-23T09:00:00Z'), binEnd: at('2026-11-23T09:01:00Z'), in: 4, out: 1 },
    });
  });

  it('counts from zero after local midnight instead of going negative', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123235900', in: 950, out: 948 });
    expect(d.push({ timestamp: '20261124000000', in: 2, out: 0 })).toEqual({
      kind: 'bin', note: 'midnight',
      bin: { binStart: at('2026-11-23T22:59:00Z'), binEnd: at('2026-11-23T23:00:00Z'), in: 2, out: 0 },
    });
    expect(d.push({ timestamp: '20261124000100', in: 3, out: 1 })).toMatchObject({ bin: { in: 1, out: 1 } });
  });

  it('counts from zero after a device restart within the day', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123120000', in: 500, out: 480 });
    expect(d.push({ timestamp: '20261123120100', in: 3, out: 2 })).toMatchObject({ kind: 'bin', note: 'restart', bin: { in: 3, out: 2 } });
    expect(d.push({ timestamp: '20261123120200', in: 7, out: 2 })).toMatchObject({ kind: 'bin', bin: { in: 4, out: 0 } });
  });

  it('never counts a reading twice or goes back in time', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123120000', in: 10, out: 10 });
    d.push({ timestamp: '20261123120100', in: 12, out: 10 });
    expect(d.push({ timestamp: '20261123120100', in: 12, out: 10 }).kind).toBe('ignored');
    expect(d.push({ timestamp: '20261123115900', in: 9, out: 9 }).kind).toBe('ignored');
    expect(d.push({ timestamp: '20261123120200', in: 13, out: 11 })).toMatchObject({ bin: { in: 1, out: 1 } });
  });

  it('reports the counts over a silence longer than a bin as a gap, and counts on from there', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123100000', in: 100, out: 90 });
    expect(d.push({ timestamp: '20261123120000', in: 2100, out: 2000 })).toEqual({
      kind: 'gap', from: at('2026-11-23T09:00:00Z'), to: at('2026-11-23T11:00:00Z'), in: 2000, out: 1910,
    });
    expect(d.push({ timestamp: '20261123120100', in: 2117, out: 2010 })).toEqual({
      kind: 'bin', bin: { binStart: at('2026-11-23T11:00:00Z'), binEnd: at('2026-11-23T11:01:00Z'), in: 17, out: 10 },
    });
  });

  it('still makes one bin of a reading a few seconds past 15 min (a 900 s poll), the widest allowed', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123120000', in: 10, out: 10 });
    expect(d.push({ timestamp: '20261123121502', in: 40, out: 35 })).toEqual({
      kind: 'bin', bin: { binStart: at('2026-11-23T11:00:02Z'), binEnd: at('2026-11-23T11:15:02Z'), in: 30, out: 25 },
    });
  });

  it('refuses a reading more than 5 minutes ahead of the agent\'s clock, and goes on with the real ones', () => {
    const now = at('2026-11-23T11:00:00Z'); // 12:00 in Madrid
    const d = new AxisDiffer('Europe/Madrid', null, () => now);
    d.push({ timestamp: '20261123120000', in: 10, out: 5 });
    expect(d.push({ timestamp: '20991231235959', in: 12, out: 5 })).toEqual({
      kind: 'ignored', reason: 'reading at 20991231235959 is more than 5 min ahead of the agent\'s clock',
    });
    expect(d.push({ timestamp: '20261123120501', in: 12, out: 5 }).kind).toBe('ignored'); // 5 min 1 s ahead
    expect(d.push({ timestamp: '20261123120500', in: 15, out: 7 })).toMatchObject({ kind: 'bin', bin: { in: 5, out: 2 } });
    expect(d.state).toMatchObject({ utc: at('2026-11-23T11:05:00Z'), in: 15, out: 7 });
  });

  it('leaves out one reading that rose faster than a door lets people through, and counts on from the one before', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123120000', in: 100, out: 90 });
    expect(d.push({ timestamp: '20261123120100', in: 102, out: 91 })).toMatchObject({ bin: { in: 2, out: 1 } });
    expect(d.push({ timestamp: '20261123120200', in: 5_000_000, out: 91 })).toEqual({
      kind: 'ignored', reason: 'reading at 20261123120200 rose by 4999898 in / 0 out in 60 s, more than a door lets through',
    });
    expect(d.push({ timestamp: '20261123120300', in: 106, out: 93 })).toMatchObject({ kind: 'bin', bin: { binStart: at('2026-11-23T11:01:00Z'), in: 4, out: 2 } });
  });

  it('counts on from a new level the device keeps to, without counting the jump', () => {
    const d = new AxisDiffer('Europe/Madrid');
    d.push({ timestamp: '20261123120000', in: 100, out: 90 });
    expect(d.push({ timestamp: '20261123120100', in: 50_000, out: 50_000 }).kind).toBe('ignored');
    expect(d.push({ timestamp: '20261123120200', in: 50_003, out: 50_001 })).toEqual({
      kind: 'baseline', reason: 'counting on from 50003 in / 50001 out: the device jumped there from 100 / 90 and stayed',
    });
    expect(d.push({ timestamp: '20261123120300', in: 50_010, out: 50_004 })).toMatchObject({ kind: 'bin', bin: { in: 7, out: 3 } });
  });

  it('reads the hour the clocks go back as the one the agent is in, the first time and the second', () => {
    // Europe/Berlin, 2025-10-26: 02:00-03:00 local comes twice, first at UTC+2 (00:00-01:00Z), then at UTC+1.
    let now = at('2025-10-26T00:58:00Z');
    const d = new AxisDiffer('Europe/Berlin', null, () => now);
    expect(d.push({ timestamp: '20251026025800', in: 10, out: 5 })).toEqual({ kind: 'baseline' });
    expect(d.push({ timestamp: '20251026025900', in: 12, out: 5 })).toMatchObject({ kind: 'bin', bin: { binStart: at('2025-10-26T00:58:00Z'), binEnd: at('2025-10-26T00:59:00Z'), in: 2 } });
    now = at('2025-10-26T01:00:30Z');
    expect(d.push({ timestamp: '20251026020030', in: 20, out: 9 })).toMatchObject({ kind: 'bin', bin: { binStart: at('2025-10-26T00:59:00Z'), binEnd: at('2025-10-26T01:00:30Z'), in: 8, out: 4 } });
  });

  it('refuses answers that are not live-sum', () => {
    expect(parseLiveSum('x')).toEqual({ error: 'answer is not a JSON object' });
    expect(parseLiveSum({ timestamp: '2026-11-23', in: 1, out: 1 })).toEqual({ error: 'timestamp is not YYYYMMDDhhmmss' });
    expect(parseLiveSum({ timestamp: '20261123120000', in: -1, out: 1 })).toEqual({ error: 'in is not a count' });
    expect(parseLiveSum({ serial: 'ACCC', name: 'door', timestamp: '20261123120000', in: 5, out: 4 })).toEqual({ timestamp: '20261123120000', in: 5, out: 4 });
  });
});

describe('Axis poller against an HTTP device', () => {
  let server: Server;
  let reply: { status: number; body: string } = { status: 200, body: '' };
  const paths: string[] = [];
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('polls live-sum, differences it, and reports garbage as a reason without throwing', async () => {
    const poller = new AxisPoller(url, 'UTC', null);
    const signal = () => AbortSignal.timeout(2000);
    reply = { status: 200, body: JSON.stringify({ serial: 'X', name: 'door', timestamp: '20261123120000', in: 10, out: 8 }) };
    expect(await poller.poll(signal())).toEqual({ kind: 'baseline' });
    expect(paths.at(-1)).toBe('/local/tvpc/.api?live-sum.json');
    reply = { status: 200, body: '<html>login</html>' };
    expect(await poller.poll(signal())).toEqual({ kind: 'error', reason: 'answer is not JSON (<html>login</html>…)' });
    expect(poller.lastError).toMatch(/not JSON/);
    reply = { status: 401, body: '' };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'error', reason: expect.stringMatching(/^HTTP 401/) });
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123120100', in: 15, out: 9 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'bin', bin: { in: 5, out: 1 } });
    expect(poller.lastError).toBeNull();
  });

  it('carries the last reading across an agent restart, so the counts in between are not lost', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'storepulse-axis-')), 'axis-door1.json');
    const signal = () => AbortSignal.timeout(2000);
    const first = new AxisPoller(url, 'UTC', null, state);
    expect(await first.restore()).toBeNull(); // no state yet
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123130000', in: 100, out: 90 }) };
    expect(await first.poll(signal())).toEqual({ kind: 'baseline' });
    // The agent restarts; the device counted on meanwhile.
    const second = new AxisPoller(url, 'UTC', null, state);
    expect(await second.restore()).toBeNull();
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123130500', in: 130, out: 101 }) };
    expect(await second.poll(signal())).toEqual({
      kind: 'bin', bin: { binStart: at('2026-11-23T13:00:00Z'), binEnd: at('2026-11-23T13:05:00Z'), in: 30, out: 11 },
    });
    // A corrupt state file is a fresh start, not a crash.
    writeFileSync(state, '{"utc":');
    const third = new AxisPoller(url, 'UTC', null, state);
    expect(await third.restore()).toMatch(/^saved reading unreadable: /);
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123131000', in: 140, out: 101 }) };
    expect(await third.poll(signal())).toEqual({ kind: 'baseline' });
  });

  it('keeps a bin\'s reading out until the bin is spooled, so a failed spool loses no counts', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'storepulse-axis-')), 'axis-door1.json');
    const signal = () => AbortSignal.timeout(2000);
    const poller = new AxisPoller(url, 'UTC', null, state);
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123140000', in: 10, out: 0 }) };
    expect(await poller.poll(signal())).toEqual({ kind: 'baseline' });
    const saved = readFileSync(state, 'utf8');
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123140100', in: 20, out: 0 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'bin', bin: { in: 10 } });
    // The spool refused the bin (disk full): nothing is taken, on disk or in memory.
    expect(readFileSync(state, 'utf8')).toBe(saved);
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123140200', in: 30, out: 0 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'bin', bin: { binStart: at('2026-11-23T14:00:00Z'), in: 20 } });
    await poller.spooled();
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ utc: at('2026-11-23T14:02:00Z'), in: 30 });
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123140300', in: 34, out: 0 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'bin', bin: { binStart: at('2026-11-23T14:02:00Z'), in: 4 } });
  });

  it('takes the reading after a gap as the new start at once, in the state file too', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'storepulse-axis-')), 'axis-door1.json');
    const signal = () => AbortSignal.timeout(2000);
    const poller = new AxisPoller(url, 'UTC', null, state);
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123150000', in: 10, out: 0 }) };
    await poller.poll(signal());
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123170000', in: 2010, out: 1900 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'gap', in: 2000, out: 1900 });
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ utc: at('2026-11-23T17:00:00Z'), in: 2010 });
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123170100', in: 2015, out: 1904 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'bin', bin: { binStart: at('2026-11-23T17:00:00Z'), in: 5, out: 4 } });
  });

  it('does not save a reading from the future, and drops one saved before', async () => {
    const state = join(mkdtempSync(join(tmpdir(), 'storepulse-axis-')), 'axis-door1.json');
    const signal = () => AbortSignal.timeout(2000);
    const poller = new AxisPoller(url, 'UTC', null, state);
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123130000', in: 100, out: 90 }) };
    await poller.poll(signal());
    const saved = readFileSync(state, 'utf8');
    reply = { status: 200, body: JSON.stringify({ timestamp: '20991231235959', in: 101, out: 90 }) };
    expect(await poller.poll(signal())).toMatchObject({ kind: 'ignored' });
    expect(readFileSync(state, 'utf8')).toBe(saved);
    // A state file an earlier agent saved from a wrong device clock would have every real reading ignored.
    writeFileSync(state, JSON.stringify({ utc: at('2099-12-31T23:59:59Z'), day: '2099-12-31', in: 101, out: 90 }));
    const restarted = new AxisPoller(url, 'UTC', null, state);
    expect(await restarted.restore()).toBe('saved reading at 2099-12-31T23:59:59.000Z is in the future');
    reply = { status: 200, body: JSON.stringify({ timestamp: '20261123130500', in: 110, out: 95 }) };
    expect(await restarted.poll(signal())).toEqual({ kind: 'baseline' });
    writeFileSync(state, 'null');
    expect(await new AxisPoller(url, 'UTC', null, state).restore()).toBe('saved reading is not one');
  });
});

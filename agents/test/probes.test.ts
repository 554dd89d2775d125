import { appendFileSync, mkdtempSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkProbe } from '../src/agent/probes/network.js';
import { paymentProbe } from '../src/agent/probes/payment.js';
import { posProbe } from '../src/agent/probes/pos.js';
import { runProbe, type Probe } from '../src/agent/probes/probe.js';
import { fetchSales, type Sale } from '../src/agent/sales.js';
import { CsvSalesSource } from '../src/agent/sales-csv.js';
import { parseSalesLine } from '../src/agent/sales-line.js';
import { SalesWindow } from '../src/agent/sales-window.js';
import { freePort } from '../../test-support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'storepulse-probes-'));
const warnings: Array<{ o: object; msg?: string }> = [];
const logger = { warn: (o: object, msg?: string) => void warnings.push({ o, msg }) };
const totals = (sales: Sale[]) => ({ transactions: sales.length, revenue: sales.reduce((n, s) => n + s.amount, 0) });

describe('probes against real processes and sockets', () => {
  let tcp: Server;
  let http: HttpServer;
  let tcpPort = 0;
  let httpBase = '';
  let httpStatus = 200;
  const salesFrom: string[] = [];
  beforeAll(async () => {
    tcp = createServer((s) => s.destroy());
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpPort = (tcp.address() as AddressInfo).port;
    http = createHttp((req, res) => {
      if (req.url!.startsWith('/sales')) {
        const u = new URL(req.url!, 'http://x');
        salesFrom.push(u.searchParams.get('from') ?? '');
        const body = u.searchParams.get('from') && u.searchParams.get('to') ? { transactions: 4, revenue: 99.5 } : { nope: 1 };
        res.writeHead(httpStatus, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        return;
      }
      if (req.url!.startsWith('/huge')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(`[${'0,'.repeat(1024 * 1024)}0]`);
        return;
      }
      if (req.url!.startsWith('/silent')) return; // accepts the request and never answers
      res.writeHead(httpStatus).end();
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => tcp.close(() => r()));
    await new Promise<void>((r) => http.close(() => r()));
  });

  it('POS: finds a running process by name, and says when it is not running', async () => {
    expect(await runProbe(posProbe({ process: 'node' }))).toEqual({ state: 'ok', detail: 'node running' });
    expect(await runProbe(posProbe({ process: 'POS.EXE-never-runs' }))).toEqual({ state: 'error', detail: 'POS.EXE-never-runs is not running' });
  });

  it('POS: a stale heartbeat file or a failing health URL is an error', async () => {
    const hb = join(dir, 'pos.heartbeat');
    writeFileSync(hb, 'x');
    expect((await runProbe(posProbe({ process: 'node', heartbeatFile: hb, maxAgeSec: 60 }))).state).toBe('ok');
    const old = (Date.now() - 600_000) / 1000;
    utimesSync(hb, old, old);
    expect(await runProbe(posProbe({ process: 'node', heartbeatFile: hb, maxAgeSec: 60 }))).toMatchObject({ state: 'error', detail: expect.stringMatching(/^heartbeat file is 6\d\d s old$/) });
    expect(await runProbe(posProbe({ process: 'node', heartbeatFile: join(dir, 'absent') }))).toMatchObject({ state: 'unknown' });
    httpStatus = 503;
    expect(await runProbe(posProbe({ process: 'node', healthUrl: `${httpBase}/health` }))).toEqual({ state: 'error', detail: 'health URL answered HTTP 503' });
    httpStatus = 200;
    expect((await runProbe(posProbe({ process: 'node', healthUrl: `${httpBase}/health` }))).state).toBe('ok');
  });

  it('payment: reachable, unreachable, and a failing status page', async () => {
    expect(await runProbe(paymentProbe({ host: '127.0.0.1', port: tcpPort }))).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^tcp \d+ ms$/) });
    expect(await runProbe(paymentProbe({ host: '127.0.0.1', port: await freePort() }))).toMatchObject({ state: 'unreachable', detail: expect.stringMatching(/ECONNREFUSED/) });
    httpStatus = 500;
    expect(await runProbe(paymentProbe({ host: '127.0.0.1', port: tcpPort, statusUrl: `${httpBase}/status` }))).toEqual({ state: 'error', detail: 'status page answered HTTP 500' });
    httpStatus = 200;
  });

  it('network: measures the broker, and reports it down', async () => {
    expect(await runProbe(networkProbe(`mqtt://127.0.0.1:${tcpPort}`))).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^broker rtt \d+ ms$/) });
    expect(await runProbe(networkProbe(`mqtt://127.0.0.1:${await freePort()}`))).toMatchObject({ state: 'down' });
    expect(await runProbe(networkProbe(`mqtt://127.0.0.1:${tcpPort}`, { degradedMs: 0 }))).toMatchObject({ state: 'degraded' });
  });

  it('network: reaches a broker at an IPv6 address', async () => {
    const v6 = createServer();
    await new Promise<void>((r) => v6.listen(0, '::1', r));
    try {
      expect(await runProbe(networkProbe(`mqtt://[::1]:${(v6.address() as AddressInfo).port}`))).toMatchObject({ state: 'ok' });
    } finally {
      await new Promise<void>((r) => v6.close(() => r()));
    }
  });

  it('a probe that throws or hangs is unknown with a reason', async () => {
    const throws: Probe = { component: 'pos', intervalMs: 1000, timeoutMs: 100, run: async () => { throw new Error('boom'); } };
    const hangs: Probe = { component: 'pos', intervalMs: 1000, timeoutMs: 100, run: () => new Promise(() => undefined) };
    expect(await runProbe(throws)).toEqual({ state: 'unknown', detail: 'probe failed: boom' });
    expect(await runProbe(hangs)).toEqual({ state: 'unknown', detail: 'probe gave no answer within 100 ms' });
  });

  it('sales: follows a growing CSV from where it was, survives rotation, skips bad lines', async () => {
    const csv = join(dir, 'sales.csv');
    writeFileSync(csv, 'time,amount\n2026-11-23T09:00:00Z,10.00\n');
    const src = new CsvSalesSource(csv, logger);
    expect(totals(await src.read())).toEqual({ transactions: 0, revenue: 0 }); // history before the start is not ours
    appendFileSync(csv, '2026-11-23T10:00:01Z,12.50\n2026-11-23T10:00:09Z;7.25\ngarbage line\n2026-11-23T10:00:12Z,3');
    expect(totals(await src.read())).toEqual({ transactions: 2, revenue: 19.75 });
    expect(src.rejectedLines).toBe(1);
    appendFileSync(csv, '.5\n');
    expect(totals(await src.read())).toEqual({ transactions: 1, revenue: 3.5 });
    writeFileSync(csv, '2026-11-24T08:00:00Z,1\n');
    expect(totals(await src.read())).toEqual({ transactions: 1, revenue: 1 });
    // Rotated by a new file put in its place, longer than what was read of the old one, and with the
    // column names first: they are not a refused line; a header-like line anywhere else still is.
    appendFileSync(csv, '2026-11-24T08:00:01Z,1\n2026-11-24T08:00:02Z,1\n');
    await src.read();
    writeFileSync(`${csv}.new`, `time;amount\n${[2, 3, 4, 5].map((a, i) => `2026-11-24T09:00:0${i}Z;${a}\n`).join('')}`);
    renameSync(`${csv}.new`, csv);
    expect(totals(await src.read())).toEqual({ transactions: 4, revenue: 14 });
    expect(src.rejectedLines).toBe(1);
    appendFileSync(csv, 'time;amount\n');
    expect(totals(await src.read())).toEqual({ transactions: 0, revenue: 0 });
    expect(src.rejectedLines).toBe(2);
  });

  it('sales: reads a decimal comma after a ";", and refuses an empty, hex, exponent or signed amount', () => {
    expect(parseSalesLine('2026-11-23T10:00:00Z;12,50')).toEqual({ time: '2026-11-23T10:00:00Z', amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z;12.50;card')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z, 7 ,x;y')).toMatchObject({ amount: 7 });
    expect(parseSalesLine('2026-11-23T10:00:00Z;12,50;3')).toMatchObject({ amount: 12.5 });
    for (const bad of ['2026-11-23T10:00:00Z,', '2026-11-23T10:00:00Z; ', '2026-11-23T10:00:00Z,0x10', '2026-11-23T10:00:00Z,1e6',
      '2026-11-23T10:00:00Z,-3', '2026-11-23T10:00:00Z;1.234,56', '2026-11-23T10:00:00Z', 'timestamp,amount', '2026-11-23T10:00:00Z,"-3"']) {
      expect(parseSalesLine(bad), bad).toEqual({ refused: 'without a plain amount' });
    }
  });

  it('sales: refuses "ts,12,50" with "," as the separator rather than read 12 (or 1.234 from "ts,1.234,56")', () => {
    for (const ambiguous of ['2026-11-23T10:00:00Z,12,50', '2026-11-23T10:00:00Z,1.234,56', '2026-11-23T10:00:00Z, 12 , 5 ,card']) {
      expect(parseSalesLine(ambiguous), ambiguous).toEqual({ refused: expect.stringMatching(/^whose amount a column of digits follows/) });
    }
    expect(parseSalesLine('2026-11-23T10:00:00Z,12.50,card,3')).toMatchObject({ amount: 12.5 });
    // Decimals already given: the digits after are another column (a receipt number, a quantity).
    expect(parseSalesLine('2026-11-23T10:00:00Z,12.50,104233')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z, 12.50 , 3 ,card')).toMatchObject({ amount: 12.5 });
  });

  it('sales: refuses "1.234" (a thousands group or three decimals) unless the currency has three decimals', async () => {
    for (const line of ['2026-11-23T10:00:00Z;1.234', '2026-11-23T10:00:00Z,"1,234"', '2026-11-23T10:00:00Z;123,456;card', '2026-11-23T10:00:00Z;12.345']) {
      expect(parseSalesLine(line), line).toEqual({ refused: expect.stringMatching(/^whose amount is a thousands group or three decimals/) });
    }
    expect(parseSalesLine('2026-11-23T10:00:00Z;1.234', 3)).toMatchObject({ amount: 1.234 });
    // Not a thousands group: a fourth digit before the separator, or other than three after it.
    expect(parseSalesLine('2026-11-23T10:00:00Z;1234.567')).toMatchObject({ amount: 1234.567 });
    expect(parseSalesLine('2026-11-23T10:00:00Z;1.2345')).toMatchObject({ amount: 1.2345 });
    expect(parseSalesLine('2026-11-23T10:00:00Z;1234')).toMatchObject({ amount: 1234 });

    // The export's source knows the currency's decimals: dinars keep their three, euros refuse and count the line.
    const csv = join(dir, 'group.csv');
    writeFileSync(csv, '');
    const euros = new CsvSalesSource(csv, logger, 'UTC', 'EUR');
    const dinars = new CsvSalesSource(csv, logger, 'UTC', 'KWD');
    await euros.read();
    await dinars.read();
    appendFileSync(csv, `${new Date().toISOString()};1.234\n`);
    expect(totals(await euros.read())).toEqual({ transactions: 0, revenue: 0 });
    expect(euros.rejectedLines).toBe(1);
    expect(totals(await dinars.read())).toEqual({ transactions: 1, revenue: 1.234 });
  });

  it('sales: reads quoted fields as CSV quotes them: a quoted "12,50" is a decimal comma, whatever the separator', () => {
    expect(parseSalesLine('2026-11-23T10:00:00Z,"12,50"')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('"2026-11-23 10:00:00","12,50","card"')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z,"12.50",104233')).toMatchObject({ amount: 12.5 });
    // Quoting says where a field ends: neither of these is a decimal comma left unquoted.
    expect(parseSalesLine('2026-11-23T10:00:00Z,"12",50')).toMatchObject({ amount: 12 });
    expect(parseSalesLine('2026-11-23T10:00:00Z,12,"50"')).toMatchObject({ amount: 12 });
    // A separator inside quotes is text: the line's separator is the first one outside them.
    expect(parseSalesLine('"Mon, 23 Nov 2026 10:00";12,50')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z;"12,50";"Receipt ""A"", till 2"')).toMatchObject({ amount: 12.5 });
    expect(parseSalesLine('2026-11-23T10:00:00Z,12,50,"card"')).toEqual({ refused: expect.stringMatching(/^whose amount a column of digits follows/) });
    for (const broken of ['2026-11-23T10:00:00Z,"12.50', '2026-11-23T10:00:00Z,"12"50,card', '2026-11-23T10:00:00Z,12"5']) {
      expect(parseSalesLine(broken), broken).toEqual({ refused: 'with a quote left open or text after a closing quote' });
    }
  });

  it('sales: counts the refused lines and logs them once per read, with the first one', async () => {
    const csv = join(dir, 'refused.csv');
    writeFileSync(csv, '');
    const src = new CsvSalesSource(csv, logger);
    await src.read();
    warnings.length = 0;
    appendFileSync(csv, `2026-11-23T10:00:01Z;12,50\n2026-11-23T10:00:02Z,\n2026-11-23T10:00:03Z,0x10\n${'x'.repeat(500)}\n`
      + '2026-11-23T10:00:05Z,12,50\n2026-11-23T10:00:06Z,"12.50\n"2026-11-23T10:00:07Z","2,00"\n');
    expect(totals(await src.read())).toEqual({ transactions: 2, revenue: 14.5 });
    expect(src.rejectedLines).toBe(5);
    expect(warnings).toEqual([
      { o: { file: csv, key: 'sales_line', lines: 3, first: '2026-11-23T10:00:02Z,' }, msg: 'POS export: refused lines without a plain amount' },
      { o: { file: csv, key: 'sales_line', lines: 1, first: '2026-11-23T10:00:05Z,12,50' }, msg: expect.stringMatching(/^POS export: refused lines whose amount a column of digits follows with "," as the separator/) },
      { o: { file: csv, key: 'sales_line', lines: 1, first: '2026-11-23T10:00:06Z,"12.50' }, msg: 'POS export: refused lines with a quote left open or text after a closing quote' },
    ]);
    appendFileSync(csv, '2026-11-23T10:00:04Z,1\n');
    await src.read();
    expect(warnings).toHaveLength(3); // a clean read says nothing
  });

  it('sales: a bin that could not be spooled is not lost: the next one covers its interval and sales', async () => {
    const t0 = Date.parse('2026-11-23T10:00:00Z');
    const csv = join(dir, 'window.csv');
    writeFileSync(csv, '');
    const src = new CsvSalesSource(csv, logger);
    await src.read();
    const fromCsv = new SalesWindow(src, t0);
    appendFileSync(csv, '2026-11-23T10:00:10Z,10\n2026-11-23T10:00:20Z,5.5\n');
    expect(await fromCsv.read(t0 + 60_000, AbortSignal.timeout(2000))).toEqual({ binStart: t0, binEnd: t0 + 60_000, transactions: 2, revenue: 15.5 });
    // That bin did not reach the spool (disk full): the next one starts at the same place, with its sales.
    appendFileSync(csv, '2026-11-23T10:01:10Z,2\n');
    const carried = await fromCsv.read(t0 + 120_000, AbortSignal.timeout(2000));
    expect(carried).toEqual({ binStart: t0, binEnd: t0 + 120_000, transactions: 3, revenue: 17.5 });
    fromCsv.spooled(carried!);
    expect(await fromCsv.read(t0 + 180_000, AbortSignal.timeout(2000))).toEqual({ binStart: t0 + 120_000, binEnd: t0 + 180_000, transactions: 0, revenue: 0 });

    const fromUrl = new SalesWindow(`${httpBase}/sales`, t0);
    salesFrom.length = 0;
    await fromUrl.read(t0 + 60_000, AbortSignal.timeout(2000));
    const bin = await fromUrl.read(t0 + 120_000, AbortSignal.timeout(2000));
    expect(bin).toMatchObject({ binStart: t0, binEnd: t0 + 120_000 });
    fromUrl.spooled(bin!);
    await fromUrl.read(t0 + 180_000, AbortSignal.timeout(2000));
    expect(salesFrom).toEqual(['2026-11-23T10:00:00.000Z', '2026-11-23T10:00:00.000Z', '2026-11-23T10:02:00.000Z']);
  });

  it('sales: asks an HTTP endpoint for an interval, and refuses a wrong answer', async () => {
    const from = Date.parse('2026-11-23T10:00:00Z');
    expect(await fetchSales(`${httpBase}/sales`, from, from + 60_000, AbortSignal.timeout(2000))).toEqual({ transactions: 4, revenue: 99.5 });
    httpStatus = 500;
    await expect(fetchSales(`${httpBase}/sales`, from, from + 60_000, AbortSignal.timeout(2000))).rejects.toThrow(/HTTP 500/);
    httpStatus = 200;
  });

  it('HTTP devices: a URL\'s user, password and query values never reach the detail HQ reads', async () => {
    const withSecrets = (path: string) => `${httpBase.replace('//', '//admin:pw-123@')}${path}?token=tk-456`;
    const down = `http://admin:pw-123@127.0.0.1:${await freePort()}/health?token=tk-456`;
    const pos = await runProbe(posProbe({ process: 'node', healthUrl: down }));
    expect(pos).toEqual({ state: 'error', detail: `health URL: ${down.replace('admin:pw-123@', '').replace('token=tk-456', '…')}: ECONNREFUSED` });
    httpStatus = 500;
    const sales = await fetchSales(withSecrets('/sales'), 0, 60_000, AbortSignal.timeout(2000)).then(() => null, (err: Error) => err.message);
    httpStatus = 200;
    expect(sales).toBe(`HTTP 500 from ${httpBase}/sales?…`);
  });

  it('HTTP devices: an oversized answer is refused, a silent one times out', async () => {
    const from = Date.parse('2026-11-23T10:00:00Z');
    await expect(fetchSales(`${httpBase}/huge`, from, from + 60_000, AbortSignal.timeout(2000))).rejects.toThrow('answer larger than 1 MB');
    await expect(fetchSales(`${httpBase}/silent`, from, from + 60_000, AbortSignal.timeout(200))).rejects.toThrow(/abort/i);
    http.closeAllConnections();
  });
});

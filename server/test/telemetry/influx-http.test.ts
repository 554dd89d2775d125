/** The v1 HTTP client and the writer against a plain HTTP server that plays InfluxDB's answers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/ports.js';
import { InfluxHttp, InfluxQueryError } from '../../src/telemetry/influx/http.js';
import { InfluxWriter } from '../../src/telemetry/influx/writer.js';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

let server: Server;
let url: string;
let answer: (req: Seen, res: ServerResponse) => void = (_, res) => res.writeHead(204).end();
const seen: Seen[] = [];
const dir = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const s = { method: req.method ?? '', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      answer(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function logger() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
    error: (obj: object, msg: string) => lines.push({ level: 'error', obj, msg }),
  };
}

describe('InfluxDB v1 HTTP client', () => {
  it('posts gzip line protocol to /write with second precision, database, policy and token', async () => {
    seen.length = 0;
    answer = (_, res) => res.writeHead(204).end();
    await new InfluxHttp({ url, db: 'chain', token: 'tok-123' }).write('m v=1i 1700000000\nm v=2i 1700000001', 'rollup');
    const [req] = seen;
    expect(req).toMatchObject({ method: 'POST', path: '/write' });
    expect(Object.fromEntries(req!.query)).toEqual({ db: 'chain', rp: 'rollup', precision: 's' });
    expect(req!.headers['content-encoding']).toBe('gzip');
    expect(req!.headers.authorization).toBe('Token tok-123');
    expect(gunzipSync(req!.body).toString()).toBe('m v=1i 1700000000\nm v=2i 1700000001');
  });

  it('uses HTTP Basic auth for a 1.x user and password', async () => {
    seen.length = 0;
    await new InfluxHttp({ url, db: 'chain', user: 'sp', password: 'pw' }).write('m v=1i 1');
    expect(seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('sp:pw').toString('base64')}`);
  });

  it("reports InfluxDB's own message when a query fails", async () => {
    answer = (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[{"statement_id":0,"error":"database not found: chain"}]}');
    await expect(new InfluxHttp({ url, db: 'chain' }).query('SELECT 1')).rejects.toThrow(new InfluxQueryError('database not found: chain'));
    answer = (_, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unable to parse authentication credentials"}');
    await expect(new InfluxHttp({ url, db: 'chain' }).query('SELECT 1')).rejects.toThrow(/authentication/);
  });
});

describe('telemetry writer against refusals', () => {
  it('counts the points a partial write dropped, logs it, and does not send them again', async () => {
    seen.length = 0;
    answer = (_, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"partial write: field type conflict: input field \\"in\\" is type float, already exists as type integer dropped=1"}');
    const log = logger();
    const writer = new InfluxWriter(new InfluxHttp({ url, db: 'chain' }), { spoolDir: join(dir, 'a'), flushIntervalMs: 10, log });
    writer.add('footfall,store=s1 in=1i 1700000000');
    writer.add('footfall,store=s1 in=1.5 1700000060');
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 1, dropped: 1, spooled: 0, retries: 0 });
    expect(seen).toHaveLength(1);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'error', msg: 'InfluxDB refused telemetry points' })]);
    await writer.close();
  });

  it('retries with backoff while InfluxDB answers 503, then succeeds without spooling', async () => {
    seen.length = 0;
    let failures = 2;
    answer = (_, res) => (failures-- > 0 ? res.writeHead(503).end('busy') : res.writeHead(204).end());
    const writer = new InfluxWriter(new InfluxHttp({ url, db: 'chain' }), { spoolDir: join(dir, 'b'), flushIntervalMs: 10, retryBaseMs: 5, maxRetries: 3 });
    writer.add('footfall,store=s1 in=1i 1700000000');
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 1, retries: 2, spooled: 0, dropped: 0 });
    expect(seen).toHaveLength(3);
    await writer.close();
  });

  it('spools, without losing or reordering, while credentials are refused (401), and replays once accepted', async () => {
    seen.length = 0;
    let accept = false;
    answer = (_, res) => (accept ? res.writeHead(204).end() : res.writeHead(401).end('{"error":"authorization failed"}'));
    const writer = new InfluxWriter(new InfluxHttp({ url, db: 'chain' }), { spoolDir: join(dir, 'c'), flushIntervalMs: 10, retryBaseMs: 5, retryMaxMs: 20, maxRetries: 1 });
    writer.add('m v=1i 1');
    await writer.flush();
    writer.add('m v=2i 2');
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 0, spoolPending: 2, dropped: 0 });
    accept = true;
    await waitFor(() => writer.stats().spoolPending === 0, 5000, 'the spool to replay');
    expect(writer.stats()).toMatchObject({ written: 2, spoolPending: 0, spooled: 2 });
    const accepted = seen.slice(-2).map((s) => gunzipSync(s.body).toString());
    expect(accepted).toEqual(['m v=1i 1', 'm v=2i 2']);
    await writer.close();
  });
});

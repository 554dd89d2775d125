import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { metricValue, startHarness, type Harness } from '../support/harness.js';

/** Requests the server cannot answer, or that the router cannot read: each answered plainly, counted and logged. */
describe('HTTP failures and unreadable requests', () => {
  let h: Harness;
  const logs: Record<string, unknown>[] = [];

  beforeAll(async () => {
    h = await startHarness({ logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }) });
  });
  afterAll(() => h?.close());

  const refused = async (route: string, status: string) =>
    metricValue(await (await h.api('/metrics')).text(), 'storepulse_http_refused_total', { method: 'GET', route, status });

  it('refuses a number that is not finite, in a query or a body, instead of failing on it', async () => {
    const day = 'from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z';
    for (const path of ['/api/incidents?limit=1e999', '/api/incidents?limit=Infinity', `/api/stores/S001/tills/history?${day}&limit=-Infinity`]) {
      const res = await h.api(path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { message: string }).message, path).toBe('querystring/limit must be a finite number');
    }
    const body = '{"id":"S009","name":"N","city":"C","timezone":"Europe/Madrid","currency":"EUR","tills":["T1"],"hours":{"mon":null,"tue":null,"wed":null,"thu":null,"fri":null,"sat":null,"sun":null},"tillThroughput":1e999}';
    const put = await h.api('/api/stores/S009', { method: 'PUT', body });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { message: string }).message).toBe('body/tillThroughput must be number');
  });

  it('answers a fault of its own with 500 and no internal detail, logs the cause without the query, and counts it', async () => {
    const list = h.server.incidents.list.bind(h.server.incidents);
    h.server.incidents.list = () => {
      throw Object.assign(new Error('SQLITE_IOERR: disk I/O error'), { code: 'SQLITE_IOERR' });
    };
    try {
      const res = await h.api('/api/incidents?storeId=QUERY-MARK');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/SQLITE|disk/);
      expect(JSON.parse(text)).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    } finally {
      h.server.incidents.list = list;
    }
    expect(logs.find((l) => l.msg === 'request failed with an error')).toMatchObject({
      level: 50, path: '/api/incidents', err: expect.objectContaining({ message: 'SQLITE_IOERR: disk I/O error', stack: expect.stringContaining('failures.test.ts') }),
    });
    expect(JSON.stringify(logs)).not.toContain('QUERY-MARK');
    expect(metricValue(await (await h.api('/metrics')).text(), 'storepulse_http_failed_total', { method: 'GET', route: '/api/incidents' })).toBe(1);
  });

  it('counts and logs a path it cannot decode, and reads an incident id as long as the engine makes them', async () => {
    const before = await refused('unmatched', '400');
    expect((await h.api('/api/stores/%E0%A4%A')).status).toBe(400);
    expect(await refused('unmatched', '400')).toBe(before + 1);
    expect(logs.at(-1)).toMatchObject({ msg: 'request refused', status: 400, path: '/api/stores/%E0%A4%A' });
    // The longest id the incident engine writes: a 64-character store id, the kind and a timestamp.
    const id = `inc_${'S'.repeat(64)}_store_offline_20261123T101500000Z`;
    expect(id.length).toBeGreaterThan(100);
    expect((await h.api(`/api/incidents/${id}`)).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SentBins, type FootfallBin } from '../src/agent/counters/bins.js';
import { parseAxisPush, parseGeneric, parseXovis } from '../src/agent/counters/push-formats.js';
import { PushServer } from '../src/agent/counters/push-server.js';

const at = (iso: string) => Date.parse(iso);

describe('push formats', () => {
  it('reads Axis Retail Data people counts', () => {
    const body = {
      utcSent: '2026-11-23T10:15:02Z', localSent: '2026-11-23T11:15:02',
      sensor: { application: 'People Counter', timezone: 'Europe/Madrid', name: 'door', serial: 'ACCC', ipAddress: '10.0.0.5' },
      data: {
        utcFrom: '2026-11-23T10:00:00Z', utcTo: '2026-11-23T10:15:00Z',
        measurements: [
          { kind: 'people-counts', utcFrom: '2026-11-23T10:00:00Z', utcTo: '2026-11-23T10:15:00Z', items: [{ direction: 'in', count: 31 }, { direction: 'out', count: 27 }] },
          { kind: 'occupancy', utcFrom: '2026-11-23T10:00:00Z', utcTo: '2026-11-23T10:15:00Z', items: [] },
        ],
      },
    };
    expect(parseAxisPush(body)).toEqual({ ok: true, bins: [{ binStart: at('2026-11-23T10:00:00Z'), binEnd: at('2026-11-23T10:15:00Z'), in: 31, out: 27 }] });
    expect(parseAxisPush({ data: {} })).toEqual({ ok: false, error: 'no data.measurements array' });
  });

  it('refuses an Axis push with a negative or fractional count instead of netting it', () => {
    const push = (...items: object[]) => ({ data: { measurements: [{ kind: 'people-counts', utcFrom: '2026-11-23T10:00:00Z', utcTo: '2026-11-23T10:01:00Z', items }] } });
    expect(parseAxisPush(push({ direction: 'in', count: 5 }, { direction: 'in', count: -3 }))).toEqual({ ok: false, error: 'an item count -3 is not a whole number of 0 or more' });
    expect(parseAxisPush(push({ direction: 'out', count: 1.5 }))).toEqual({ ok: false, error: 'an item count 1.5 is not a whole number of 0 or more' });
    expect(parseAxisPush(push({ direction: 'in', count: 5 }, { direction: 'in', count: 0 }))).toMatchObject({ ok: true, bins: [{ in: 5, out: 0 }] });
  });

  it('refuses a Xovis push with a negative or fractional fw/bw value', () => {
    const push = (...value: object[]) => ({ content: { element: [{ measurement: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:01:00Z', value }] }] } });
    expect(parseXovis(push({ label: 'fw', value: 5 }, { label: 'fw', value: -3 }), 'UTC')).toEqual({ ok: false, error: 'a fw value -3 is not a whole number of 0 or more' });
    expect(parseXovis(push({ label: 'bw', value: 0.5 }), 'UTC')).toEqual({ ok: false, error: 'a bw value 0.5 is not a whole number of 0 or more' });
    expect(parseXovis(push({ label: 'fw', value: 2 }, { label: 'other', value: -1.5 }), 'UTC')).toMatchObject({ ok: true, bins: [{ in: 2, out: 0 }] });
  });

  it('reads Xovis line counts (fw in, bw out) in the sensor\'s zone', () => {
    const body = {
      'sensor-time': { timezone: 'America/Mexico_City', time: '2026-11-23T10:01:00' },
      status: { code: 0 },
      'sensor-info': { 'serial-number': '80:1F', 'ip-address': '10.0.0.9', name: 'entrance', group: 'g', 'device-type': 'PC2S' },
      content: {
        element: [{
          'element-id': 1, 'element-name': 'Line 1', 'data-type': 'LINE', from: '2026-11-23T10:00:00', to: '2026-11-23T10:01:00', resolution: 'ONE_MINUTE',
          measurement: [{ from: '2026-11-23T10:00:00', to: '2026-11-23T10:01:00', value: [{ value: 4, label: 'fw' }, { value: 3, label: 'bw' }] }],
        }],
      },
    };
    expect(parseXovis(body, 'UTC')).toEqual({ ok: true, bins: [{ binStart: at('2026-11-23T16:00:00Z'), binEnd: at('2026-11-23T16:01:00Z'), in: 4, out: 3 }] });
    expect(parseXovis({ content: { element: [{ measurement: [{ value: 'x' }] }] } }, 'UTC')).toEqual({ ok: false, error: 'a measurement has no value array' });
  });

  it('counts the Xovis lines named as the entrance, and refuses a push of several lines none of which is named', () => {
    const line = (id: number, name: string, fw: number, bw: number) => ({
      'element-id': id, 'element-name': name, 'data-type': 'LINE',
      measurement: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:01:00Z', value: [{ value: fw, label: 'fw' }, { value: bw, label: 'bw' }] }],
    });
    // A zone's occupancy is no count line: it neither counts nor makes the push one of several lines.
    const zone = { 'element-id': 9, 'element-name': 'Shop floor', 'data-type': 'ZONE', measurement: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:01:00Z', value: [{ value: 40, label: 'occupancy' }] }] };
    const body = { content: { element: [line(1, 'Entrance', 5, 4), line(2, 'Pass-by', 30, 28), zone] } };
    expect(parseXovis(body, 'UTC')).toEqual({ ok: false, error: 'the push counts 2 lines (Entrance, Pass-by): name the entrance ones in counters[].lines' });
    expect(parseXovis(body, 'UTC', Date.now(), ['Entrance'])).toMatchObject({ ok: true, bins: [{ in: 5, out: 4 }] });
    expect(parseXovis(body, 'UTC', Date.now(), ['2'])).toMatchObject({ ok: true, bins: [{ in: 30, out: 28 }] });
    // Two doors, each a line: both named, summed.
    expect(parseXovis(body, 'UTC', Date.now(), ['Entrance', 'Pass-by'])).toMatchObject({ ok: true, bins: [{ in: 35, out: 32 }] });
    expect(parseXovis(body, 'UTC', Date.now(), ['Back door'])).toEqual({ ok: false, error: 'none of the lines Back door is in the push (it counts Entrance, Pass-by)' });
    expect(parseXovis({ content: { element: [line(1, 'Entrance', 5, 4), zone] } }, 'UTC')).toMatchObject({ ok: true, bins: [{ in: 5, out: 4 }] });
  });

  it('reads our own format, one bin or a list', () => {
    expect(parseGeneric({ binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z', in: 1, out: 2 }, 'UTC')).toMatchObject({ ok: true, bins: [{ in: 1, out: 2 }] });
    expect(parseGeneric({ bins: [{ binStart: '2026-11-23T10:00:00', binEnd: '2026-11-23T10:01:00', in: 1, out: 0 }] }, 'Europe/Moscow'))
      .toEqual({ ok: true, bins: [{ binStart: at('2026-11-23T07:00:00Z'), binEnd: at('2026-11-23T07:01:00Z'), in: 1, out: 0 }] });
    expect(parseGeneric({ bins: [{ in: 'many' }] }, 'UTC')).toEqual({ ok: false, error: 'a bin is not {binStart, binEnd, in, out}' });
  });

  it('sends a revised bin again as a whole, and an unchanged one never twice', () => {
    const sent = new SentBins();
    const bin: FootfallBin = { binStart: at('2026-11-23T10:00:00Z'), binEnd: at('2026-11-23T10:15:00Z'), in: 10, out: 8 };
    const send = (sensor: string, b: FootfallBin) => sent.isNew(sensor, b) && (sent.record(sensor, b), true);
    expect(send('door1', bin)).toBe(true);
    expect(send('door1', { ...bin })).toBe(false);
    expect(send('door1', { ...bin, in: 14 })).toBe(true);
    expect(send('door2', bin)).toBe(true);
  });

  it('takes a bin again when it never reached the spool (the device was answered 503 and sends it again)', () => {
    const sent = new SentBins();
    const bin: FootfallBin = { binStart: at('2026-11-23T10:00:00Z'), binEnd: at('2026-11-23T10:15:00Z'), in: 10, out: 8 };
    expect(sent.isNew('door1', bin)).toBe(true);
    // The append failed: nothing recorded.
    expect(sent.isNew('door1', bin)).toBe(true);
    sent.record('door1', bin);
    expect(sent.isNew('door1', bin)).toBe(false);
  });

  it('keeps its memory bounded, forgetting the oldest bins first', () => {
    const sent = new SentBins(100);
    const bin = (i: number): FootfallBin => ({ binStart: i * 60_000, binEnd: (i + 1) * 60_000, in: 1, out: 0 });
    for (let i = 0; i < 1000; i++) sent.record('door1', bin(i));
    expect(sent.size).toBe(100);
    expect(sent.isNew('door1', bin(999))).toBe(false);
    expect(sent.isNew('door1', bin(0))).toBe(true);
  });
});

describe('push receiver', () => {
  const got: Array<[string, FootfallBin[]]> = [];
  const warnings: object[] = [];
  let server: PushServer;
  let base = '';
  beforeAll(async () => {
    server = new PushServer({
      host: '127.0.0.1', port: 0, token: 's3cret',
      counters: [{ id: 'door2', type: 'generic', timezone: 'UTC' }, { id: 'door3', type: 'xovis', timezone: 'UTC' }, { id: 'door4', type: 'axis-push', timezone: 'UTC' },
        { id: 'door5', type: 'xovis', timezone: 'UTC', lines: ['Entrance'] }],
      onBins: async (id, bins) => (got.push([id, bins]), []),
      logger: { warn: (o) => warnings.push(o), error: (o) => warnings.push(o) },
    });
    base = `http://127.0.0.1:${await server.listen()}`;
  });
  afterAll(() => server.close());

  const post = (path: string, body: string, token: string | null = 's3cret') =>
    fetch(`${base}${path}`, { method: 'POST', body, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bin = JSON.stringify({ binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z', in: 2, out: 1 });

  it('accepts a push with the token as a header or a query parameter', async () => {
    expect((await post('/push/door2', bin)).status).toBe(204);
    expect((await post('/push/door2?token=s3cret', bin, null)).status).toBe(204);
    expect(got).toHaveLength(2);
    expect(got[0]![0]).toBe('door2');
  });

  it('refuses, counts and logs every bad push, and keeps serving', async () => {
    const before = got.length;
    expect((await post('/push/door2', bin, 'wrong')).status).toBe(401);
    expect((await post('/push/door2', bin, null)).status).toBe(401);
    expect((await post('/push/door9', bin)).status).toBe(404);
    expect((await post('/push/door2', '{"in": 1, ')).status).toBe(400);
    expect((await post('/push/door3', '{"content": 5}')).status).toBe(422);
    expect((await post('/push/door2', 'x'.repeat(300 * 1024))).status).toBe(413);
    expect((await fetch(`${base}/push/door2`)).status).toBe(405);
    expect(got.length).toBe(before);
    expect(Object.fromEntries(server.rejected)).toEqual({ token: 2, unknown_counter: 1, malformed_json: 1, format: 1, oversize: 1, method: 1 });
    expect(warnings).toHaveLength(7);
    expect(JSON.stringify(warnings)).not.toContain('s3cret');
    expect((await post('/push/door2', bin)).status).toBe(204);
  });

  it('takes a Xovis push of several lines by the counter\'s entrance lines, and refuses it without them', async () => {
    const line = (name: string, fw: number) => ({ 'element-name': name, measurement: [{ from: '2026-11-23T10:00:00Z', to: '2026-11-23T10:01:00Z', value: [{ value: fw, label: 'fw' }, { value: 0, label: 'bw' }] }] });
    const body = JSON.stringify({ content: { element: [line('Entrance', 6), line('Pass-by', 40)] } });
    const refused = await post('/push/door3', body);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toBe('the push counts 2 lines (Entrance, Pass-by): name the entrance ones in counters[].lines\n');
    expect((await post('/push/door5', body)).status).toBe(204);
    expect(got.at(-1)).toEqual(['door5', [expect.objectContaining({ in: 6, out: 0 })]]);
  });

  it('refuses, counts and logs an Axis push with a negative count', async () => {
    const before = got.length;
    const formatBefore = server.rejected.get('format') ?? 0;
    const body = { data: { measurements: [{ kind: 'people-counts', utcFrom: '2026-11-23T10:00:00Z', utcTo: '2026-11-23T10:01:00Z', items: [{ direction: 'in', count: 5 }, { direction: 'in', count: -3 }] }] } };
    const res = await post('/push/door4', JSON.stringify(body));
    expect(res.status).toBe(422);
    expect(await res.text()).toBe('an item count -3 is not a whole number of 0 or more\n');
    expect(got.length).toBe(before);
    expect(server.rejected.get('format')).toBe(formatBefore + 1);
    expect(warnings.at(-1)).toEqual({ reason: 'format', counter: 'door4' });
  });
});

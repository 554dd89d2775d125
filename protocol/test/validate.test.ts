import { describe, expect, it } from 'vitest';
import { isUtcTimestamp } from '../src/timestamps.js';
import { assertPayload, decodePayload } from '../src/validate.js';

const components = { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } };
const bin = { v: 1, seq: 1, binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z' };
const payloads = {
  status: (ts: string) => ({ v: 1, ts, seq: 1, components }),
  footfallStart: (ts: string) => ({ ...bin, binStart: ts, in: 1, out: 0 }),
  footfallEnd: (ts: string) => ({ ...bin, binEnd: ts, in: 1, out: 0 }),
  salesStart: (ts: string) => ({ ...bin, binStart: ts, transactions: 1, revenue: 9.5, currency: 'EUR' }),
  salesEnd: (ts: string) => ({ ...bin, binEnd: ts, transactions: 1, revenue: 9.5, currency: 'EUR' }),
};
const kindOf = (field: keyof typeof payloads) => (field.startsWith('footfall') ? 'footfall' : field.startsWith('sales') ? 'sales' : 'status');

describe('timestamps', () => {
  it.each([
    '2026-11-23T10:15:00Z',
    '2026-11-23T10:15:00.123456789Z',
    '2028-02-29T00:00:00Z',
    '2026-12-31T23:59:59.999Z',
  ])('takes the real instant %s', (ts) => {
    expect(isUtcTimestamp(ts)).toBe(true);
    expect(decodePayload('status', JSON.stringify(payloads.status(ts))).ok).toBe(true);
  });

  // Each matches the pattern; Date.parse gives NaN for some and silently moves the others to another day.
  const impossible = [
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2027-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-23T24:00:00Z',
    '2026-11-23T10:60:00Z',
    '2026-12-31T23:59:60Z',
  ];

  it.each(impossible.flatMap((ts) => (Object.keys(payloads) as (keyof typeof payloads)[]).map((field) => [ts, field] as const)))(
    'refuses %s in %s as bad_ts',
    (ts, field) => {
      const result = decodePayload(kindOf(field), JSON.stringify(payloads[field](ts)));
      expect(result).toMatchObject({ ok: false, reason: 'bad_ts' });
      expect(isUtcTimestamp(ts)).toBe(false);
    },
  );

  it('keeps timestamps of the wrong shape a schema error', () => {
    for (const ts of ['yesterday', '2026-11-23T10:15:00+01:00', '2026-11-23 10:15:00Z']) {
      expect(decodePayload('status', JSON.stringify(payloads.status(ts)))).toMatchObject({ ok: false, reason: 'schema' });
    }
  });

  it('makes publishers that assert their payloads refuse an impossible date too', () => {
    expect(() => assertPayload('status', payloads.status('2026-13-01T00:00:00Z'))).toThrow(/ts/);
  });
});

describe('payload bytes', () => {
  it('refuses bytes that are not UTF-8 instead of storing replacement characters', () => {
    const raw = Buffer.concat([Buffer.from('{"v":1,"online":true,"agent":{"version":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}')]);
    expect(decodePayload('online', raw)).toMatchObject({ ok: false, reason: 'malformed_json', message: 'payload is not valid UTF-8' });
    expect(decodePayload('online', Buffer.from('{"v":1,"online":true,"agent":{"version":"1.0 – ñ"}}'))).toMatchObject({ ok: true });
  });

  it('says where JSON broke without quoting the payload, which may hold anything', () => {
    expect(decodePayload('status', 'password=hunter2')).toEqual({ ok: false, reason: 'malformed_json', message: 'payload is not valid JSON' });
    expect(decodePayload('status', '{"v":1,')).toEqual({ ok: false, reason: 'malformed_json', message: 'payload is not valid JSON (at character 7)' });
  });
});

describe('counts out of range', () => {
  it('keeps a well-formed bin whose only fault is its figures, so the server can flag what the counter sent', () => {
    const negative = decodePayload('footfall', JSON.stringify({ ...bin, in: -3, out: 0 }));
    expect(negative).toEqual({ ok: false, reason: 'bad_count', message: '/in must be >= 0', payload: { ...bin, in: -3, out: 0 } });
    expect(decodePayload('sales', JSON.stringify({ ...bin, transactions: 2, revenue: -1, currency: 'EUR' }))).toMatchObject({ ok: false, reason: 'bad_count' });
    expect(decodePayload('footfall', JSON.stringify({ ...bin, in: 0, out: 2_000_000 }))).toMatchObject({ ok: false, reason: 'bad_count' });
  });
  it('keeps a bin with anything else wrong a schema error', () => {
    expect(decodePayload('footfall', JSON.stringify({ ...bin, in: -3 }))).toMatchObject({ ok: false, reason: 'schema' });
    expect(decodePayload('footfall', JSON.stringify({ ...bin, in: -3.5, out: 0 }))).toMatchObject({ ok: false, reason: 'schema' });
    expect(decodePayload('footfall', JSON.stringify({ ...bin, binEnd: '2026-11-23T11:00:00Z', in: -3, out: 0 }))).toMatchObject({ ok: false, reason: 'schema' });
    expect(decodePayload('status', JSON.stringify({ v: 1, ts: bin.binStart, seq: -1, components: {} }))).toMatchObject({ ok: false, reason: 'schema' });
  });
});

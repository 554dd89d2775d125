import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FootfallBin } from '../src/agent/counters/bins.js';
import { parseGeneric, parseXovis } from '../src/agent/counters/push-formats.js';
import { PushServer } from '../src/agent/counters/push-server.js';

// Paris, 2026-10-25: 02:00-03:00 local comes twice, first at UTC+2 (00:00-01:00Z), then at UTC+1 (01:00-02:00Z).
const at = (iso: string) => Date.parse(iso);
const m = (from: string, to: string, fw: number) => ({ from: `2026-10-25T${from}:00`, to: `2026-10-25T${to}:00`, value: [{ label: 'fw', value: fw }, { label: 'bw', value: 0 }] });
const xovis = (...measurement: object[]) => ({ 'sensor-time': { timezone: 'Europe/Paris' }, content: { element: [{ measurement }] } });
const bin = (from: string, to: string, n: number): FootfallBin => ({ binStart: at(`2026-10-25T${from}:00Z`), binEnd: at(`2026-10-25T${to}:00Z`), in: n, out: 0 });

describe('push times without an offset in the hour the clocks go back', () => {
  it('tells the two passes apart by their order in the push, instead of merging them', () => {
    const push = xovis(m('02:30', '02:45', 5), m('02:45', '03:00', 6), m('02:00', '02:15', 7), m('02:15', '02:30', 3), m('02:30', '02:45', 8));
    expect(parseXovis(push, 'UTC', at('2026-10-25T02:10:00Z'))).toEqual({
      ok: true,
      bins: [bin('00:30', '00:45', 5), bin('00:45', '01:00', 6), bin('01:00', '01:15', 7), bin('01:15', '01:30', 3), bin('01:30', '01:45', 8)],
    });
  });

  it('places a push of one pass by the agent\'s clock: certain in the first, flagged in the second', () => {
    const push = xovis(m('02:30', '02:45', 5));
    expect(parseXovis(push, 'UTC', at('2026-10-25T00:46:00Z'))).toEqual({ ok: true, bins: [bin('00:30', '00:45', 5)] });
    // An hour later the same labels could be a push of the first pass an hour late: the later pass, flagged.
    expect(parseXovis(push, 'UTC', at('2026-10-25T01:46:00Z'))).toEqual({ ok: true, guessed: 1, bins: [bin('01:30', '01:45', 5)] });
  });

  it('does the same for the generic format, and leaves times with an offset and other hours alone', () => {
    const bins = [['02:45', '03:00'], ['02:00', '02:15']].map(([from, to]) => ({ binStart: `2026-10-25T${from}:00`, binEnd: `2026-10-25T${to}:00`, in: 1, out: 0 }));
    expect(parseGeneric({ bins }, 'Europe/Paris', at('2026-10-25T01:16:00Z'))).toEqual({ ok: true, bins: [bin('00:45', '01:00', 1), bin('01:00', '01:15', 1)] });
    const plain = [{ binStart: '2026-10-25T02:30:00+02:00', binEnd: '2026-10-25T02:45:00+02:00', in: 1, out: 0 }, { binStart: '2026-10-25T10:00:00', binEnd: '2026-10-25T10:15:00', in: 2, out: 0 }];
    expect(parseGeneric({ bins: plain }, 'Europe/Paris', at('2026-10-25T12:00:00Z'))).toEqual({ ok: true, bins: [bin('00:30', '00:45', 1), bin('09:00', '09:15', 2)] });
  });
});

describe('push receiver and the hour the clocks go back', () => {
  const got: FootfallBin[][] = [];
  const warnings: object[] = [];
  let server: PushServer;
  let base = '';
  beforeAll(async () => {
    server = new PushServer({
      host: '127.0.0.1', port: 0, token: 't',
      counters: [{ id: 'door1', type: 'xovis', timezone: 'Europe/Paris' }],
      onBins: async (_id, bins) => (got.push(bins), []),
      // An unexpected error, logged as one, would show in the check of what was logged.
      logger: { warn: (o) => warnings.push(o), error: (o) => warnings.push(o) },
    });
    base = `http://127.0.0.1:${await server.listen()}/push/door1`;
  });
  afterAll(() => server.close());

  it('keeps a push it could not place for certain, and counts and logs it', async () => {
    const res = await fetch(base, { method: 'POST', headers: { authorization: 'Bearer t' }, body: JSON.stringify(xovis(m('02:30', '02:45', 5))) });
    expect(res.status).toBe(204);
    expect(got).toEqual([[bin('01:30', '01:45', 5)]]);
    expect(server.rejected.get('ambiguous_time')).toBe(1);
    expect(warnings).toEqual([{ reason: 'ambiguous_time', counter: 'door1', bins: 1 }]);
  });
});

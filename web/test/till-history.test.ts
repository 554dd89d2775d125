import { describe, expect, it } from 'vitest';
import type { TillHistory, TillView } from '@storepulse/protocol';
import { appendLive, badComponents, hourTicks, timelineSegments, timelinesByTill, withLive, type TillTimeline } from '../src/lib/fleet/till-history.js';

const H = 3600_000;
const from = Date.parse('2026-11-23T00:00:00Z');
const to = from + 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();
const ok = { pos: 'ok', printer: 'ok', payment: 'ok', network: 'ok' } as const;

const history: TillHistory = {
  storeId: 'S1',
  from: iso(from),
  to: iso(to),
  before: [{ at: iso(from - H), tillId: 'T1', state: 'up', components: ok }],
  changes: [
    { at: iso(from + 8 * H), tillId: 'T1', state: 'down', components: { ...ok, pos: 'error' } },
    { at: iso(from + 9 * H), tillId: 'T2', state: 'up', components: ok },
    { at: iso(from + 10 * H), tillId: 'T1', state: 'up', components: ok },
  ],
  truncated: false,
};

const till = (extra: Partial<TillView>): TillView => ({
  id: 'T1',
  state: 'up',
  online: true,
  components: { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } },
  lastSeen: iso(from + 12 * H),
  since: iso(from + 10 * H),
  agentVersion: '1.0.0',
  ...extra,
});

describe('till state history', () => {
  it('splits the API answer per till, each with where it stood before the range', () => {
    const byTill = timelinesByTill(history, ['T1', 'T2', 'T3']);
    expect(byTill.get('T1')!.start?.state).toBe('up');
    expect(byTill.get('T1')!.changes.map((c) => c.state)).toEqual(['down', 'up']);
    expect(byTill.get('T2')).toEqual({ start: null, changes: [{ at: from + 9 * H, state: 'up', components: ok }] });
    expect(byTill.get('T3')).toEqual({ start: null, changes: [] });
  });

  it('draws the band from the state before the range up to now, merging repeats and leaving the future out', () => {
    const byTill = timelinesByTill(history, ['T1', 'T2']);
    const t1 = timelineSegments(byTill.get('T1')!, from, to, from + 12 * H);
    expect(t1.map((s) => [s.state, (s.from - from) / H, (s.to - from) / H])).toEqual([
      ['up', 0, 8],
      ['down', 8, 10],
      ['up', 10, 12],
    ]);
    expect(t1[0]!.share).toBeCloseTo(8 / 24);
    // Unknown until its first change.
    expect(timelineSegments(byTill.get('T2')!, from, to, from + 12 * H).map((s) => [s.state, (s.to - from) / H])).toEqual([
      [null, 9],
      ['up', 12],
    ]);
    // Changes after now (a clock a little behind the server) do not draw past now.
    expect(timelineSegments(byTill.get('T1')!, from, to, from + 9 * H).at(-1)).toMatchObject({ state: 'down', to: from + 9 * H });
    expect(timelineSegments({ start: null, changes: [] }, from, to, from - H)).toEqual([]);
  });

  it('appends a live update only when the state or the components moved', () => {
    const t1: TillTimeline = timelinesByTill(history, ['T1']).get('T1')!;
    expect(appendLive(t1, till({}))).toBe(t1);
    const printer = appendLive(t1, till({ components: { ...till({}).components!, printer: { state: 'paper_low' } }, state: 'degraded', since: iso(from + 13 * H), lastSeen: iso(from + 13 * H) }));
    expect(printer.changes.at(-1)).toEqual({ at: from + 13 * H, state: 'degraded', components: { ...ok, printer: 'paper_low' } });
    expect(badComponents(printer.changes.at(-1)!)).toEqual([['printer', 'paper_low']]);
    // A till whose agent left: offline, with no components known any more.
    const gone = appendLive({ start: null, changes: [] }, till({ state: 'offline', online: false, components: null, since: iso(from + 14 * H), lastSeen: null }));
    expect(gone.changes).toEqual([{ at: from + 14 * H, state: 'offline', components: null }]);
  });

  it('dates a new state from its start and new components of the same state from when they were heard', () => {
    const t1: TillTimeline = timelinesByTill(history, ['T1']).get('T1')!;
    // Reloaded after a reconnection: down since 13:00, heard at 15:00.
    const down = appendLive(t1, till({ state: 'down', since: iso(from + 13 * H), lastSeen: iso(from + 15 * H) }));
    expect(down.changes.at(-1)!.at).toBe(from + 13 * H);
    const paper = { ...till({}).components!, pos: { state: 'error' as const }, printer: { state: 'paper_out' as const } };
    const more = appendLive(down, till({ state: 'down', components: paper, since: iso(from + 13 * H), lastSeen: iso(from + 16 * H) }));
    expect(more.changes.at(-1)).toMatchObject({ at: from + 16 * H, state: 'down' });

    const map = timelinesByTill(history, ['T1', 'T2']);
    expect(withLive(map, till({}))).toBe(map);
    const moved = withLive(map, till({ id: 'T2', state: 'offline', components: null, since: iso(from + 11 * H) }));
    expect(moved.get('T2')!.changes.at(-1)!.state).toBe('offline');
    expect(moved.get('T1')).toBe(map.get('T1'));
  });
});

describe('timeline hour marks', () => {
  it('puts local hours on the band, on the hour across a DST change', () => {
    const zone = 'Europe/Madrid';
    // 2026-10-25 has 25 hours in Madrid: 06:00 local is 7 hours after midnight.
    const dayFrom = Date.parse('2026-10-24T22:00:00Z');
    const dayTo = Date.parse('2026-10-25T23:00:00Z');
    const ticks = hourTicks(dayFrom, dayTo, zone);
    expect(ticks.map((t) => t.hour)).toEqual([6, 12, 18]);
    expect(ticks[0]!.share).toBeCloseTo(7 / 25);
    expect(new Date(ticks[1]!.at).toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });
});

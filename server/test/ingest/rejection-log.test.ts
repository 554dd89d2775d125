import { afterEach, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { RejectionLog } from '../../src/ingest/rejection-log.js';

afterEach(() => void vi.useRealTimers());

it('logs 20 rejections a minute per reason and says how many more it held back when the minute ends', () => {
  vi.useFakeTimers();
  const lines: Record<string, unknown>[] = [];
  const log = new RejectionLog(pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) }));
  const start = Date.parse('2026-12-06T10:00:00Z');
  for (let i = 0; i < 25; i++) log.record('schema', 'storepulse/v1/S1/T1/status', `bad ${i}`, start + i * 1000);
  log.record('topic', 'elsewhere', 'not a store topic', start + 30_000);
  expect(lines.filter((l) => l.reason === 'schema')).toHaveLength(20);
  expect(lines.some((l) => 'count' in l)).toBe(false);

  // The minute began at the first rejection; its summary comes when it ends (40 s after the first held back, at
  // 10:00:20), with no further rejection needed.
  vi.advanceTimersByTime(40_000 - 1);
  expect(lines.some((l) => 'count' in l)).toBe(false);
  vi.advanceTimersByTime(1);
  expect(lines.filter((l) => 'count' in l)).toEqual([expect.objectContaining({ reason: 'schema', count: 5, since: '2026-12-06T10:00:00.000Z' })]);

  // Three hours later: a fresh minute, logged as it comes, with nothing stale said about the last one.
  const before = lines.length;
  log.record('topic', 'elsewhere', 'not a store topic', start + 3 * 3_600_000);
  expect(lines.slice(before)).toEqual([expect.objectContaining({ reason: 'topic', msg: 'mqtt message rejected' })]);
});

it('words another source\'s refusals its own way, with its own fields', () => {
  vi.useFakeTimers();
  const lines: Record<string, unknown>[] = [];
  const log = new RejectionLog(pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) }), 2, {
    one: 'incident input not taken as is',
    more: 'more incident inputs not taken as is for this reason in the minute since then (not logged one by one)',
  });
  const start = Date.parse('2026-12-06T10:00:00Z');
  for (let i = 0; i < 5; i++) log.note('clock_skew', { storeId: 'S1', sourceId: 'T1' }, start + i);
  expect(lines).toEqual([
    expect.objectContaining({ reason: 'clock_skew', storeId: 'S1', sourceId: 'T1', msg: 'incident input not taken as is' }),
    expect.objectContaining({ reason: 'clock_skew', storeId: 'S1', sourceId: 'T1', msg: 'incident input not taken as is' }),
  ]);
  vi.advanceTimersByTime(60_000);
  expect(lines.at(-1)).toMatchObject({ reason: 'clock_skew', count: 3, msg: 'more incident inputs not taken as is for this reason in the minute since then (not logged one by one)' });
});

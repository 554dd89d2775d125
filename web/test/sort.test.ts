import { describe, expect, it } from 'vitest';
import { sortStores } from '../src/lib/fleet/sort.js';
import { summary } from './fixtures.js';

describe('sortStores', () => {
  it('puts the worst state first: down, offline, degraded, ok, closed', () => {
    const sorted = sortStores([
      summary('a', 'closed'),
      summary('b', 'ok'),
      summary('c', 'degraded'),
      summary('d', 'offline'),
      summary('e', 'down'),
    ]);
    expect(sorted.map((s) => s.state)).toEqual(['down', 'offline', 'degraded', 'ok', 'closed']);
  });

  it('puts a store with a problem in a maintenance window after every other problem, before the stores that are fine', () => {
    const maintenance = { windowId: 'w', until: '2026-12-06T04:00:00Z' };
    const sorted = sortStores([
      summary('ok', 'ok'),
      summary('planned-down', 'down', { maintenance }),
      summary('degraded', 'degraded'),
      summary('planned-ok', 'ok', { maintenance }),
      summary('planned-degraded', 'degraded', { maintenance }),
      summary('down', 'down'),
    ]);
    expect(sorted.map((s) => s.id)).toEqual(['down', 'degraded', 'planned-down', 'planned-degraded', 'ok', 'planned-ok']);
  });

  it('orders stores of the same state by name, numbers in natural order, then by id', () => {
    const sorted = sortStores([
      summary('x2', 'ok', { name: 'Store 10' }),
      summary('x1', 'ok', { name: 'store 9' }),
      summary('b', 'ok', { name: 'Alpha' }),
      summary('a', 'ok', { name: 'Alpha' }),
    ]);
    expect(sorted.map((s) => s.id)).toEqual(['a', 'b', 'x1', 'x2']);
  });

  it('does not change the list it is given', () => {
    const list = [summary('a', 'ok'), summary('b', 'down')];
    sortStores(list);
    expect(list.map((s) => s.id)).toEqual(['a', 'b']);
  });
});

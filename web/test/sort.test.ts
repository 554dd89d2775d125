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

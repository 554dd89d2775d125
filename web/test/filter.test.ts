import { describe, expect, it } from 'vitest';
import { filterStores } from '../src/lib/fleet/filter.js';
import { summary } from './fixtures.js';

const stores = [
  summary('mad-01', 'ok', { name: 'Madrid Centro', city: 'Madrid' }),
  summary('mlg-02', 'ok', { name: 'Costa', city: 'Málaga' }),
  summary('msk-03', 'down', { name: 'Тверская', city: 'Москва' }),
];

describe('filterStores', () => {
  it('keeps everything for an empty query', () => {
    expect(filterStores(stores, '  ')).toBe(stores);
  });

  it('matches name, city or id without regard to case or accents', () => {
    expect(filterStores(stores, 'MALAGA').map((s) => s.id)).toEqual(['mlg-02']);
    expect(filterStores(stores, 'centro').map((s) => s.id)).toEqual(['mad-01']);
    expect(filterStores(stores, 'msk').map((s) => s.id)).toEqual(['msk-03']);
    expect(filterStores(stores, 'москва').map((s) => s.id)).toEqual(['msk-03']);
  });
});

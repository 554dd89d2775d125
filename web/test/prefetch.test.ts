import { describe, expect, it } from 'vitest';
import { takePrefetched, type Prefetched } from '../src/lib/prefetch.js';

describe('early requests from index.html', () => {
  it('hands each one over once, then leaves the caller to the network', async () => {
    const stores = Promise.resolve([]);
    const early: Prefetched = { session: null, stores };
    expect(takePrefetched('stores', early)).toBe(stores);
    expect(takePrefetched('stores', early)).toBeNull();
    expect(takePrefetched('session', early)).toBeNull();
    expect(takePrefetched('session', undefined)).toBeNull();
  });
});

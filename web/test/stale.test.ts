import { describe, expect, it } from 'vitest';
import { isStale, STALE_AFTER_MS } from '../src/lib/fleet/stale.js';

describe('isStale', () => {
  it('is never stale while connected, however quiet the fleet is', () => {
    expect(isStale(true, 0, 10 * STALE_AFTER_MS)).toBe(false);
  });

  it('becomes stale once disconnected for the threshold since the last message', () => {
    expect(isStale(false, 1000, 1000 + STALE_AFTER_MS - 1)).toBe(false);
    expect(isStale(false, 1000, 1000 + STALE_AFTER_MS)).toBe(true);
  });

  it('has nothing to call stale before the first message', () => {
    expect(isStale(false, null, 10 * STALE_AFTER_MS)).toBe(false);
  });
});

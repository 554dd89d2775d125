import { describe, expect, it } from 'vitest';
import { flushDelay, FLUSH_MS, MAX_FLUSH_MS } from '../src/lib/fleet/flush.js';

describe('flushDelay', () => {
  it('batches for the base interval when rendering is cheap', () => {
    expect(flushDelay(0)).toBe(FLUSH_MS);
    expect(flushDelay(20)).toBe(FLUSH_MS);
  });

  it('waits three times a slow render, so a slow screen gets fewer, larger batches', () => {
    expect(flushDelay(50)).toBe(150);
    expect(flushDelay(200)).toBe(600);
  });

  it('never holds an update back past the cap, nor trusts a nonsense measure', () => {
    expect(flushDelay(5000)).toBe(MAX_FLUSH_MS);
    expect(flushDelay(Number.NaN)).toBe(FLUSH_MS);
    expect(flushDelay(-1)).toBe(FLUSH_MS);
  });
});

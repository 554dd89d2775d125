import { describe, expect, it } from 'vitest';
import { fleetCounts } from '../src/lib/fleet/counts.js';
import { summary, tills } from './fixtures.js';

describe('fleetCounts', () => {
  it('counts stores by state and tills up and down across the fleet', () => {
    const c = fleetCounts([
      summary('a', 'down', { tills: tills({ down: 3 }) }),
      summary('b', 'degraded', { tills: tills({ up: 2, down: 1, offline: 1 }) }),
      summary('c', 'ok', { tills: tills({ up: 5 }) }),
      summary('d', 'ok', { tills: tills({ up: 1, unknown: 1 }), maintenance: { windowId: 'w', until: '2026-12-06T04:00:00Z' } }),
    ]);
    expect(c.stores).toBe(4);
    expect(c.byState).toEqual({ ok: 2, degraded: 1, down: 1, offline: 0, closed: 0 });
    expect(c.tills).toBe(14);
    expect(c.tillsUp).toBe(8);
    expect(c.tillsDown).toBe(4);
    expect(c.maintenance).toBe(1);
  });

  it('gives zeros for every state of an empty fleet', () => {
    expect(fleetCounts([]).byState).toEqual({ ok: 0, degraded: 0, down: 0, offline: 0, closed: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { DirtyBins } from '../../src/telemetry/dirty-bins.js';

const Q = 900_000;

describe('dirty rollup bins', () => {
  it('widens one range per kind to whole quarter hours and collects the stores', () => {
    const d = new DirtyBins();
    d.mark('footfall', 's2', 10 * Q + 5_000);
    d.mark('footfall', 's1', 3 * Q + Q - 1);
    d.mark('sales', 's1', 7 * Q);
    expect(d.take()).toEqual([
      { kind: 'footfall', stores: ['s1', 's2'], from: 3 * Q, to: 11 * Q },
      { kind: 'sales', stores: ['s1'], from: 7 * Q, to: 8 * Q },
    ]);
    expect(d.take()).toEqual([]);
  });

  it('marks every store after a restart and takes failed work back', () => {
    const d = new DirtyBins();
    d.mark('availability', 's1', 5 * Q);
    d.markAll(2 * Q + 1, 4 * Q);
    const work = d.take();
    expect(work.find((w) => w.kind === 'availability')).toEqual({ kind: 'availability', stores: null, from: 2 * Q, to: 6 * Q });
    expect(work).toHaveLength(3);
    d.restore(work);
    expect(d.take()).toEqual(work);
  });
});

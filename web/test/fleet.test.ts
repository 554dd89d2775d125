import { describe, expect, it } from 'vitest';
import { applySnapshot, applyStoreRemoved, applyStoreState, emptyFleet, sameStores } from '../src/lib/fleet/fleet.js';
import { fleetCounts } from '../src/lib/fleet/counts.js';
import { summary, tills } from './fixtures.js';

describe('fleet state', () => {
  it('replaces everything on a snapshot, dropping stores that are gone', () => {
    let fleet = emptyFleet();
    fleet = applySnapshot(fleet, { at: '2026-11-23T09:00:00Z', stores: [summary('a', 'ok'), summary('b', 'ok')] }, 1000);
    fleet = applySnapshot(fleet, { at: '2026-11-23T09:01:00Z', stores: [summary('b', 'down')] }, 2000);
    expect([...fleet.stores.keys()]).toEqual(['b']);
    expect(fleet.stores.get('b')?.state).toBe('down');
    expect(fleet.snapshotAt).toBe('2026-11-23T09:01:00Z');
    expect(fleet.heardAt).toBe(2000);
  });

  it('keeps the object of a store a snapshot did not change, so its views need no redraw', () => {
    const a = summary('a', 'ok');
    const b = summary('b', 'ok');
    const seeded = applySnapshot(emptyFleet(), { at: '2026-11-23T09:00:00Z', stores: [a, b] }, 1000);
    const fresh = applySnapshot(seeded, { at: '2026-11-23T09:00:01Z', stores: [{ ...a }, { ...b, region: 'Andalucía' }] }, 1100);
    expect(fresh.stores.get('a')).toBe(a);
    expect(fresh.stores.get('b')).not.toBe(b);
    expect(fresh.stores.get('b')?.region).toBe('Andalucía');
    expect(sameStores(seeded, fresh)).toBe(false);
    expect(sameStores(seeded, applySnapshot(seeded, { at: '2026-11-23T09:00:02Z', stores: [{ ...a }, { ...b }] }, 1200))).toBe(true);
    expect(sameStores(seeded, applySnapshot(seeded, { at: '2026-11-23T09:00:02Z', stores: [{ ...a }] }, 1200))).toBe(false);
  });

  it('reports a change only when something shown changed', () => {
    const fleet = applySnapshot(emptyFleet(), { at: '2026-11-23T09:00:00Z', stores: [summary('a', 'ok')] }, 1000);
    expect(applyStoreState(fleet, summary('a', 'ok'), 1500)).toBe(false);
    expect(fleet.heardAt).toBe(1500);
    expect(applyStoreState(fleet, summary('a', 'ok', { tills: tills({ up: 3, down: 1 }) }), 1600)).toBe(true);
    expect(fleet.stores.get('a')?.tills.down).toBe(1);
    expect(applyStoreState(fleet, summary('a', 'down', { tills: tills({ up: 3, down: 1 }) }), 1700)).toBe(true);
    expect(fleet.stores.get('a')?.state).toBe('down');
  });

  it('adds a store first seen in an update', () => {
    const fleet = emptyFleet();
    expect(applyStoreState(fleet, summary('new', 'degraded'), 10)).toBe(true);
    expect(fleet.stores.get('new')?.state).toBe('degraded');
  });

  it('drops a store HQ removed, and its tills from the counts, without waiting for a snapshot', () => {
    const fleet = applySnapshot(emptyFleet(), { at: '2026-11-23T09:00:00Z', stores: [summary('a', 'down', { tills: tills({ down: 4 }) }), summary('b', 'ok')] }, 1000);
    expect(applyStoreRemoved(fleet, 'a', 1500)).toBe(true);
    expect([...fleet.stores.keys()]).toEqual(['b']);
    expect(fleet.heardAt).toBe(1500);
    expect(fleetCounts(fleet.stores.values())).toMatchObject({ stores: 1, byState: { down: 0 }, tillsDown: 0 });
    // A store this screen no longer has (a snapshot came first): nothing to redraw.
    expect(applyStoreRemoved(fleet, 'a', 1600)).toBe(false);
  });
});

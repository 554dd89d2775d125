import { describe, expect, it } from 'vitest';
import type { StoreDetail, TillView } from '@storepulse/protocol';
import { applyStoreToDetail, applyTillToDetail } from '../src/lib/fleet/detail.js';
import { summary, tills } from './fixtures.js';

const till = (id: string, state: TillView['state']): TillView => ({
  id,
  state,
  online: state !== 'offline',
  components: null,
  lastSeen: null,
  since: '2026-11-23T08:00:00Z',
  agentVersion: null,
});

const detail: StoreDetail = {
  id: 'mad-01',
  name: 'Madrid Centro',
  city: 'Madrid',
  region: null,
  timezone: 'Europe/Madrid',
  currency: 'EUR',
  state: 'ok',
  since: '2026-11-23T08:00:00Z',
  tillCounts: tills({ up: 2 }),
  tills: [till('t1', 'up'), till('t2', 'up')],
  hours: { mon: '09:00-21:00', tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
  provider: 'acme',
  email: null,
  maintenance: null,
  providers: [{ id: 'acme', name: 'Acme Retail Service', categories: ['all'] }],
};

describe('store page updates', () => {
  it('replaces the till named in the event and keeps the others', () => {
    const next = applyTillToDetail(detail, { storeId: 'mad-01', till: till('t2', 'down') });
    expect(next.tills.map((t) => [t.id, t.state])).toEqual([
      ['t1', 'up'],
      ['t2', 'down'],
    ]);
    expect(detail.tills[1]?.state).toBe('up');
  });

  it('adds a till it did not know, in id order', () => {
    const next = applyTillToDetail(detail, { storeId: 'mad-01', till: till('t0', 'unknown') });
    expect(next.tills.map((t) => t.id)).toEqual(['t0', 't1', 't2']);
  });

  it('ignores events for other stores', () => {
    expect(applyTillToDetail(detail, { storeId: 'other', till: till('t1', 'down') })).toBe(detail);
    expect(applyStoreToDetail(detail, summary('other', 'down'))).toBe(detail);
  });

  it('takes state and till counts from a store update and keeps hours, provider and tills', () => {
    const next = applyStoreToDetail(detail, summary('mad-01', 'degraded', { tills: tills({ up: 1, degraded: 1 }) }));
    expect(next.state).toBe('degraded');
    expect(next.tillCounts).toEqual(tills({ up: 1, degraded: 1 }));
    expect(next.tills).toBe(detail.tills);
    expect(next.provider).toBe('acme');
    expect(next.hours).toBe(detail.hours);
  });
});

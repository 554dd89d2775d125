import { describe, expect, it } from 'vitest';
import { applyIncident, applyIncidentsSnapshot, dropStoreIncidents, lossByStore, showsRecovering, tileIncidents, uncountedToday } from '../src/lib/incidents/incidents.js';
import { lostSoFar, lostUpTo, reportLost, sortTotals, ticketLostUpTo, totalInHq } from '../src/lib/incidents/money.js';
import { incident } from './fixtures.js';

describe('live incidents', () => {
  it('keeps open incidents from a snapshot and forgets one once it closes', () => {
    const state = applyIncidentsSnapshot({ at: '2026-11-23T09:00:00Z', open: [incident('a', 'S1'), incident('b', 'S2')], today: [], hq: null });
    expect([...state.open.keys()]).toEqual(['a', 'b']);
    applyIncident(state, incident('a', 'S1', { status: 'closed', updatedAt: '2026-11-23T09:10:00Z' }));
    expect([...state.open.keys()]).toEqual(['b']);
  });

  it('forgets a removed store\'s open incidents, and only its own', () => {
    const state = applyIncidentsSnapshot({ at: '', open: [incident('a', 'S1'), incident('b', 'S2'), incident('c', 'S1')], today: [], hq: null });
    expect(dropStoreIncidents(state, 'S1')).toBe(true);
    expect([...state.open.keys()]).toEqual(['b']);
    expect(dropStoreIncidents(state, 'S1')).toBe(false);
    // Its closure, coming right after, changes nothing.
    applyIncident(state, incident('a', 'S1', { status: 'closed', updatedAt: '2026-11-23T09:10:00Z' }));
    expect([...state.open.keys()]).toEqual(['b']);
  });

  it('ignores news older than what it holds', () => {
    const state = applyIncidentsSnapshot({ at: '', open: [incident('a', 'S1', { updatedAt: '2026-11-23T09:10:00Z' })], today: [], hq: null });
    applyIncident(state, incident('a', 'S1', { updatedAt: '2026-11-23T09:00:00Z', lostRevenue: { gross: 1, net: 1, low: 1, high: 1, currency: 'EUR' } }));
    expect(state.open.get('a')!.lostRevenue.gross).toBe(100);
  });

  it('adds up the loss so far of each store\'s open incidents', () => {
    const byStore = lossByStore([
      incident('a', 'S1'),
      incident('b', 'S1', { lostRevenue: { gross: 50.5, net: 40, low: 30, high: 70, currency: 'EUR' } }),
      incident('c', 'S2', { lostRevenue: { gross: 900, net: 800, low: 700, high: 1000, currency: 'RUB' } }),
    ]);
    expect(byStore.get('S1')).toEqual({ currency: 'EUR', gross: 150.5, upTo: 0, incidents: 2, recovering: false });
    expect(byStore.get('S2')).toEqual({ currency: 'RUB', gross: 900, upTo: 0, incidents: 1, recovering: false });
  });

  it('marks a store recovering only while every one of its open incidents is', () => {
    const back = { recoveringSince: '2026-11-23T09:20:00Z' };
    const byStore = lossByStore([
      incident('a', 'S1', back),
      incident('b', 'S2', back),
      incident('c', 'S2'),
    ]);
    expect(byStore.get('S1')!.recovering).toBe(true);
    expect(byStore.get('S2')!.recovering).toBe(false);
  });

  it('gives a tile its formatted loss and recovering mark, and nothing to a store with neither', () => {
    const zero = { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' };
    const marks = tileIncidents(
      lossByStore([
        incident('a', 'S1', { recoveringSince: '2026-11-23T09:20:00Z' }),
        incident('b', 'S2', { lostRevenue: zero, recoveringSince: '2026-11-23T09:20:00Z' }),
        incident('c', 'S3', { lostRevenue: zero }),
        incident('d', 'S4'),
      ]),
      (amount, currency) => `${amount} ${currency}`,
    );
    expect(Object.fromEntries(marks)).toEqual({
      S1: { lost: '100 EUR', upTo: null, recovering: true },
      S2: { lost: null, upTo: null, recovering: true },
      S4: { lost: '100 EUR', upTo: null, recovering: false },
    });
  });

  it('shows the recovering mark only once the store\'s own state agrees that its tills are back', () => {
    const mark = { lost: '100 EUR', recovering: true };
    expect(showsRecovering('ok', mark)).toBe(true);
    expect(showsRecovering('degraded', mark)).toBe(true);
    expect(showsRecovering('down', mark)).toBe(false);
    expect(showsRecovering('offline', mark)).toBe(false);
    expect(showsRecovering('ok', { ...mark, recovering: false })).toBe(false);
    expect(showsRecovering('ok', undefined)).toBe(false);
  });
});

describe('a ticket\'s loss so far', () => {
  const format = (amount: number, currency: string) => `${amount} ${currency}`;

  it('is an amount once something was lost, and nothing to show for an estimate of zero or none', () => {
    expect(lostSoFar({ gross: 12.5, currency: 'MXN' }, format)).toBe('12.5 MXN');
    expect(lostSoFar({ gross: 0, currency: 'MXN' }, format)).toBeNull();
    expect(lostSoFar(null, format)).toBeNull();
  });
});

describe('a store offline: the most it may be losing while none of it is counted', () => {
  const zero = { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' };
  const offline = (id: string, storeId: string, extra: Parameters<typeof incident>[2] = {}) =>
    incident(id, storeId, { kind: 'store_offline', lostRevenue: { ...zero, high: 90 }, flags: ['capacity_assumed'], ...extra });
  const format = (amount: number, currency: string) => `${amount} ${currency}`;

  it('is the band\'s high while open with nothing counted, and no bound otherwise', () => {
    expect(lostUpTo(offline('a', 'S1'))).toBe(90);
    // Closed: its 0 is a figure. Counted: the figure is shown. Tills known down, or no band: nothing to bound.
    expect(lostUpTo(offline('a', 'S1', { status: 'closed' }))).toBeNull();
    expect(lostUpTo(offline('a', 'S1', { lostRevenue: { gross: 12, net: 12, low: 0, high: 90, currency: 'EUR' } }))).toBeNull();
    expect(lostUpTo(offline('a', 'S1', { flags: [] }))).toBeNull();
    expect(lostUpTo(offline('a', 'S1', { lostRevenue: zero }))).toBeNull();
  });

  it('gives the wall\'s tile "up to …" instead of nothing, and a counted loss before any bound', () => {
    const marks = tileIncidents(
      lossByStore([offline('a', 'S1'), offline('b', 'S2'), incident('c', 'S2', { lostRevenue: { gross: 30, net: 30, low: 20, high: 40, currency: 'EUR' } })]),
      format,
    );
    expect(marks.get('S1')).toEqual({ lost: null, upTo: '90 EUR', recovering: false });
    expect(marks.get('S2')).toEqual({ lost: '30 EUR', upTo: null, recovering: false });
  });

  it('reads a ticket\'s bound from the ticket alone: only a loss the server marks uncounted has one', () => {
    expect(ticketLostUpTo({ ...zero, high: 90, uncounted: true })).toBe(90);
    expect(ticketLostUpTo({ ...zero, high: 90 })).toBeNull();
    expect(ticketLostUpTo({ gross: 12, net: 12, low: 0, high: 90, currency: 'EUR', uncounted: true })).toBeNull();
    expect(ticketLostUpTo({ ...zero, uncounted: true })).toBeNull();
    expect(ticketLostUpTo(null)).toBeNull();
  });

  it('says a report\'s uncounted bound beside its sum, and in place of a sum of nothing counted', () => {
    const fmt = (amount: number, currency: string) => `${amount} ${currency}`;
    expect(reportLost({ gross: 120, uncountedUpTo: 900 }, 'EUR', fmt)).toEqual({ counted: '120 EUR', upTo: '900 EUR' });
    expect(reportLost({ gross: 0, uncountedUpTo: 900 }, 'EUR', fmt)).toEqual({ counted: null, upTo: '900 EUR' });
    expect(reportLost({ gross: 0 }, 'EUR', fmt)).toEqual({ counted: '0 EUR', upTo: null });
    expect(reportLost({ gross: 120, uncountedUpTo: 0 }, 'EUR', fmt)).toEqual({ counted: '120 EUR', upTo: null });
  });

  it('adds up, per currency, the bounds of open incidents of known stores, whatever day they began', () => {
    const known = new Set(['MAD', 'MOW']);
    const open = [
      offline('a', 'MAD', { startedAt: '2026-12-06T23:10:00Z' }),
      // Begun before Madrid's midnight and still open: it costs money today too, as the server counts it.
      offline('b', 'MAD', { startedAt: '2026-12-06T22:50:00Z' }),
      offline('c', 'MOW', { startedAt: '2026-12-06T22:00:00Z', lostRevenue: { ...zero, high: 5_000, currency: 'RUB' } }),
      offline('d', 'MOW', { startedAt: '2026-12-06T22:00:00Z', lostRevenue: { ...zero, high: 1_000, currency: 'RUB' } }),
      incident('e', 'MAD', { startedAt: '2026-12-06T23:10:00Z' }),
      offline('f', 'GONE', { startedAt: '2026-12-06T23:10:00Z' }),
      offline('g', 'MAD', { status: 'closed', endedAt: '2026-12-06T23:20:00Z' }),
    ];
    expect(uncountedToday(open, (id) => known.has(id))).toEqual([
      { currency: 'EUR', amount: 180 },
      { currency: 'RUB', amount: 6_000 },
    ]);
  });
});

describe('lost revenue today', () => {
  const today = [
    { currency: 'RUB', gross: 90_000, net: 80_000, incidents: 3 },
    { currency: 'EUR', gross: 1_200, net: 1_000, incidents: 2 },
    { currency: 'MXN', gross: 0, net: 0, incidents: 0 },
  ];

  it('lists currencies with a loss, largest amount first', () => {
    expect(sortTotals(today).map((t) => t.currency)).toEqual(['RUB', 'EUR']);
  });

  it('ranks currencies by their worth in HQ\'s currency when HQ gives rates', () => {
    // 90,000 roubles are 900 euros: less than the 1,200 euros.
    expect(sortTotals(today, { currency: 'EUR', rates: { RUB: 0.01 } }).map((t) => t.currency)).toEqual(['EUR', 'RUB']);
  });

  it('totals in HQ\'s currency with a rate for every currency', () => {
    expect(totalInHq(today, { currency: 'EUR', rates: { RUB: 0.01 } })).toEqual({ currency: 'EUR', amount: 2_100 });
  });

  it('gives no total when a rate is missing, rather than a wrong one', () => {
    expect(totalInHq(today, { currency: 'EUR', rates: {} })).toBeNull();
    expect(totalInHq(today, null)).toBeNull();
  });

  it('needs no rate when every loss is in one currency', () => {
    expect(totalInHq([{ currency: 'EUR', gross: 10, net: 5, incidents: 1 }, { currency: 'EUR', gross: 5, net: 5, incidents: 1 }], null)).toEqual({
      currency: 'EUR',
      amount: 15,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { lossReport, lossReportCsv, type IncidentFigures } from '../../../src/domain/incidents/loss-report.js';

const fig = (over: Partial<IncidentFigures> & Pick<IncidentFigures, 'storeId' | 'startedAt'>): IncidentFigures => ({
  kind: 'till_down',
  status: 'closed',
  endedAt: new Date(Date.parse(over.startedAt) + 30 * 60_000).toISOString(),
  recoveringSince: null,
  visitors: 10,
  gross: 100,
  net: 80,
  high: 150,
  currency: 'EUR',
  flags: [],
  ...over,
});
const zones: Record<string, string> = { MAD: 'Europe/Madrid', NYC: 'America/New_York', VVO: 'Asia/Vladivostok', MAD2: 'Europe/Madrid' };
const zoneOf = (id: string) => zones[id];
const NOW = Date.parse('2026-12-01T12:00:00Z');

describe('the monthly loss report', () => {
  it("counts each incident in its store's local month, where it began", () => {
    const report = lossReport(
      [
        // 1 November 00:30 in Madrid (UTC+1): November there, though still October in UTC.
        fig({ storeId: 'MAD', startedAt: '2026-10-31T23:30:00Z' }),
        // 30 November 20:00 in New York (UTC-5): November there, December in UTC.
        fig({ storeId: 'NYC', startedAt: '2026-12-01T01:00:00Z', currency: 'USD' }),
        // 1 December 08:00 in Vladivostok (UTC+10): December there, November in UTC.
        fig({ storeId: 'VVO', startedAt: '2026-11-30T22:00:00Z', currency: 'RUB' }),
        // A store no longer configured counts in UTC.
        fig({ storeId: 'GONE', startedAt: '2026-11-30T23:30:00Z' }),
      ],
      zoneOf,
      '2026-11',
      NOW,
    );
    expect(report?.stores.map((r) => r.storeId)).toEqual(['GONE', 'MAD', 'NYC']);
  });

  it('sums each store per currency with its downtime (to now while open), highest net first, and totals per currency', () => {
    const report = lossReport(
      [
        fig({ storeId: 'MAD', startedAt: '2026-11-10T10:00:00Z', kind: 'till_down', gross: 100.105, net: 80, visitors: 10.4 }),
        fig({ storeId: 'MAD', startedAt: '2026-11-12T10:00:00Z', kind: 'store_offline', gross: 50, net: 45, visitors: 5.4, endedAt: '2026-11-12T11:30:00Z' }),
        fig({ storeId: 'MAD2', startedAt: '2026-11-20T10:00:00Z', gross: 300, net: 250, visitors: 40 }),
        // Still open at NOW: two hours so far.
        fig({ storeId: 'NYC', startedAt: '2026-12-01T10:00:00Z', status: 'open', endedAt: null, currency: 'USD', gross: 20, net: 20, visitors: 3 }),
        // Open, its tills back since 11:40 while the hold period runs: down 40 min, not to now.
        fig({ storeId: 'NYC', startedAt: '2026-12-01T11:00:00Z', status: 'open', endedAt: null, recoveringSince: '2026-12-01T11:40:00Z', currency: 'USD', gross: 0, net: 0, visitors: 0 }),
      ],
      zoneOf,
      '2026-12',
      NOW,
    );
    // Only NYC's began in December (local): 05:00 on 1 December in New York.
    expect(report?.stores).toEqual([{ storeId: 'NYC', currency: 'USD', incidents: 2, kinds: { till_down: 2 }, downtimeMs: 160 * 60_000, visitors: 3, gross: 20, net: 20 }]);

    const nov = lossReport(
      [
        fig({ storeId: 'MAD', startedAt: '2026-11-10T10:00:00Z', kind: 'till_down', gross: 100.105, net: 80, visitors: 10.4 }),
        fig({ storeId: 'MAD', startedAt: '2026-11-12T10:00:00Z', kind: 'store_offline', gross: 50, net: 45, visitors: 5.4, endedAt: '2026-11-12T11:30:00Z' }),
        fig({ storeId: 'MAD2', startedAt: '2026-11-20T10:00:00Z', gross: 300, net: 250, visitors: 40 }),
      ],
      zoneOf,
      '2026-11',
      NOW,
    )!;
    expect(nov.stores).toEqual([
      { storeId: 'MAD2', currency: 'EUR', incidents: 1, kinds: { till_down: 1 }, downtimeMs: 30 * 60_000, visitors: 40, gross: 300, net: 250 },
      // 30 min + 90 min down; 15.8 visitors round to 16; 150.105 to 150.11.
      { storeId: 'MAD', currency: 'EUR', incidents: 2, kinds: { till_down: 1, store_offline: 1 }, downtimeMs: 120 * 60_000, visitors: 16, gross: 150.11, net: 125 },
    ]);
    expect(nov.totals).toEqual([{ currency: 'EUR', incidents: 3, downtimeMs: 150 * 60_000, visitors: 56, gross: 450.11, net: 375 }]);
  });

  it('says how much a store offline still open may add, its loss not counted yet, and never adds currencies', () => {
    const report = lossReport(
      [
        fig({ storeId: 'MAD', startedAt: '2026-12-01T11:00:00Z', kind: 'store_offline', status: 'open', endedAt: null, gross: 0, net: 0, high: 90, flags: ['capacity_assumed'] }),
        // Over, or counted: no bound.
        fig({ storeId: 'MAD', startedAt: '2026-12-01T09:00:00Z', kind: 'store_offline', gross: 0, net: 0, high: 70, flags: ['capacity_assumed'] }),
        fig({ storeId: 'VVO', startedAt: '2026-12-01T01:00:00Z', currency: 'RUB', gross: 900, net: 800 }),
      ],
      zoneOf,
      '2026-12',
      NOW,
    )!;
    expect(report.stores.map((r) => [r.storeId, r.currency, r.gross, r.uncountedUpTo])).toEqual([
      ['MAD', 'EUR', 0, 90],
      ['VVO', 'RUB', 900, undefined],
    ]);
    expect(report.totals.map((t) => [t.currency, t.gross, t.uncountedUpTo])).toEqual([
      ['EUR', 0, 90],
      ['RUB', 900, undefined],
    ]);
  });

  it('refuses a malformed month, and is empty without incidents', () => {
    expect(lossReport([], zoneOf, '2026-13', NOW)).toBeNull();
    expect(lossReport([], zoneOf, 'November', NOW)).toBeNull();
    expect(lossReport([], zoneOf, '2026-11', NOW)).toEqual({ stores: [], totals: [] });
  });

  it('writes a CSV line per store, with names quoted where they need it and formulas defused', () => {
    const report = lossReport(
      [fig({ storeId: 'MAD', startedAt: '2026-11-10T10:00:00Z' }), fig({ storeId: 'MAD2', startedAt: '2026-11-10T10:00:00Z', net: 10 }), fig({ storeId: 'GONE', startedAt: '2026-11-10T10:00:00Z', net: 5 })],
      zoneOf,
      '2026-11',
      NOW,
    )!;
    const names: Record<string, { name: string; city: string }> = { MAD: { name: 'Gran Vía, "centro"', city: 'Madrid' }, MAD2: { name: '=HYPERLINK("x")', city: 'Madrid' } };
    expect(lossReportCsv(report, (id) => names[id]).split('\n')).toEqual([
      'store_id,store_name,city,currency,incidents,downtime_min,visitors,lost_revenue_gross,lost_revenue_net,lost_revenue_uncounted_up_to',
      'MAD,"Gran Vía, ""centro""",Madrid,EUR,1,30.0,10,100.00,80.00,',
      `MAD2,"'=HYPERLINK(""x"")",Madrid,EUR,1,30.0,10,100.00,10.00,`,
      'GONE,,,EUR,1,30.0,10,100.00,5.00,',
      '',
    ]);
  });
});

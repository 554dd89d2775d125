import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incidents/index.js';
import { engineConfig } from '../../src/services/incidents/engine-config.js';
import { lostRevenueToday } from '../../src/services/incidents/lost-today.js';
import type { StoreConfig } from '../../src/domain/store.js';

const inc = (storeId: string, startedAt: string, gross: number, net: number, currency: string) =>
  ({ id: `${storeId}-${startedAt}`, storeId, startedAt, lostRevenue: { gross, net, low: 0, high: 0, currency } }) as Incident;

describe('lost revenue today', () => {
  // 2026-11-23 01:30 UTC: already the 23rd in Vladivostok (UTC+10), still the 22nd in New York (UTC-5).
  const now = Date.parse('2026-11-23T01:30:00Z');
  const zones: Record<string, string> = { VL: 'Asia/Vladivostok', NY: 'America/New_York', MD: 'Europe/Madrid' };

  it('counts incidents from the start of each store\'s own local day, per currency, never adding currencies', () => {
    const totals = lostRevenueToday(
      [
        inc('VL', '2026-11-22T14:30:00Z', 1000, 900, 'RUB'), // 00:30 local on the 23rd: today
        inc('VL', '2026-11-22T13:30:00Z', 5000, 5000, 'RUB'), // 23:30 local on the 22nd: yesterday
        inc('NY', '2026-11-22T06:00:00Z', 10.5, 10, 'USD'), // 01:00 local on the 22nd: today there
        inc('MD', '2026-11-23T00:10:00Z', 20.25, 20.25, 'EUR'), // 01:10 local on the 23rd
        inc('MD', '2026-11-22T22:50:00Z', 7, 7, 'EUR'), // 23:50 local on the 22nd
        inc('GONE', '2026-11-23T00:00:00Z', 99, 99, 'EUR'), // store removed: no zone, not counted
      ],
      (id) => zones[id],
      now,
    );
    expect(totals).toEqual([
      { currency: 'EUR', gross: 20.25, net: 20.25, incidents: 1 },
      { currency: 'RUB', gross: 1000, net: 900, incidents: 1 },
      { currency: 'USD', gross: 10.5, net: 10, incidents: 1 },
    ]);
  });

  it('is empty without incidents', () => {
    expect(lostRevenueToday([], () => 'UTC', now)).toEqual([]);
  });
});

describe('engine config from the fleet', () => {
  const store: StoreConfig = {
    id: 'S1', name: 'n', city: 'c', timezone: 'UTC', currency: 'EUR', tills: ['T1', 'T2'],
    hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null },
    holidays: [], provider: null, conversion: 0.2, avgBasket: 30,
  };

  it('keys stores by id with the timings, windows and models given', () => {
    const cfg = engineConfig([store], { pendingSec: 5, recoverSec: 6 }, [{ id: 'w', storeIds: ['S1'], recurrence: { weekdays: ['mon'], hours: '01:00-02:00' } }], {});
    expect(cfg.stores).toEqual({ S1: store });
    expect(cfg.incidents).toEqual({ pendingSec: 5, recoverSec: 6 });
    expect(cfg.maintenance.map((w) => w.id)).toEqual(['w']);
  });
});

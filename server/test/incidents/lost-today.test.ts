import { describe, expect, it } from 'vitest';
import type { Incident } from '../../src/domain/incidents/index.js';
import { engineConfig } from '../../src/services/incidents/engine-config.js';
import type { WeekHours } from '@storepulse/protocol';
import { lostRevenueToday, type StoreDay } from '../../src/services/incidents/lost-today.js';
import type { StoreConfig } from '../../src/domain/store.js';

const inc = (storeId: string, startedAt: string, gross: number, net: number, currency: string, endedAt: string | null = startedAt) =>
  ({ id: `${storeId}-${startedAt}`, storeId, startedAt, endedAt, lostRevenue: { gross, net, low: 0, high: 0, currency } }) as Incident;

const ALWAYS = '00:00-24:00';
const allDay: WeekHours = { mon: ALWAYS, tue: ALWAYS, wed: ALWAYS, thu: ALWAYS, fri: ALWAYS, sat: ALWAYS, sun: ALWAYS };
const DAY = '09:00-21:00';
const daytime: WeekHours = { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY };
const day = (timezone: string, hours: WeekHours = allDay): StoreDay => ({ timezone, hours, holidays: [] });

describe('lost revenue today', () => {
  // 2026-11-23 01:30 UTC: already the 23rd in Vladivostok (UTC+10), still the 22nd in New York (UTC-5).
  const now = Date.parse('2026-11-23T01:30:00Z');
  const stores: Record<string, StoreDay> = { VL: day('Asia/Vladivostok'), NY: day('America/New_York'), MD: day('Europe/Madrid') };

  it('counts incidents from the start of each store\'s own local day, per currency, never adding currencies', () => {
    const totals = lostRevenueToday(
      [
        inc('VL', '2026-11-22T14:30:00Z', 1000, 900, 'RUB'), // 00:30 local on the 23rd: today
        inc('VL', '2026-11-22T13:30:00Z', 5000, 5000, 'RUB', '2026-11-22T13:50:00Z'), // 23:30–23:50 local on the 22nd: yesterday
        inc('NY', '2026-11-22T06:00:00Z', 10.5, 10, 'USD'), // 01:00 local on the 22nd: today there
        inc('MD', '2026-11-23T00:10:00Z', 20.25, 20.25, 'EUR'), // 01:10 local on the 23rd
        inc('MD', '2026-11-22T22:50:00Z', 7, 7, 'EUR', '2026-11-22T22:55:00Z'), // 23:50–23:55 local on the 22nd
        inc('GONE', '2026-11-23T00:00:00Z', 99, 99, 'EUR'), // store removed: no zone, not counted
      ],
      (id) => stores[id],
      now,
    );
    expect(totals).toEqual([
      { currency: 'EUR', gross: 20.25, net: 20.25, incidents: 1 },
      { currency: 'RUB', gross: 1000, net: 900, incidents: 1 },
      { currency: 'USD', gross: 10.5, net: 10, incidents: 1 },
    ]);
  });

  it('counts today\'s share of an incident that runs on past the store\'s midnight, by its trading time on either side', () => {
    // Madrid, UTC+1: 01:30 UTC is 02:30 local on the 23rd.
    const totals = lostRevenueToday(
      [
        // Open round the clock: from 23:00 on the 22nd and still open at 11:00 on the 23rd, so 11 of 12 hours are today's.
        inc('MD', '2026-11-22T22:00:00Z', 350, 350, 'EUR', null),
        // Open 09:00–21:00: down from 20:00 on the 22nd until 09:30 on the 23rd traded 1.5 hours, half an hour of them today.
        inc('DAY', '2026-11-22T19:00:00Z', 90, 60, 'EUR', '2026-11-23T08:30:00Z'),
      ],
      (id) => (id === 'DAY' ? day('Europe/Madrid', daytime) : stores[id]),
      Date.parse('2026-11-23T10:00:00Z'),
    );
    // 350 × 11/12 + 90 × 1/3, and net 350 × 11/12 + 60 × 1/3.
    expect(totals).toEqual([{ currency: 'EUR', gross: 350.83, net: 340.83, incidents: 2 }]);
  });

  it('leaves out an incident that ended before the store\'s midnight', () => {
    expect(lostRevenueToday([inc('MD', '2026-11-22T21:00:00Z', 50, 50, 'EUR', '2026-11-22T22:59:00Z')], (id) => stores[id], now)).toEqual([]);
  });

  it('is empty without incidents', () => {
    expect(lostRevenueToday([], () => day('UTC'), now)).toEqual([]);
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

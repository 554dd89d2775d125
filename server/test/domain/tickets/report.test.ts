import { describe, expect, it } from 'vitest';
import type { SlaReportRow } from '@storepulse/protocol';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine } from '../../../src/domain/tickets/engine.js';
import { monthRange } from '../../../src/domain/month.js';
import { slaReport, slaReportCsv } from '../../../src/domain/tickets/report.js';
import { M, at, pilot, store } from './fixtures.js';

const stores = new Map([
  ['S001', store()],
  ['S777', store({ id: 'S777', city: 'Bilbao' })],
]);
const provider = { role: 'provider' as const, id: 'pilot' };

/** November: one P2 handled well, one P1 whose response was late, one false alarm, one unassigned. */
function november() {
  const e = new TicketEngine({ stores, providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
  const open = (id: string, iso: string, over: object = {}) => {
    e.apply({ type: 'incident.opened', at: at(iso), incident: { id, storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: iso, ...over } });
    return e.ticketForIncident(id)!.id;
  };
  const move = (ticketId: string, iso: string, to: 'acknowledged' | 'on_site' | 'resolved', reason?: string) =>
    e.apply({ type: 'transition', at: at(iso), ticketId, actor: provider, to, reason });

  const a = open('a', '2026-11-10T10:00:00Z', { lostRevenue: { gross: 100, net: 80, low: 60, high: 120, currency: 'EUR' } });
  move(a, '2026-11-10T10:20:00Z', 'acknowledged');
  move(a, '2026-11-10T11:00:00Z', 'on_site');
  move(a, '2026-11-10T12:00:00Z', 'resolved', 'hardware_replaced');

  const b = open('b', '2026-11-11T10:00:00Z', { kind: 'store_down', tillIds: [], lostRevenue: { gross: 900, net: 700, low: 500, high: 1000, currency: 'EUR' } });
  move(b, '2026-11-11T10:40:00Z', 'acknowledged');
  move(b, '2026-11-11T13:00:00Z', 'resolved', 'remote_fix');

  const c = open('c', '2026-11-12T10:00:00Z', { tillIds: ['T3'] });
  e.apply({ type: 'transition', at: at('2026-11-12T10:05:00Z'), ticketId: c, actor: { role: 'hq', id: 'ana' }, to: 'cancelled', reason: 'false_alarm' });

  open('d', '2026-11-13T10:00:00Z', { storeId: 'S777' });
  open('e', '2026-12-01T10:00:00Z', { tillIds: ['T4'] });
  return Object.values(e.state.tickets);
}

describe('SLA report', () => {
  const now = at('2026-12-02T00:00:00Z');

  it('sums a provider’s month: tickets by priority, mean times, breaches and lost revenue', () => {
    const [row] = slaReport(november(), stores, '2026-11', now, 'pilot')!;
    expect(row).toEqual({
      providerId: 'pilot',
      tickets: { P1: 1, P2: 1, P3: 0, total: 2 },
      withdrawn: 0,
      mttaMs: 30 * M,
      mttoMs: 60 * M,
      mttrMs: 150 * M,
      breaches: { response: 1, onSite: 0, resolve: 0, total: 1 },
      lostRevenue: { EUR: { gross: 1000, net: 780 } },
    });
  });

  it('reports the unassigned queue apart, and every provider when none is asked', () => {
    const rows = slaReport(november(), stores, '2026-11', now)!;
    expect(rows.map((r) => [r.providerId, r.tickets.total, r.mttaMs])).toEqual([
      [null, 1, null],
      ['pilot', 2, 30 * M],
    ]);
  });

  it('leaves out of MTTR a ticket whose fault recovered before HQ assigned it', () => {
    const e = new TicketEngine({ stores, providers: [], config: DEFAULT_TICKETS_CONFIG });
    const incident = (id: string, tillIds: string[]) => ({ id, storeId: 'S001', kind: 'till_down', tillIds, startedAt: '2026-11-10T09:58:00Z' });
    e.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident('late', ['T1']) });
    e.apply({ type: 'incident.closed', at: at('2026-11-10T10:05:00Z'), incident: { ...incident('late', ['T1']), endedAt: '2026-11-10T10:05:00Z' } });
    e.setContext({ stores, providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
    const late = e.ticketForIncident('late')!.id;
    e.apply({ type: 'assign', at: at('2026-11-10T10:20:00Z'), ticketId: late, actor: { role: 'hq', id: 'ana' }, providerId: 'pilot' });
    e.apply({ type: 'tick', at: at('2026-11-10T10:40:00Z') });
    expect(e.state.tickets[late]).toMatchObject({ status: 'closed', resolvedAt: '2026-11-10T10:05:00.000Z', assignedAt: '2026-11-10T10:20:00.000Z' });
    e.apply({ type: 'incident.opened', at: at('2026-11-10T11:00:00Z'), incident: incident('fixed', ['T2']) });
    e.apply({ type: 'transition', at: at('2026-11-10T12:00:00Z'), ticketId: e.ticketForIncident('fixed')!.id, actor: provider, to: 'resolved', reason: 'remote_fix' });
    expect(slaReport(Object.values(e.state.tickets), stores, '2026-11', now, 'pilot')![0]).toMatchObject({ tickets: { total: 2 }, mttrMs: 60 * M });
  });

  it('writes CSV with times in minutes', () => {
    const csv = slaReportCsv(slaReport(november(), stores, '2026-11', now)!);
    expect(csv.split('\n')).toEqual([
      'provider,tickets_P1,tickets_P2,tickets_P3,tickets_total,mtta_min,mean_to_onsite_min,mttr_min,breaches_response,breaches_onsite,breaches_resolve,breaches_total,currency,lost_revenue_gross,lost_revenue_net,lost_revenue_uncounted_up_to,tickets_withdrawn',
      'unassigned,0,1,0,1,,,,0,0,0,0,,,,,0',
      'pilot,1,1,0,2,30.0,60.0,150.0,1,0,0,1,EUR,1000.00,780.00,,0',
      '',
    ]);
  });

  it('counts a provider\'s tickets once in CSV, on its first line, when its losses are in several currencies', () => {
    const rows: SlaReportRow[] = [
      {
        providerId: null,
        tickets: { P1: 1, P2: 1, P3: 0, total: 2 },
        withdrawn: 0,
        mttaMs: 10 * M,
        mttoMs: null,
        mttrMs: 20 * M,
        breaches: { response: 1, onSite: 0, resolve: 0, total: 1 },
        lostRevenue: { MXN: { gross: 500, net: 400 }, USD: { gross: 30, net: 25 } },
      },
      {
        providerId: 'pilot',
        tickets: { P1: 0, P2: 3, P3: 0, total: 3 },
        withdrawn: 2,
        mttaMs: null,
        mttoMs: null,
        mttrMs: null,
        breaches: { response: 0, onSite: 0, resolve: 2, total: 2 },
        lostRevenue: { EUR: { gross: 10, net: 8 }, USD: { gross: 5, net: 4, uncountedUpTo: 90 } },
      },
    ];
    const lines = slaReportCsv(rows).trim().split('\n');
    expect(lines.slice(1)).toEqual([
      'unassigned,1,1,0,2,10.0,,20.0,1,0,0,1,MXN,500.00,400.00,,0',
      'unassigned,,,,,,,,,,,,USD,30.00,25.00,,',
      'pilot,0,3,0,3,,,,0,0,2,2,EUR,10.00,8.00,,2',
      'pilot,,,,,,,,,,,,USD,5.00,4.00,90.00,',
    ]);
    // Summed as a spreadsheet would: each ticket and breach once.
    const head = lines[0]!.split(',');
    const total = (col: string) => lines.slice(1).reduce((a, l) => a + Number(l.split(',')[head.indexOf(col)] || 0), 0);
    expect([total('tickets_total'), total('tickets_P1'), total('breaches_total')]).toEqual([5, 1, 3]);
  });

  it('adds what stores offline may still be losing, uncounted, beside the counted sum, in JSON and CSV', () => {
    const e = new TicketEngine({ stores, providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
    const offline = (id: string, iso: string, high: number) => ({
      id, storeId: 'S001', kind: 'store_offline', tillIds: ['T1', 'T2'], startedAt: iso,
      lostRevenue: { gross: 0, net: 0, low: 0, high, currency: 'EUR' }, flags: ['capacity_assumed'],
    });
    e.apply({ type: 'incident.opened', at: at('2026-11-20T10:00:00Z'), incident: { id: 'a', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-20T10:00:00Z', lostRevenue: { gross: 100, net: 80, low: 60, high: 120, currency: 'EUR' } } });
    e.apply({ type: 'incident.opened', at: at('2026-11-21T10:00:00Z'), incident: offline('o1', '2026-11-21T10:00:00Z', 900) });
    e.apply({ type: 'incident.opened', at: at('2026-11-22T10:00:00Z'), incident: { ...offline('o2', '2026-11-22T10:00:00Z', 300), tillIds: ['T3'] } });
    const [row] = slaReport(Object.values(e.state.tickets), stores, '2026-11', now, 'pilot')!;
    expect(row!.lostRevenue).toEqual({ EUR: { gross: 100, net: 80, uncountedUpTo: 1200 } });
    expect(slaReportCsv([row!]).split('\n')[1]).toMatch(/,EUR,100\.00,80\.00,1200\.00,0$/);
    // Once one's sales are counted, only the other's bound is left; once both are, none.
    e.apply({ type: 'incident.updated', at: at('2026-11-22T11:00:00Z'), incident: { ...offline('o1', '2026-11-21T10:00:00Z', 900), lostRevenue: { gross: 50, net: 40, low: 30, high: 200, currency: 'EUR' }, flags: [] } });
    expect(slaReport(Object.values(e.state.tickets), stores, '2026-11', now, 'pilot')![0]!.lostRevenue).toEqual({ EUR: { gross: 150, net: 120, uncountedUpTo: 300 } });
  });

  it('counts each ticket in its own store\'s local month', () => {
    const far = new Map([...stores, ['S900', store({ id: 'S900', city: 'Vladivostok', timezone: 'Asia/Vladivostok' })]]);
    const e = new TicketEngine({ stores: far, providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
    // 30 November 15:30 UTC is already 1 December 01:30 in Vladivostok (UTC+10), and still November in Madrid.
    for (const [id, storeId] of [['v', 'S900'], ['m', 'S001']] as const) {
      e.apply({ type: 'incident.opened', at: at('2026-11-30T15:30:00Z'), incident: { id, storeId, kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-30T15:30:00Z' } });
    }
    const count = (month: string) => slaReport(Object.values(e.state.tickets), far, month, now)!.reduce((n, r) => n + r.tickets.total, 0);
    expect(count('2026-11')).toBe(1);
    expect(count('2026-12')).toBe(1);
    expect(slaReport([], far, '2026-13', now)).toBeNull();
  });

  it('reads months in the chain’s time zone and refuses malformed ones', () => {
    expect(monthRange('2026-11', 'Europe/Madrid')).toEqual({ start: at('2026-10-31T23:00:00Z'), end: at('2026-11-30T23:00:00Z') });
    expect(monthRange('2026-11')).toEqual({ start: at('2026-11-01T00:00:00Z'), end: at('2026-12-01T00:00:00Z') });
    for (const bad of ['2026-13', '26-11', '2026-1', 'november']) expect(monthRange(bad)).toBeNull();
  });
});

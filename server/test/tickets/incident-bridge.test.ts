import { describe, expect, it } from 'vitest';
import { incidentCategory } from '../../src/domain/tickets/incident.js';
import { toTicketIncident } from '../../src/services/tickets/index.js';
import { incident } from './incidents.js';

const ok = { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } } as const;

describe('an incident record as the ticket engine sees it', () => {
  it('names the faulty component of any affected till, so the ticket routes by it', () => {
    const t = toTicketIncident(
      incident({
        id: 'i1',
        storeId: 'S001',
        tillIds: ['T1', 'T2'],
        components: { T1: { ...ok }, T2: { ...ok, payment: { state: 'unreachable', detail: 'terminal 10.0.0.7 silent' } } },
      }),
    );
    expect(t.components).toEqual({ ...ok, payment: { state: 'unreachable', detail: 'terminal 10.0.0.7 silent' } });
    // An incident saved before it named the tills at fault now: each till is described by its own report.
    expect(t.details).toBe('T1: down; T2: payment unreachable (terminal 10.0.0.7 silent)');
    expect(incidentCategory(t)).toBe('payment');
  });

  it('keeps the whole-store kinds without components, and carries figures and suppression', () => {
    const t = toTicketIncident({
      ...incident({ id: 'i2', storeId: 'S001', kind: 'store_offline', tillIds: ['T1'], components: { T1: null } }),
      suppressed: true,
    });
    expect(t).toMatchObject({ components: null, details: 'T1: offline', suppressed: true, visitors: 12, lostRevenue: { net: 54 } });
    expect(incidentCategory(t)).toBe('network');
  });

  it('carries the estimate’s flags, which tell a store offline’s uncounted loss', () => {
    const t = toTicketIncident(incident({ id: 'i3', storeId: 'S001', kind: 'store_offline', flags: ['capacity_assumed', 'no_visitor_data'] }));
    expect(t.flags).toEqual(['capacity_assumed', 'no_visitor_data']);
  });

  it('names each till with its own fault, and what still fails, not a fault prefixed with every till', () => {
    // S010: T3's payment terminal was lost and came back; T4 then ran out of paper while T3 was fine.
    const t = toTicketIncident(
      incident({
        id: 'i4',
        storeId: 'S010',
        tillIds: ['T3', 'T4'],
        activeTillIds: ['T4'],
        peakTills: 1,
        faultAt: '2026-11-23T10:06:33.000Z',
        components: { T3: { ...ok }, T4: { ...ok, printer: { state: 'paper_out' } } },
      }),
    );
    expect(t.details).toBe('T4: printer paper_out; T3: recovered');
    expect(t.failing).toEqual(['T4 still reports printer paper_out']);
    // The same for the web to word in the reader's language.
    expect(t.stillFailing).toEqual([{ tillIds: ['T4'], components: [{ name: 'printer', state: 'paper_out' }], condition: null }]);
    expect(t.components).toEqual({ ...ok, printer: { state: 'paper_out' } });
    expect(t).toMatchObject({ peakTills: 1, faultAt: '2026-11-23T10:06:33.000Z' });
  });

  it('says nothing still fails while the incident recovers, and keeps the ticket’s last details then', () => {
    const t = toTicketIncident(
      incident({ id: 'i5', storeId: 'S010', tillIds: ['T4'], activeTillIds: [], recoveringSince: '2026-11-23T10:16:29.000Z', components: { T4: { ...ok } } }),
    );
    expect(t.failing).toEqual([]);
    expect(t.stillFailing).toEqual([]);
    expect('details' in t).toBe(false);
    const offline = toTicketIncident(incident({ id: 'i6', storeId: 'S018', kind: 'store_offline', tillIds: ['T1', 'T2'], components: { T1: null, T2: null } }));
    expect(offline).toMatchObject({
      details: 'T1, T2: offline',
      failing: ['T1, T2 are still offline'],
      stillFailing: [{ tillIds: ['T1', 'T2'], components: [], condition: 'offline' }],
    });
  });

  it('says what each group of tills still reports, with the agent’s own words, or what they are when they report nothing', () => {
    const t = toTicketIncident(
      incident({
        id: 'i7',
        storeId: 'S010',
        kind: 'till_down',
        tillIds: ['T1', 'T2', 'T3', 'T5'],
        components: {
          T1: { ...ok, pos: { state: 'error', detail: 'POS app not responding' }, printer: { state: 'cover_open' } },
          T2: { ...ok, pos: { state: 'error', detail: 'POS app not responding' }, printer: { state: 'cover_open' } },
          T3: { ...ok },
          T5: null,
        },
      }),
    );
    expect(t.failing).toEqual([
      'T1, T2 still report pos error (POS app not responding), printer cover_open',
      'T3 is still down',
      'T5 is still not reporting',
    ]);
    expect(t.stillFailing).toEqual([
      { tillIds: ['T1', 'T2'], components: [{ name: 'pos', state: 'error', detail: 'POS app not responding' }, { name: 'printer', state: 'cover_open' }], condition: null },
      { tillIds: ['T3'], components: [], condition: 'down' },
      { tillIds: ['T5'], components: [], condition: 'not_reporting' },
    ]);
  });
});

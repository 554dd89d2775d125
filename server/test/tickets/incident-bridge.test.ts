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
    expect(t.details).toBe('T1, T2: payment unreachable (terminal 10.0.0.7 silent)');
    expect(incidentCategory(t)).toBe('payment');
  });

  it('keeps the whole-store kinds without components, and carries figures and suppression', () => {
    const t = toTicketIncident({
      ...incident({ id: 'i2', storeId: 'S001', kind: 'store_offline', tillIds: ['T1'], components: { T1: null } }),
      suppressed: true,
    });
    expect(t).toMatchObject({ components: null, details: 'T1: store_offline', suppressed: true, visitors: 12, lostRevenue: { net: 54 } });
    expect(incidentCategory(t)).toBe('network');
  });

  it('carries the estimate’s flags, which tell a store offline’s uncounted loss', () => {
    const t = toTicketIncident(incident({ id: 'i3', storeId: 'S001', kind: 'store_offline', flags: ['capacity_assumed', 'no_visitor_data'] }));
    expect(t.flags).toEqual(['capacity_assumed', 'no_visitor_data']);
  });
});

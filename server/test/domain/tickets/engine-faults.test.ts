import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine, ticketIdFor, type TicketContext } from '../../../src/domain/tickets/engine.js';
import type { TicketIncident } from '../../../src/domain/tickets/incident.js';
import { at, pilot, store } from './fixtures.js';

// Tuesday 2026-11-10, Madrid (UTC+1): the store (4 tills) is open 09:00Z-21:00Z.
const ctx = (): TicketContext => ({ stores: new Map([['S001', store()]]), providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
const provider = { role: 'provider' as const, id: 'pilot' };

const incident = (over: Partial<TicketIncident> = {}): TicketIncident => ({
  id: 'S001:till_down:T3:1',
  storeId: 'S001',
  kind: 'till_down',
  tillIds: ['T3'],
  startedAt: '2026-11-10T09:58:00Z',
  components: { payment: { state: 'unreachable' } },
  failing: ['T3 still reports payment unreachable'],
  peakTills: 1,
  faultAt: '2026-11-10T09:58:00Z',
  ...over,
});

describe('tickets of faults on several tills', () => {
  it('take their priority from the most tills down at once, not from every till the incident touched', () => {
    const engine = new TicketEngine(ctx());
    // T3 then T4 of four, one after the other: one till down at a time is P2, not half the store.
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident({ tillIds: ['T3', 'T4'], peakTills: 1 }) });
    const t = engine.state.tickets[ticketIdFor(incident().id)]!;
    expect(t.priority).toBe('P2');
    // Two down at the same time is half the store.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: incident({ tillIds: ['T3', 'T4'], peakTills: 2 }) });
    expect(engine.state.tickets[t.id]!.priority).toBe('P1');
  });

  it('reopen when a till fails again in the same incident after the ticket was resolved', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident() });
    // The till recovers (the incident holds the recovery before it closes) and the provider resolves meanwhile.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: incident({ failing: [] }) });
    const resolved = engine.apply({ type: 'transition', at: at('2026-11-10T10:11:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix' });
    expect(resolved.rejection).toBeNull();
    // It flaps back within the hold: the same incident, a live fault again.
    const back = engine.apply({
      type: 'incident.updated',
      at: at('2026-11-10T10:11:30Z'),
      incident: incident({ faultAt: '2026-11-10T10:11:30Z' }),
    });
    expect(back.effects.map((e) => [e.type, e.detail])).toEqual([['ticket.updated', { change: 'reopened' }]]);
    expect(engine.state.tickets[id]).toMatchObject({ status: 'open', resolvedAt: null });
    expect(engine.state.tickets[id]!.audit.at(-1)).toMatchObject({ actor: { role: 'system' }, from: 'resolved', to: 'open', reason: 'recurred' });
    // A plain refresh of that live fault changes nothing more.
    const again = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:12:30Z'), incident: incident({ faultAt: '2026-11-10T10:11:30Z' }) });
    expect(again.effects.map((e) => e.detail)).toEqual([{ change: 'incident' }]);
  });

  it('reopen a ticket HQ closed when another till then fails in its incident', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident() });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'resolved', reason: 'hardware_replaced' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:06:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'closed' });
    // Still the same fault: HQ's word stands.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:07:00Z'), incident: incident() });
    expect(engine.state.tickets[id]!.status).toBe('closed');
    engine.apply({
      type: 'incident.updated',
      at: at('2026-11-10T10:08:00Z'),
      incident: incident({ tillIds: ['T2', 'T3'], peakTills: 2, faultAt: '2026-11-10T10:08:00Z', failing: ['T2 still reports printer paper_out'] }),
    });
    expect(engine.state.tickets[id]).toMatchObject({ status: 'open', priority: 'P1', closedAt: null });
  });
});

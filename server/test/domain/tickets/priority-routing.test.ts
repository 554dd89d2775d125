import { describe, expect, it } from 'vitest';
import { priorityFor, type PriorityRule } from '../../../src/domain/tickets/priority.js';
import { routeTicket } from '../../../src/domain/tickets/routing.js';
import { incidentCategory, faultKey } from '../../../src/domain/tickets/incident.js';
import { toProvider } from '../../../src/domain/sla/providers.js';
import { pilotConfig, store } from './fixtures.js';

describe('priority matrix (defaults)', () => {
  const facts = (kind: string, tillsAffected: number, tillsTotal = 4) => ({ kind, category: 'pos' as const, tillsAffected, tillsTotal });

  it('store down or offline is P1 whatever the tills', () => {
    expect(priorityFor(facts('store_down', 0))).toBe('P1');
    expect(priorityFor(facts('store_offline', 0))).toBe('P1');
  });

  it('half the tills down is P1, fewer is P2', () => {
    expect(priorityFor(facts('till_down', 2))).toBe('P1');
    expect(priorityFor(facts('till_down', 1))).toBe('P2');
    expect(priorityFor(facts('till_down', 1, 1))).toBe('P1');
    expect(priorityFor(facts('silent_till', 1))).toBe('P2');
  });

  it('a degraded peripheral is P3', () => {
    expect(priorityFor({ kind: 'till_degraded', category: 'printer', tillsAffected: 1, tillsTotal: 4 })).toBe('P3');
  });

  it('follows a configured matrix, first match wins', () => {
    const matrix: PriorityRule[] = [
      { priority: 'P1', categories: ['payment'], minShare: 0.25 },
      { priority: 'P2' },
    ];
    expect(priorityFor({ kind: 'till_degraded', category: 'payment', tillsAffected: 1, tillsTotal: 4 }, matrix)).toBe('P1');
    expect(priorityFor({ kind: 'till_degraded', category: 'payment', tillsAffected: 1, tillsTotal: 5 }, matrix)).toBe('P2');
    expect(priorityFor({ kind: 'till_down', category: 'pos', tillsAffected: 4, tillsTotal: 4 }, [{ priority: 'P1', kinds: ['x'] }])).toBe('P3');
  });
});

describe('incident category and fault key', () => {
  it('prefers the explicit category, then the most fundamental faulty component, then the kind', () => {
    expect(incidentCategory({ kind: 'till_down', category: 'payment' })).toBe('payment');
    expect(
      incidentCategory({ kind: 'till_down', components: { pos: { state: 'ok' }, network: { state: 'down' }, payment: { state: 'unreachable' }, printer: { state: 'ok' } } }),
    ).toBe('network');
    expect(incidentCategory({ kind: 'till_degraded', components: { printer: { state: 'paper_low' }, pos: { state: 'unknown' } } })).toBe('printer');
    expect(incidentCategory({ kind: 'store_offline' })).toBe('network');
    expect(incidentCategory({ kind: 'till_down' })).toBe('pos');
  });

  it('keys a fault by store, kind and tills in any order', () => {
    expect(faultKey({ storeId: 'S1', kind: 'till_down', tillIds: ['T2', 'T1'] })).toBe(faultKey({ storeId: 'S1', kind: 'till_down', tillIds: ['T1', 'T2'] }));
    expect(faultKey({ storeId: 'S1', kind: 'till_down', tillIds: ['T1'] })).not.toBe(faultKey({ storeId: 'S1', kind: 'till_degraded', tillIds: ['T1'] }));
  });
});

describe('routing', () => {
  const printers = toProvider({ ...pilotConfig, id: 'inkco', categories: ['printer'], stores: ['Madrid'] });
  const tills = toProvider({ ...pilotConfig, id: 'tillco', categories: ['pos', 'payment'], stores: ['Sevilla'] });
  const pilot = toProvider(pilotConfig);

  it('sends a ticket to the provider listing the store id before one listing its city', () => {
    expect(routeTicket([printers, pilot], store(), 'printer')?.id).toBe('pilot');
    expect(routeTicket([printers, pilot], store({ id: 'S009' }), 'printer')?.id).toBe('inkco');
  });

  it('matches the city without regard to case and only for covered categories', () => {
    expect(routeTicket([tills], store({ id: 'S050', city: 'sevilla' }), 'payment')?.id).toBe('tillco');
    expect(routeTicket([tills], store({ id: 'S050', city: 'Sevilla' }), 'printer')).toBeNull();
  });

  it("uses the store's own configured provider when no list names the store", () => {
    expect(routeTicket([printers, tills], store({ id: 'S077', city: 'Bilbao', provider: 'tillco' }), 'pos')?.id).toBe('tillco');
  });

  it('leaves a ticket nobody covers unassigned', () => {
    expect(routeTicket([printers, tills], store({ id: 'S077', city: 'Bilbao' }), 'network')).toBeNull();
    expect(routeTicket([], store(), 'pos')).toBeNull();
  });
});

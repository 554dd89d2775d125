import { describe, expect, it } from 'vitest';
import {
  applyTicketChange,
  DEFAULT_FILTER,
  filterTickets,
  formatCountdown,
  nextDue,
  providerActions,
  sortTickets,
  ticketCounts,
} from '../src/lib/tickets/tickets.js';
import { target, ticket } from './fixtures.js';
import { componentDetail, reasonLabel } from '../src/lib/i18n/labels.js';

const at = (iso: string) => Date.parse(iso);

describe('ticket figures', () => {
  it('counts active tickets, breaches and the unassigned queue; ended tickets do not count', () => {
    const counts = ticketCounts([
      ticket('a'),
      ticket('b', { providerId: null }),
      ticket('c', {}, { breached: true }),
      ticket('d', { status: 'resolved', providerId: null }, { breached: true }),
    ]);
    expect(counts).toEqual({ open: 3, breached: 1, unassigned: 1 });
  });

  it('keeps the newest copy of a ticket', () => {
    const map = new Map([['a', ticket('a', { updatedAt: '2026-11-23T09:00:00Z', status: 'acknowledged' })]]);
    expect(applyTicketChange(map, { ticket: ticket('a', { updatedAt: '2026-11-23T08:30:00Z' }) })).toBe(false);
    expect(map.get('a')!.status).toBe('acknowledged');
    expect(applyTicketChange(map, { ticket: ticket('a', { updatedAt: '2026-11-23T09:30:00Z', status: 'on_site' }) })).toBe(true);
    expect(map.get('a')!.status).toBe('on_site');
  });
});

describe('SLA countdown', () => {
  it('picks the target due first and colours it by the share of the goal used', () => {
    const t = ticket('a');
    expect(nextDue(t, at('2026-11-23T08:11:00Z'))).toMatchObject({ target: 'response', urgency: 'ok', remainingMs: 50 * 60_000 });
    expect(nextDue(t, at('2026-11-23T08:35:00Z'))!.urgency).toBe('warn');
    expect(nextDue(t, at('2026-11-23T08:50:00Z'))!.urgency).toBe('near');
    expect(nextDue(t, at('2026-11-23T09:02:00Z'))).toMatchObject({ urgency: 'breached', remainingMs: -60_000 });
  });

  it('moves on to the next target once one is met, and reports a paused clock as paused', () => {
    const met = ticket('a', {}, { targets: { response: target('2026-11-23T09:01:00Z', { stopped: true }), onSite: null, resolve: target('2026-11-23T12:01:00Z', { goalMs: 4 * 3_600_000 }) } });
    expect(nextDue(met, at('2026-11-23T08:30:00Z'))!.target).toBe('resolve');
    const paused = ticket('b', {}, { targets: { response: target('2026-11-23T09:01:00Z', { paused: true, percent: 20 }), onSite: null, resolve: null } });
    expect(nextDue(paused, at('2026-11-23T10:00:00Z'))!.urgency).toBe('paused');
  });

  it('trusts the server\'s share on a store-hours clock until the due time passes', () => {
    const t = ticket('a', {}, { clock: 'store_hours', targets: { response: target('2026-11-23T18:00:00Z', { percent: 10 }), onSite: null, resolve: null } });
    expect(nextDue(t, at('2026-11-23T17:30:00Z'))!.urgency).toBe('ok');
    expect(nextDue(t, at('2026-11-23T18:00:01Z'))!.urgency).toBe('breached');
  });

  it('prints countdowns as h:mm:ss, overdue ones with a minus sign', () => {
    expect(formatCountdown(3_725_000)).toBe('1:02:05');
    expect(formatCountdown(65_000)).toBe('1:05');
    expect(formatCountdown(-61_000)).toBe('−1:01');
  });
});

describe('tickets board', () => {
  const list = [
    ticket('late', { priority: 'P3' }, { breached: true, targets: { response: target('2026-11-23T08:30:00Z', { breached: true }), onSite: null, resolve: null } }),
    ticket('soon', { priority: 'P2', storeId: 'S002' }, { targets: { response: target('2026-11-23T09:00:00Z'), onSite: null, resolve: null } }),
    ticket('later', { priority: 'P1', providerId: null }, { targets: { response: target('2026-11-23T11:00:00Z'), onSite: null, resolve: null } }),
    ticket('done', { status: 'closed', priority: 'P1' }),
  ];
  const now = at('2026-11-23T08:45:00Z');

  it('shows active tickets by default and filters by status, priority, provider and text', () => {
    expect(filterTickets(list, DEFAULT_FILTER).map((t) => t.id)).toEqual(['late', 'soon', 'later']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, status: 'all', priority: 'P1' }).map((t) => t.id)).toEqual(['later', 'done']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, provider: '' }).map((t) => t.id)).toEqual(['later']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, query: 'plaza' }, (id) => (id === 'S002' ? 'Plaza Mayor' : id)).map((t) => t.id)).toEqual(['soon']);
  });

  it('sorts breached first, then by the nearest due time; or by priority', () => {
    expect(sortTickets(list, 'due', now).map((t) => t.id)).toEqual(['late', 'soon', 'later', 'done']);
    expect(sortTickets(list, 'priority', now).map((t) => t.id)).toEqual(['done', 'later', 'soon', 'late']);
  });

  it('offers a provider the moves the server allows it', () => {
    expect(providerActions('open')).toEqual(['acknowledged', 'on_site', 'resolved']);
    expect(providerActions('on_site')).toEqual(['resolved']);
    expect(providerActions('closed')).toEqual([]);
  });
});

describe('ticket history reasons', () => {
  it('names every reason the server writes, the ticket opened for an incident included, rather than its code', () => {
    const written = ['incident', 'hardware_replaced', 'config_fixed', 'remote_fix', 'staff_fixed', 'recovered', 'recurred', 'false_alarm', 'duplicate'];
    for (const r of written) expect(reasonLabel(r), r).not.toBe(r);
    expect(reasonLabel('incident')).toBe('Opened for an incident');
  });
});

describe('component details', () => {
  it('shows an agent\'s detail only where it adds to the state', () => {
    expect(componentDetail({ state: 'cover_open', detail: 'cover open' })).toBeNull();
    expect(componentDetail({ state: 'paper_out', detail: 'Paper out' })).toBeNull();
    expect(componentDetail({ state: 'error', detail: 'OPOS_E_OFFLINE (105)' })).toBe('OPOS_E_OFFLINE (105)');
    expect(componentDetail({ state: 'ok' })).toBeNull();
  });
});

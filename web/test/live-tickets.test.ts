import { describe, expect, it, vi } from 'vitest';
import type { TicketChangedEvent, TicketView } from '@storepulse/protocol';
import { ticket } from './fixtures.js';

// The feed's handlers on a stand-in for the app's socket, which the test then plays the server's events into.
const handlers = new Map<string, (event: never) => void>();
vi.mock('../src/lib/live/fleet.svelte.js', () => ({
  liveFleet: { attach: (fn: (socket: unknown) => void) => fn({ on: (name: string, h: (event: never) => void) => handlers.set(name, h) }) },
}));
const { liveTickets } = await import('../src/lib/live/tickets.svelte.js');
const emit = (name: string, event: unknown) => handlers.get(name)!(event as never);
const changed = (t: TicketView, detail: TicketChangedEvent['detail'] = { change: 'status' }) =>
  emit('ticket:changed', { type: 'ticket.updated', at: t.updatedAt, notify: true, detail, ticket: t } satisfies TicketChangedEvent);
const ids = () => liveTickets.tickets.map((t) => t.id);

describe('live tickets of a provider HQ takes one from', () => {
  liveTickets.listen();

  it('does not bring a withdrawn ticket back with a move answered late, but takes it when HQ gives it back', () => {
    const mine = ticket('T-1', { updatedAt: '2026-11-23T09:00:00Z' });
    emit('tickets:snapshot', { at: '2026-11-23T09:00:00Z', tickets: [mine, ticket('T-2')] });
    const heard: TicketChangedEvent[] = [];
    const off = liveTickets.onChange((e) => heard.push(e));
    emit('ticket:withdrawn', { at: '2026-11-23T09:05:00Z', id: 'T-1' });
    expect(ids()).toEqual(['T-2']);

    // The engineer acknowledged just before HQ reassigned it; the answer came after the withdrawal.
    liveTickets.put({ ...mine, status: 'acknowledged', updatedAt: '2026-11-23T09:04:00Z' });
    changed({ ...mine, status: 'acknowledged', updatedAt: '2026-11-23T09:05:00Z' });
    expect(ids()).toEqual(['T-2']);
    expect(heard).toEqual([]);

    const back = ticket('T-1', { updatedAt: '2026-11-23T09:30:00Z' });
    changed(back, { change: 'assigned', fromProvider: 'rapid' });
    expect(liveTickets.get('T-1')).toEqual(back);
    expect(heard.map((e) => e.ticket)).toEqual([back]);
    // Given back, it moves as any other ticket does.
    liveTickets.put({ ...back, status: 'acknowledged', updatedAt: '2026-11-23T09:31:00Z' });
    expect(liveTickets.get('T-1')?.status).toBe('acknowledged');
    off();
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { TicketRepository } from '../../src/services/tickets/ticket-repository.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';

// Nothing of an input is saved when its notifications cannot be: the server's memory must say the same.
const HQ = { tokenId: 'hq', role: 'hq-admin' as const, providerId: null, storeId: null, label: 'HQ desk' };
const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
const tillDown = incident({ id: 'inc_S001_till_down_T1', storeId: 'S001', tillIds: ['T1'] });
const diskFull = () => vi.spyOn(node.tickets.outbox, 'enqueue').mockImplementationOnce(() => {
  throw new Error('disk full');
});

let node: TicketNode;
beforeAll(async () => {
  const port = await freePort();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => `http://127.0.0.1:${port}/${p}`) });
});
afterAll(() => node.close());

describe('an input whose transaction rolls back', () => {
  it('leaves no ticket behind for an incident, so its next event opens it and tells the provider', () => {
    diskFull();
    expect(node.tickets.onIncident('incident.opened', { incident: tillDown })).toEqual({ effects: [], rejection: null });
    expect(node.tickets.list(HQ)).toEqual([]);
    clock.now += 60_000;
    const again = node.tickets.onIncident('incident.updated', { incident: tillDown });
    expect(again.effects.map((e) => [e.type, e.notify])).toEqual([['ticket.opened', true]]);
  });

  it('leaves a person’s move undone in memory as in the database', () => {
    const [ticket] = node.tickets.list(HQ);
    diskFull();
    expect(() => node.tickets.transition(HQ, ticket!.id, { status: 'acknowledged' })).toThrow('disk full');
    expect(node.tickets.list(HQ).map((t) => t.status)).toEqual(['open']);
    expect(new TicketRepository(node.db).get(ticket!.id)?.status).toBe('open');
    expect(node.tickets.transition(HQ, ticket!.id, { status: 'acknowledged' }).effects.map((e) => e.ticket.status)).toEqual(['acknowledged']);
  });
});

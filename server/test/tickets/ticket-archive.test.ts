import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { TicketRepository } from '../../src/services/tickets/ticket-repository.js';
import { emptyTicketsState } from '../../src/domain/tickets/engine.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';

const T = (iso: string) => Date.parse(`2026-11-${iso}:00Z`);
const HQ = { tokenId: 'hq', role: 'hq-admin' as const, providerId: null, storeId: null, label: 'HQ desk' };
const clock = { now: T('23T10:00') };
const tillDown = incident({ id: 'inc_S001_till_down_T1', storeId: 'S001', tillIds: ['T1'] });

let node: TicketNode;
beforeAll(async () => {
  const port = await freePort();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => `http://127.0.0.1:${port}/${p}`) });
});
afterAll(() => node.close());

describe('an archived ticket', () => {
  it('is never opened afresh, nor written over, by a late replay of its incident', () => {
    const id = node.tickets.onIncident('incident.opened', { incident: tillDown }).effects[0]!.ticket.id;
    clock.now = T('23T10:05');
    node.tickets.onIncident('incident.closed', { incident: { ...tillDown, status: 'closed', endedAt: '2026-11-23T10:04:00.000Z' } });
    clock.now = T('23T10:40');
    node.tickets.tick();
    // Past the reopen window, the next prune archives it.
    clock.now = T('24T11:00');
    node.tickets.tick();
    expect(node.tickets.list(HQ)).toEqual([]);
    const archived = node.tickets.detail(HQ, id)!.ticket;
    expect(archived.status).toBe('closed');

    clock.now = T('24T11:01');
    expect(node.tickets.onIncident('incident.opened', { incident: tillDown }).effects).toEqual([]);
    expect(node.tickets.list(HQ)).toEqual([]);
    expect(node.tickets.detail(HQ, id)!.ticket.audit).toEqual(archived.audit);
  });

  it('stays as archived in the database whatever is saved later under its id', () => {
    const repo = new TicketRepository(node.db);
    const [row] = repo.openedBetween('2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z');
    const state = emptyTicketsState();
    state.tickets[row!.id] = { ...row!, status: 'open', audit: [] };
    repo.save(state, [row!.id]);
    expect(repo.get(row!.id)).toEqual(row);
    expect(repo.loadState().tickets).toEqual({});
  });
});

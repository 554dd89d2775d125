import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketChangedEvent } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import type { ProviderConfig } from '../../src/domain/sla/providers.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';
import { helpdesk } from './receiver.js';

/**
 * A till down at S002 goes to Other, which fixes its tills; then the store's network goes, and the same incident is
 * the store offline. Nobody at Other has taken the ticket up, so it goes to Netline, which runs S002's network: on a
 * real server, with real helpdesks and live sockets.
 */
const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
let node: TicketNode;
let desk: ReturnType<typeof helpdesk>;
let ticketId: string;

beforeAll(async () => {
  desk = helpdesk(await freePort(), { pilot: ['new-secret'], other: ['other-secret'], netline: ['net-secret'] });
  await desk.start();
  const [pilot, other] = providerConfigs((p) => desk.url(p));
  const netline: ProviderConfig = { ...other!, id: 'netline', name: 'Netline', categories: ['network'], webhooks: [{ url: desk.url('netline'), secret: 'net-secret' }] };
  node = await startTicketNode({ dir: tempDir(), clock, providers: [pilot!, other!, netline] });
  const r = node.tickets.onIncident('incident.opened', { incident: incident({ id: 'inc_S002', storeId: 'S002' }) });
  ticketId = r.effects[0]!.ticket.id;
});
afterAll(async () => {
  await node.close();
  await desk.stop();
});

describe('a ticket whose till fault grows into the store offline', () => {
  it('goes to the network provider while the till provider has not taken it up; both hear so', async () => {
    const { socket: otherSocket, snapshot } = await node.connect(node.issue('provider', 'other'));
    expect(snapshot.tickets.map((t) => t.id)).toContain(ticketId);
    const withdrawn = new Promise((resolve) => otherSocket.once('ticket:withdrawn', resolve));
    const { socket: netSocket } = await node.connect(node.issue('provider', 'netline'));
    const opened = new Promise<TicketChangedEvent>((resolve) => netSocket.once('ticket:changed', resolve));

    clock.now = Date.parse('2026-11-23T10:10:00Z');
    const tills = ['T1', 'T2', 'T3', 'T4'];
    const offline = incident({ id: 'inc_S002', storeId: 'S002', kind: 'store_offline', tillIds: tills, activeTillIds: tills, components: Object.fromEntries(tills.map((t) => [t, null])) });
    node.tickets.onIncident('incident.updated', { incident: offline });

    expect(await withdrawn).toEqual({ at: '2026-11-23T10:10:00.000Z', id: ticketId });
    expect(await opened).toMatchObject({ type: 'ticket.opened', detail: { change: 'assigned', reason: 'rerouted', fromProvider: 'other' }, ticket: { id: ticketId, providerId: 'netline', category: 'network' } });
    // Both helpdesks can tell the fault's reroute from HQ's assignment.
    await waitFor(() => desk.events().some((e) => e.path === 'other' && e.type === 'ticket.withdrawn' && e.ticket.id === ticketId && e.detail?.reason === 'rerouted'));
    await waitFor(() => desk.events().some((e) => e.path === 'netline' && e.type === 'ticket.opened' && e.ticket.id === ticketId && e.detail?.reason === 'rerouted'));

    const hq = node.issue('hq-admin');
    const t = (await (await node.api(`/api/tickets/${ticketId}`, { token: hq })).json()) as { providerId: string; kind: string; priority: string; sla: { responseDueAt: string }; audit: { reason: string; actor: { role: string }; fromProvider?: string; toProvider?: string }[] };
    // Netline's clocks count from when it was sent the ticket, at the store offline's priority: P1, 15 min to respond.
    expect(t).toMatchObject({ providerId: 'netline', kind: 'store_offline', priority: 'P1', sla: { responseDueAt: '2026-11-23T10:25:00.000Z' } });
    expect(t.audit.at(-1)).toMatchObject({ reason: 'rerouted', actor: { role: 'system' }, fromProvider: 'other', toProvider: 'netline' });
    expect((await node.api(`/api/tickets/${ticketId}`, { token: node.issue('provider', 'other') })).status).toBe(404);
  });
});

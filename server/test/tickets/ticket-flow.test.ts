import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Components, TicketChangedEvent } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { IncidentEngine } from '../../src/domain/incidents/engine.js';
import { helpdesk } from './receiver.js';
import { STORES, providerConfigs, startTicketNode, tempDir, type LiveClient, type TicketNode } from './harness.js';

const ok: Components = { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } };
const posDown: Components = { ...ok, pos: { state: 'error', detail: 'POS app not responding' } };
const T = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);

const clock = { now: T('09:55') };
let node: TicketNode;
let desk: ReturnType<typeof helpdesk>;
const seen: Record<'hq' | 'pilot' | 'other', TicketChangedEvent[]> = { hq: [], pilot: [], other: [] };
const sockets: LiveClient[] = [];

/** The real incident engine fed with till states, its incident effects passed on as the bus carries them. */
const engine = new IncidentEngine({ incidents: { pendingSec: 60, recoverSec: 120 }, stores: { S001: STORES[0]! }, maintenance: [] });
function feed(effects: ReturnType<IncidentEngine['apply']>) {
  for (const e of effects) {
    if (e.type === 'incident.opened' || e.type === 'incident.updated' || e.type === 'incident.closed') {
      expect(node.tickets.onIncident(e.type, { incident: e.incident }).rejection).toBeNull();
    }
  }
}
function till(tillId: string, state: 'up' | 'down', components: Components) {
  feed(engine.apply({ type: 'till', at: clock.now, storeId: 'S001', tillId, state, components }));
}
/** Moves time on in 10-s server ticks, as the incident and ticket timers would. */
function advanceTo(ms: number) {
  while (clock.now < ms) {
    clock.now = Math.min(clock.now + 10_000, ms);
    feed(engine.apply({ type: 'tick', at: clock.now }));
    node.tickets.tick();
  }
}

beforeAll(async () => {
  desk = helpdesk(await freePort(), { pilot: ['change-me'], other: ['other-secret'] });
  await desk.start();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => desk.url(p)) });
  for (const who of ['hq', 'pilot', 'other'] as const) {
    const token = who === 'hq' ? node.issue('hq-viewer') : node.issue('provider', who);
    const { socket } = await node.connect(token);
    socket.on('ticket:changed', (e) => seen[who].push(e));
    sockets.push(socket);
  }
});
afterAll(async () => {
  await node.close();
  await desk.stop();
});

describe('a till fault, from incident to closed ticket', () => {
  let ticketId: string;

  it('opens one P2 ticket for the provider and sends it a webhook that verifies', async () => {
    for (const t of ['T1', 'T2', 'T3', 'T4']) till(t, 'up', ok);
    clock.now = T('10:00');
    till('T1', 'down', posDown);
    advanceTo(T('10:03'));
    const list = node.tickets.list({ tokenId: 'x', role: 'hq-admin', providerId: null, storeId: null, label: 'test' });
    expect(list).toHaveLength(1);
    ticketId = list[0]!.id;
    expect(list[0]).toMatchObject({ storeId: 'S001', providerId: 'pilot', priority: 'P2', status: 'open', category: 'pos' });
    const opened = await waitFor(() => desk.events().find((e) => e.type === 'ticket.opened'), 5000, 'ticket.opened webhook');
    expect(opened).toMatchObject({ path: 'pilot', ticket: { id: ticketId, status: 'open', priority: 'P2' } });
    expect(desk.arrivals.every((a) => a.verified)).toBe(true);
  });

  it('pushes it live to HQ and its provider, never to another provider', async () => {
    // The incident's minute-by-minute figures ride along as quiet updates, pushed after the opening.
    // Sockets deliver in order but not at once, so wait for each client's events rather than the first one's.
    const quiet = (e: TicketChangedEvent) => e.type === 'ticket.updated' && !e.notify;
    for (const who of ['hq', 'pilot'] as const) {
      await waitFor(() => seen[who].some(quiet), 3000, `live quiet update to ${who}`);
      expect(seen[who].findIndex((e) => e.type === 'ticket.opened')).toBe(0);
    }
    expect(seen.hq[0]!.ticket).toMatchObject({ id: ticketId, sla: { clock: 'store_hours' } });
    const late = await node.connect(node.issue('provider', 'other'));
    sockets.push(late.socket);
    expect(late.snapshot.tickets).toEqual([]);
    const mine = await node.connect(node.issue('provider', 'pilot'));
    sockets.push(mine.socket);
    expect(mine.snapshot.tickets.map((t) => t.id)).toEqual([ticketId]);
  });

  it('takes the provider acknowledgement from its phone view', async () => {
    advanceTo(T('10:05'));
    const res = await node.api(`/api/tickets/${ticketId}/status`, { token: node.issue('provider', 'pilot'), method: 'POST', body: JSON.stringify({ status: 'acknowledged' }) });
    expect(res.status).toBe(200);
    await waitFor(() => desk.events().find((e) => e.type === 'ticket.updated' && e.ticket.status === 'acknowledged'), 5000, 'ack webhook');
  });

  it('proposes resolution when the till recovers, then closes after the quiet period', async () => {
    clock.now = T('10:20');
    till('T1', 'up', ok);
    advanceTo(T('10:23'));
    const recovered = await waitFor(() => desk.events().find((e) => e.detail?.change === 'recovered'), 5000, 'recovered webhook');
    expect(recovered.ticket.status).toBe('acknowledged');
    advanceTo(T('10:52'));
    expect(desk.events().some((e) => e.type === 'ticket.closed')).toBe(false);
    advanceTo(T('10:53'));
    const closed = await waitFor(() => desk.events().find((e) => e.type === 'ticket.closed'), 5000, 'closed webhook');
    expect(closed.ticket.status).toBe('closed');
    await waitFor(() => node.tickets.outbox.counts().pending === 0, 5000, 'outbox drained');
  });

  it('delivered every event once, verified, and told no one else', () => {
    expect(desk.events().map((e) => `${e.type}:${e.ticket.status}`)).toEqual([
      'ticket.opened:open',
      'ticket.updated:acknowledged',
      'ticket.updated:acknowledged',
      'ticket.closed:closed',
    ]);
    expect(desk.arrivals).toHaveLength(4);
    expect(desk.arrivals.every((a) => a.verified && a.path === 'pilot')).toBe(true);
    expect(seen.other).toEqual([]);
    expect(seen.pilot.filter((e) => e.notify).map((e) => e.type)).toEqual(['ticket.opened', 'ticket.updated', 'ticket.updated', 'ticket.closed']);
  });
});

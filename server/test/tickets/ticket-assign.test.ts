import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketChangedEvent, TicketWithdrawnEvent } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type LiveClient, type TicketNode } from './harness.js';
import { helpdesk } from './receiver.js';
import { metricValue } from '../support/harness.js';

/**
 * HQ assigns tickets over the API, on a real server: one nobody covered, then one taken from a provider. The new
 * provider's helpdesk hears it opened, the old one's that it is withdrawn; live sockets follow the same lines.
 */
const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
let node: TicketNode;
let desk: ReturnType<typeof helpdesk>;
let hq: string;
const ids: Record<string, string> = {};

interface Ticket {
  id: string;
  providerId: string | null;
  status: string;
  assignedAt?: string | null;
  acknowledgedAt: string | null;
  sla: { responseDueAt: string | null };
  audit: { reason: string | null; fromProvider?: string | null; toProvider?: string; actor: { role: string } }[];
}

beforeAll(async () => {
  desk = helpdesk(await freePort(), { pilot: ['new-secret'], other: ['other-secret'] });
  await desk.start();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => desk.url(p)) });
  hq = node.issue('hq-admin');
  for (const storeId of ['S001', 'S003']) {
    const r = node.tickets.onIncident('incident.opened', { incident: incident({ id: `inc_${storeId}_till_down`, storeId }) });
    ids[storeId] = r.effects[0]!.ticket.id;
  }
});
afterAll(async () => {
  await node.close();
  await desk.stop();
});

const json = async <T>(res: Response) => (await res.json()) as T;
const assign = (id: string, token: string, body: unknown) => node.api(`/api/tickets/${id}/assign`, { token, method: 'POST', body: JSON.stringify(body) });
const sync = (socket: LiveClient) => new Promise<{ stores: { id: string }[] }>((resolve) => socket.emit('sync', resolve));
const nextEvent = <E extends 'ticket:changed' | 'ticket:withdrawn'>(socket: LiveClient, event: E) =>
  new Promise<E extends 'ticket:changed' ? TicketChangedEvent : TicketWithdrawnEvent>((resolve) => socket.once(event as 'ticket:changed', resolve as never));

describe('assigning a ticket nobody covers', () => {
  it('gives it to the provider HQ picks, clocks from now, and the provider hears it opened', async () => {
    clock.now = Date.parse('2026-11-23T10:30:00Z');
    const other = node.issue('provider', 'other');
    const { socket, snapshot } = await node.connect(other);
    expect(snapshot.tickets.map((t) => t.id)).not.toContain(ids.S003);
    expect((await sync(socket)).stores.map((s) => s.id)).not.toContain('S003');
    const live = nextEvent(socket, 'ticket:changed');
    const store = new Promise<string>((resolve) => socket.on('store:state', (s) => s.id === 'S003' && resolve(s.id)));

    const res = await assign(ids.S003!, hq, { providerId: 'other', note: 'Bilbao is theirs from December' });
    expect(res.status).toBe(200);
    const t = await json<Ticket>(res);
    expect(t).toMatchObject({ providerId: 'other', status: 'open', assignedAt: '2026-11-23T10:30:00.000Z', sla: { responseDueAt: '2026-11-23T11:30:00.000Z' } });
    expect(t.audit.at(-1)).toMatchObject({ reason: 'assigned', fromProvider: null, toProvider: 'other', actor: { role: 'hq' } });

    expect(await live).toMatchObject({ type: 'ticket.opened', detail: { change: 'assigned', reason: 'assigned' }, ticket: { id: ids.S003, providerId: 'other' } });
    await waitFor(() => desk.events().some((e) => e.path === 'other' && e.ticket.id === ids.S003 && e.type === 'ticket.opened'));
    const mine = await json<Ticket[]>(await node.api('/api/tickets', { token: other }));
    expect(mine.map((x) => x.id)).toContain(ids.S003);
    // Its engineers see the store they now hold a ticket at (its name, time zone and tills), at once and from then on.
    expect(await store).toBe('S003');
    expect((await sync(socket)).stores.map((s) => s.id)).toContain('S003');
  });
});

describe('reassigning a ticket from one provider to another', () => {
  it('withdraws it from the first, which hears so and no longer sees it, and opens it for the second', async () => {
    const pilot = node.issue('provider', 'pilot');
    const move = (body: object) => node.api(`/api/tickets/${ids.S001}/status`, { token: pilot, method: 'POST', body: JSON.stringify(body) });
    expect((await move({ status: 'acknowledged', note: 'our van is in Madrid today' })).status).toBe(200);
    expect((await move({ status: 'on_site', note: 'parked at the back door', location: { lat: 40.4168, lon: -3.7038 } })).status).toBe(200);
    const { socket: pilotSocket } = await node.connect(pilot);
    const { socket: hqSocket } = await node.connect(hq);
    const withdrawn = nextEvent(pilotSocket, 'ticket:withdrawn');
    const pilotChanges: TicketChangedEvent[] = [];
    pilotSocket.on('ticket:changed', (e) => pilotChanges.push(e));
    const atHq = nextEvent(hqSocket, 'ticket:changed');
    const { socket: otherSocket } = await node.connect(node.issue('provider', 'other'));
    const atOther = nextEvent(otherSocket, 'ticket:changed');

    clock.now = Date.parse('2026-11-23T11:00:00Z');
    const res = await assign(ids.S001!, hq, { providerId: 'other', note: 'Pilot is out of parts' });
    expect(res.status).toBe(200);
    expect(await json<Ticket>(res)).toMatchObject({ providerId: 'other', status: 'open', acknowledgedAt: null });

    expect(await withdrawn).toEqual({ at: '2026-11-23T11:00:00.000Z', id: ids.S001 });
    // HQ hears the assignment itself; the provider that had it hears nothing of the new provider's ticket.
    expect(await atHq).toMatchObject({ type: 'ticket.opened', detail: { change: 'assigned', reason: 'assigned', fromProvider: 'pilot' }, ticket: { providerId: 'other' } });
    expect(pilotChanges).toEqual([]);
    // The new provider hears it opened without what the provider before it wrote; HQ hears it all.
    const heard = await atOther;
    expect(heard.ticket.audit.filter((a) => a.actor.id === 'pilot').map((a) => [a.note, a.location])).toEqual([[null, undefined], [null, undefined]]);
    expect((await atHq).ticket.audit.filter((a) => a.actor.id === 'pilot').map((a) => a.note)).toEqual(['our van is in Madrid today', 'parked at the back door']);
    expect((await node.api(`/api/tickets/${ids.S001}`, { token: pilot })).status).toBe(404);

    await waitFor(() => desk.events().some((e) => e.path === 'pilot' && e.type === 'ticket.withdrawn'));
    const gone = desk.events().find((e) => e.path === 'pilot' && e.type === 'ticket.withdrawn')!;
    // The withdrawal shows the ticket as the first provider had it.
    expect(gone.ticket).toMatchObject({ id: ids.S001, providerId: 'pilot', status: 'on_site' });
    await waitFor(() => desk.events().some((e) => e.path === 'other' && e.type === 'ticket.opened' && e.ticket.id === ids.S001));
  });
});

describe('what the new provider reads of the ticket', () => {
  it("holds none of what the provider before it wrote, nor where that one was notified; HQ still reads it all", async () => {
    const other = node.issue('provider', 'other');
    type Entry = { actor: { id: string }; note: string | null; location?: unknown };
    const byPilot = (audit: Entry[]) => audit.filter((a) => a.actor.id === 'pilot');
    const theirs = await json<{ audit: Entry[]; deliveries: { providerId: string }[] }>(await node.api(`/api/tickets/${ids.S001}`, { token: other }));
    // The moves stay, so the timeline adds up; their notes and the engineer's location do not.
    expect(byPilot(theirs.audit).map((a) => [a.note, a.location])).toEqual([[null, undefined], [null, undefined]]);
    expect(new Set(theirs.deliveries.map((d) => d.providerId))).toEqual(new Set(['other']));
    const { snapshot } = await node.connect(other);
    expect(byPilot(snapshot.tickets.find((t) => t.id === ids.S001)!.audit as Entry[]).every((a) => a.note === null)).toBe(true);
    const opened = desk.events().find((e) => e.path === 'other' && e.type === 'ticket.opened' && e.ticket.id === ids.S001) as unknown as { ticket: { audit: Entry[] } };
    expect(byPilot(opened.ticket.audit).map((a) => a.note)).toEqual([null, null]);

    const all = await json<{ audit: Entry[]; deliveries: { providerId: string }[] }>(await node.api(`/api/tickets/${ids.S001}`, { token: hq }));
    expect(byPilot(all.audit).map((a) => a.note)).toEqual(['our van is in Madrid today', 'parked at the back door']);
    expect(byPilot(all.audit)[1]!.location).toEqual({ lat: 40.4168, lon: -3.7038 });
    expect(new Set(all.deliveries.map((d) => d.providerId))).toEqual(new Set(['pilot', 'other']));
  });

  it("the store reads the engineers' notes, but neither where one checked in nor HQ's note on the handover", async () => {
    type Entry = { actor: { id: string }; reason: string | null; note: string | null; location?: unknown; toProvider?: string };
    const read = async (token: string) => (await json<{ audit: Entry[] }>(await node.api(`/api/tickets/${ids.S001}`, { token }))).audit;
    const store = await read(node.issueStore('S001'));
    expect(store.filter((a) => a.actor.id === 'pilot').map((a) => [a.note, a.location])).toEqual([['our van is in Madrid today', undefined], ['parked at the back door', undefined]]);
    expect(store.find((a) => a.reason === 'assigned')).toMatchObject({ note: null, toProvider: 'other' });
    expect((await read(hq)).find((a) => a.reason === 'assigned')).toMatchObject({ note: 'Pilot is out of parts', toProvider: 'other' });
  });

  it('is counted once in the SLA report, under it, while the provider before it keeps its own times on it', async () => {
    type Row = { providerId: string | null; tickets: { total: number }; withdrawn: number; mttaMs: number | null; mttoMs: number | null };
    const rows = await json<Row[]>(await node.api('/api/reports/sla?month=2026-11', { token: hq }));
    // Pilot acknowledged and was on site at 10:30, half an hour after the ticket opened; then HQ handed it to Other.
    expect(rows.map((r) => [r.providerId, r.tickets.total, r.withdrawn, r.mttaMs, r.mttoMs])).toEqual([
      ['other', 2, 0, null, null],
      ['pilot', 0, 1, 30 * 60_000, 30 * 60_000],
    ]);
    const own = await json<Row[]>(await node.api('/api/reports/sla?month=2026-11', { token: node.issue('provider', 'pilot') }));
    expect(own.map((r) => [r.providerId, r.withdrawn])).toEqual([['pilot', 1]]);
    const csv = await (await node.api('/api/reports/sla?month=2026-11&format=csv', { token: hq })).text();
    expect(csv.split('\n')[2]).toBe('pilot,0,0,0,0,30.0,30.0,,0,0,0,0,,,,,1');
    // Who had it before, and what it breached, is the report's: the ticket does not carry it to the new provider.
    const opened = desk.events().find((e) => e.path === 'other' && e.type === 'ticket.opened' && e.ticket.id === ids.S001)!;
    expect(opened.ticket).toMatchObject({ providerId: 'other' });
    expect(opened.ticket).not.toHaveProperty('earlierHolders');
  });

  it('shows it the store only while it holds the ticket in play', async () => {
    const { socket } = await node.connect(node.issue('provider', 'other'));
    expect((await sync(socket)).stores.map((s) => s.id)).toContain('S003');
    // Handed on: the store leaves its open screens at once, with a fresh snapshot.
    const fresh = new Promise<{ stores: { id: string }[] }>((resolve) => socket.once('snapshot', resolve));
    expect((await assign(ids.S003!, hq, { providerId: 'pilot' })).status).toBe(200);
    expect((await fresh).stores.map((s) => s.id)).not.toContain('S003');
    // Ended: the provider holding it then stops seeing it too.
    const { socket: pilotSocket } = await node.connect(node.issue('provider', 'pilot'));
    expect((await sync(pilotSocket)).stores.map((s) => s.id)).toContain('S003');
    // Its open screens hear so at once, not at their next reconnection.
    const pushed = new Promise<{ stores: { id: string }[] }>((resolve) => pilotSocket.once('snapshot', resolve));
    const cancel = await node.api(`/api/tickets/${ids.S003}/status`, { token: hq, method: 'POST', body: JSON.stringify({ status: 'cancelled', reason: 'false_alarm' }) });
    expect(cancel.status).toBe(200);
    expect((await pushed).stores.map((s) => s.id)).not.toContain('S003');
    expect((await sync(pilotSocket)).stores.map((s) => s.id)).not.toContain('S003');
  });
});

describe('assignments the API refuses', () => {
  it('answers each with a clear status and counts it, changing nothing', async () => {
    const before = await json<Ticket>(await node.api(`/api/tickets/${ids.S001}`, { token: hq }));
    const refusedBefore = metricValue(await node.registry.metrics(), 'storepulse_ticket_inputs_refused_total', { code: 'unknown_provider' });
    const cases: [string, unknown, number, string?][] = [
      [node.issue('hq-viewer'), { providerId: 'pilot' }, 403],
      [node.issue('provider', 'other'), { providerId: 'pilot' }, 403],
      [node.issue('agent'), { providerId: 'pilot' }, 403],
      [hq, { providerId: 'nobody' }, 400, 'providerId: no provider nobody'],
      [hq, { providerId: 'other' }, 409, "the ticket is already other's"],
      [hq, { providerId: '../x' }, 400],
      [hq, { providerId: 'pilot', extra: 1 }, 400],
      [hq, {}, 400],
    ];
    for (const [token, body, status, message] of cases) {
      const res = await assign(ids.S001!, token, body);
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), status]);
      if (message) expect((await json<{ message: string }>(res)).message).toBe(message);
    }
    expect((await assign('T-000000000000', hq, { providerId: 'pilot' })).status).toBe(404);
    expect((await assign(ids.S001!, 'sp_wrong', { providerId: 'pilot' })).status).toBe(401);
    const after = await json<Ticket>(await node.api(`/api/tickets/${ids.S001}`, { token: hq }));
    expect(after.audit).toHaveLength(before.audit.length);
    expect(after.providerId).toBe('other');
    expect(metricValue(await node.registry.metrics(), 'storepulse_ticket_inputs_refused_total', { code: 'unknown_provider' })).toBe(refusedBefore + 1);
  });

  it('is in the OpenAPI document with its body and answers', () => {
    const op = node.openapi().paths['/api/tickets/{id}/assign']?.post;
    expect(Object.keys(op?.responses ?? {}).sort()).toEqual(['200', '400', '404', '409']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { incident } from './incidents.js';
import { helpdesk } from './receiver.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';

const T = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
const HQ = { tokenId: 'hq', role: 'hq-admin' as const, providerId: null, storeId: null, label: 'HQ desk' };

const dir = tempDir();
const clock = { now: T('10:00') };
let desk: ReturnType<typeof helpdesk>;
let node: TicketNode;
const start = () => startTicketNode({ dir, clock, providers: providerConfigs((p) => desk.url(p)) });

const tillDown = incident({ id: 'inc_S001_till_down_T1', storeId: 'S001', tillIds: ['T1'], startedAt: '2026-11-23T09:59:00.000Z' });
const paperLow = incident({
  id: 'inc_S001_till_degraded_T2',
  storeId: 'S001',
  kind: 'till_degraded',
  severity: 'minor',
  tillIds: ['T2'],
  startedAt: '2026-11-23T10:00:00.000Z',
  components: { T2: { pos: { state: 'ok' }, printer: { state: 'paper_low' }, payment: { state: 'ok' }, network: { state: 'ok' } } },
});

beforeAll(async () => {
  desk = helpdesk(await freePort(), { pilot: ['change-me'], other: ['other-secret'] });
});
afterAll(async () => {
  await node.close();
  await desk.stop();
});

describe('a server restarted in the middle of a ticket', () => {
  let ticketId: string;
  let responseDueAt: string | null;

  it('has a ticket, a graced P3 fault and an undelivered webhook when it stops', async () => {
    node = await start();
    const opened = node.tickets.onIncident('incident.opened', { incident: tillDown });
    ticketId = opened.effects[0]!.ticket.id;
    // Paper low: store staff get the self-fix grace before a provider is called.
    expect(node.tickets.onIncident('incident.opened', { incident: paperLow }).effects).toEqual([]);
    responseDueAt = node.tickets.list(HQ)[0]!.sla.responseDueAt;
    expect(responseDueAt).toBe('2026-11-23T11:00:00.000Z');
    // The helpdesk is down: the first attempt fails and the delivery waits for its retry.
    await waitFor(() => node.tickets.outbox.list({ ticketId })[0]?.attempts === 1, 5000, 'first failed attempt');
    await node.close();
  });

  it('comes back with the same single ticket and the same clock, however often the incident is replayed', async () => {
    clock.now = T('10:20');
    await desk.start();
    node = await start();
    const replay = node.tickets.onIncident('incident.opened', { incident: tillDown });
    expect(replay.effects.every((e) => !e.notify)).toBe(true);
    node.tickets.onIncident('incident.updated', { incident: tillDown });
    const list = node.tickets.list(HQ);
    expect(list.map((t) => t.id)).toEqual([ticketId]);
    expect(list[0]!.sla.responseDueAt).toBe(responseDueAt);
    expect(list[0]!.sla.targets.response).toMatchObject({ elapsedMs: 20 * 60_000, remainingMs: 40 * 60_000 });
  });

  it('sends the webhook left pending, once', async () => {
    const opened = await waitFor(() => desk.events().find((e) => e.type === 'ticket.opened'), 5000, 'pending ticket.opened');
    expect(opened.ticket.id).toBe(ticketId);
    expect(desk.arrivals.filter((a) => a.verified)).toHaveLength(1);
  });

  it('carries on with the timers it had: grace, escalation and SLA warnings at the right moments', async () => {
    node.tickets.tick(); // 10:20
    const tickets = node.tickets.list(HQ);
    expect(tickets.map((t) => t.priority).sort()).toEqual(['P2', 'P3']);
    const escalated = await waitFor(() => desk.events().find((e) => e.type === 'ticket.escalated'), 5000, 'escalation');
    expect(escalated.detail).toEqual({ step: 0, notify: 'duty-manager@pilot.example' });
    clock.now = T('10:29');
    node.tickets.tick();
    clock.now = T('10:30');
    node.tickets.tick();
    const warning = await waitFor(() => desk.events().find((e) => e.type === 'sla.warning' && e.ticket.id === ticketId), 5000, 'warning');
    expect(warning).toMatchObject({ occurredAt: '2026-11-23T10:30:00.000Z', detail: { target: 'response', percent: 50 } });
  });
});

describe('a helpdesk that is down for a while', () => {
  it('receives each delivery id exactly once when it comes back', async () => {
    await waitFor(() => node.tickets.outbox.counts().pending === 0, 5000, 'outbox drained');
    await desk.stop();
    const pilot = node.issue('provider', 'pilot');
    clock.now = T('10:35');
    const ack = await node.api(`/api/tickets/${p2TicketId()}/status`, { token: pilot, method: 'POST', body: JSON.stringify({ status: 'acknowledged' }) });
    expect(ack.status).toBe(200);
    const delivery = () => node.tickets.outbox.list({ ticketId: p2TicketId() }).find((d) => d.eventType === 'ticket.updated');
    await waitFor(() => (delivery()?.attempts ?? 0) >= 2, 5000, 'two failed attempts');
    await desk.start();
    await waitFor(() => delivery()?.status === 'delivered', 8000, 'delivered after the outage');
    const id = delivery()!.id;
    expect(desk.arrivals.filter((a) => a.delivery === id)).toHaveLength(1);
    const detail = (await (await node.api(`/api/tickets/${p2TicketId()}`, { token: pilot })).json()) as { deliveries: { id: string; attemptLog: { ok: boolean; error: string | null }[] }[] };
    const log = detail.deliveries.find((d) => d.id === id)!.attemptLog;
    expect(log.at(-1)!.ok).toBe(true);
    expect(log.slice(0, -1).every((a) => !a.ok && a.error !== null)).toBe(true);
    // Every delivery overall arrived once.
    const ids = desk.arrivals.map((a) => a.delivery);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function p2TicketId(): string {
  return node.tickets.list(HQ).find((t) => t.priority === 'P2')!.id;
}

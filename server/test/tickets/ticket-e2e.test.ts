import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySensible from '@fastify/sensible';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import mqtt, { type MqttClient } from 'mqtt';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { authPlugin } from '../../src/http/plugins/auth.js';
import { ticketRoutes } from '../../src/http/routes/api/tickets.js';
import { StoreConfigView, TicketService, parseTicketSections } from '../../src/services/tickets/index.js';
import { metricValue, startHarness, status, type Harness } from '../support/harness.js';
import { OUTAGE_YAML } from '../incidents/outage.js';
import { helpdesk } from './receiver.js';

/**
 * The whole way on the real server with its embedded broker: an agent reports a till fault over MQTT,
 * the incident service opens an incident on the bus, the tickets feature (wired the way the
 * integration does it) opens a ticket, the provider's helpdesk gets a webhook it can verify, the
 * provider acknowledges over HTTP, the till recovers and the ticket closes itself.
 */
describe('till fault over MQTT → ticket → verified webhook → acknowledgement → recovery → closure', () => {
  let h: Harness;
  let desk: ReturnType<typeof helpdesk>;
  let tickets: TicketService;
  let app: FastifyInstance;
  let ticketsUrl: string;
  const clients: MqttClient[] = [];
  const seq = { T1: 0 };
  const registry = new Registry();

  beforeAll(async () => {
    desk = helpdesk(await freePort(), { pilot: ['change-me'] });
    await desk.start();
    h = await startHarness({ yaml: OUTAGE_YAML });
    const sections = parseTicketSections({
      providers: [
        {
          id: 'pilot',
          name: 'Pilot Service',
          categories: ['all'],
          stores: ['S001', 'S002'],
          webhooks: [{ url: desk.url('pilot'), secret: 'change-me', events: ['ticket.opened', 'ticket.updated', 'ticket.closed'] }],
          sla: { P1: { response: '15m', onSite: '4h', resolve: '8h', clock: '24x7' } },
        },
      ],
      tickets: { autoCloseAfter: '2s' },
    });
    if (!sections.ok) throw new Error(sections.errors.join('\n'));
    const { server } = h;
    tickets = new TicketService({
      db: openDatabase(join(h.dir, 'tickets')),
      stores: new StoreConfigView(server.fleet.stores),
      providers: sections.value.providers,
      config: sections.value.tickets,
      log: server.log,
      registry,
      tickMs: 200,
      outbox: { pollMs: 100 },
      // The helpdesk listens on loopback: allow-listed, as WEBHOOK_ALLOW_HOSTS would.
      webhookAllowHosts: ['127.0.0.1'],
    });
    server.bus.on('incident:opened', (incident) => tickets.onIncident('incident.opened', { incident }));
    server.bus.on('incident:updated', (incident) => tickets.onIncident('incident.updated', { incident }));
    server.bus.on('incident:closed', (incident) => tickets.onIncident('incident.closed', { incident }));
    tickets.start();
    app = Fastify({ ajv: { customOptions: { allErrors: false, removeAdditional: false } } });
    const typed = app.withTypeProvider<TypeBoxTypeProvider>();
    await typed.register(fastifySensible);
    await typed.register(fastifyCookie);
    await typed.register(authPlugin, { auth: server.auth, onFailure: () => undefined });
    await typed.register(ticketRoutes, { tickets });
    ticketsUrl = await app.listen({ port: 0, host: '127.0.0.1' });

    const agent = await h.issue('agent');
    for (const t of ['T1'] as const) {
      const c = await mqtt.connectAsync(h.server.mqttUrl, { clientId: `S001-${t}-${Date.now()}`, reconnectPeriod: 0, username: 'agent', password: agent });
      clients.push(c);
      await c.publishAsync(topics.online('S001', t), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
      await c.publishAsync(topics.status('S001', t), status(++seq[t]), { qos: 1, retain: true });
    }
  }, 30_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await app?.close();
    await tickets?.stop();
    await h?.close();
    await desk?.stop();
  });

  let bins = 0;
  /**
   * T1 reports a state; once the incident timing has passed, a door-counter bin makes the incident
   * engine look again (as the next message from the store would, well before its 10-s tick).
   */
  async function reportT1(patch: Record<string, string>, holdMs: number) {
    await clients[0]!.publishAsync(topics.status('S001', 'T1'), status(++seq.T1, patch), { qos: 1, retain: true });
    await new Promise((r) => setTimeout(r, holdMs));
    const start = Date.now() - 15_000 + bins * 10;
    const bin = { v: 1, seq: ++bins, binStart: new Date(start).toISOString(), binEnd: new Date(start + 10_000).toISOString(), in: 0, out: 0 };
    await clients[0]!.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify(bin), { qos: 1 });
  }

  it('runs the ticket from the fault to its closure, every webhook verified and delivered once', async () => {
    await reportT1({ pos: 'error' }, 1300);
    const opened = await waitFor(() => desk.events().find((e) => e.type === 'ticket.opened'), 8000, 'ticket.opened webhook');
    // One till of two is half the store: P1.
    expect(opened.ticket).toMatchObject({ status: 'open', providerId: 'pilot', priority: 'P1' });

    const pilot = await h.issue('provider', { providerId: 'pilot' });
    const ack = await fetch(`${ticketsUrl}/api/tickets/${opened.ticket.id}/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pilot}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'acknowledged', note: 'remote session started' }),
    });
    expect(ack.status).toBe(200);
    await waitFor(() => desk.events().find((e) => e.type === 'ticket.updated' && e.ticket.status === 'acknowledged'), 5000, 'ack webhook');

    await reportT1({}, 2300);
    const closed = await waitFor(() => desk.events().find((e) => e.type === 'ticket.closed'), 15_000, 'ticket.closed webhook');
    expect(closed.ticket.id).toBe(opened.ticket.id);
    expect(closed.ticket.status).toBe('closed');

    const events = desk.events().filter((e) => e.ticket.id === opened.ticket.id);
    expect(events.map((e) => e.type)).toEqual(['ticket.opened', 'ticket.updated', 'ticket.updated', 'ticket.closed']);
    expect(desk.arrivals.every((a) => a.verified)).toBe(true);
    expect(new Set(desk.arrivals.map((a) => a.delivery)).size).toBe(desk.arrivals.length);
    expect(metricValue(await registry.metrics(), 'storepulse_tickets', { status: 'closed', priority: 'P1' })).toBe(1);
  }, 30_000);
});

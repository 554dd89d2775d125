import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { topics } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { startHarness, status, type Harness } from '../support/harness.js';
import { OUTAGE_YAML } from '../incidents/outage.js';
import { helpdesk } from './receiver.js';

let h: Harness;
let desk: ReturnType<typeof helpdesk>;
afterAll(async () => { await h?.close(); await desk?.stop(); });

it('wired: MQTT fault → ticket → webhook → ack over the server API → live event', async () => {
  desk = helpdesk(await freePort(), { pilot: ['change-me'] });
  await desk.start();
  h = await startHarness({ yaml: OUTAGE_YAML + `
providers:
  - id: pilot
    name: Pilot Service
    categories: [all]
    stores: [S001, S002]
    webhooks:
      - { url: "${desk.url('pilot')}", secret: "change-me", events: [ticket.opened, ticket.updated, ticket.closed] }
    sla:
      P1: { response: 15m, onSite: 4h, resolve: 8h, clock: 24x7 }
      P2: { response: 1h, onSite: 8h, resolve: 1d, clock: store_hours }
      P3: { response: 4h, resolve: 2d, clock: store_hours }
    escalation:
      - { after: 15m, notify: "duty-manager@pilot.example" }
  - id: rapid
    name: Rapid Fix
    categories: [all]
    stores: [S002]
    sla:
      P2: { response: 30m, onSite: 4h, resolve: 1d, clock: store_hours }
tickets: { autoCloseAfter: 30m }
`, env: { WEBHOOK_ALLOW_HOSTS: '127.0.0.1' } });
  const pilot = await h.issue('provider', { providerId: 'pilot' });
  const socket = io(h.server.url, { auth: { token: pilot }, transports: ['websocket'] });
  const live: string[] = [];
  socket.on('ticket:changed', (e) => live.push(e.type));
  await new Promise((r) => socket.once('tickets:snapshot', r));
  const agent = await h.issue('agent');
  const c = await mqtt.connectAsync(h.server.mqttUrl, { clientId: 'S001-T1', reconnectPeriod: 0, username: 'agent', password: agent });
  await c.publishAsync(topics.online('S001', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: 'test' } }), { qos: 1, retain: true });
  await c.publishAsync(topics.status('S001', 'T1'), status(1), { qos: 1, retain: true });
  await new Promise((r) => setTimeout(r, 300));
  await c.publishAsync(topics.status('S001', 'T1'), status(2, { pos: 'error' }), { qos: 1, retain: true });
  await new Promise((r) => setTimeout(r, 1300));
  const now = Date.now();
  await c.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify({ v: 1, seq: 1, binStart: new Date(now - 15000).toISOString(), binEnd: new Date(now - 5000).toISOString(), in: 0, out: 0 }), { qos: 1 });
  const opened = await waitFor(() => desk.events().find((e) => e.type === 'ticket.opened'), 8000, 'webhook');
  const res = await h.api(`/api/tickets/${opened.ticket.id}/status`, { token: pilot, method: 'POST', body: JSON.stringify({ status: 'acknowledged' }) });
  expect(res.status).toBe(200);
  await waitFor(() => desk.events().find((e) => e.ticket.status === 'acknowledged'), 5000, 'ack webhook');
  await waitFor(() => live.includes('ticket.opened'), 3000, 'live');
  const list = await (await h.api('/api/tickets')).json();
  expect(list).toHaveLength(1);
  const docs = await (await h.api('/api/docs/json')).json() as { paths: Record<string, unknown> };
  expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/api/tickets', '/api/tickets/{id}/status', '/api/reports/sla', '/api/providers/{id}']));
  // HQ hands the ticket to a provider that does not serve S001: its engineers see the store while they hold it.
  const rapid = await h.issue('provider', { providerId: 'rapid' });
  const rapidStores = async () => ((await (await h.api('/api/stores', { token: rapid })).json()) as { id: string }[]).map((s) => s.id);
  expect(await rapidStores()).toEqual(['S002']);
  const assign = (providerId: string) => h.api(`/api/tickets/${opened.ticket.id}/assign`, { method: 'POST', body: JSON.stringify({ providerId }) });
  expect((await assign('rapid')).status).toBe(200);
  expect((await rapidStores()).sort()).toEqual(['S001', 'S002']);
  expect((await assign('pilot')).status).toBe(200);
  expect(await rapidStores()).toEqual(['S002']);
  // HQ removes the store: the ticket is cancelled, the provider told, and it stays cancelled when the incident ends with it.
  await c.endAsync(true);
  expect((await h.api('/api/stores/S001', { method: 'DELETE' })).status).toBe(204);
  const cancelled = await waitFor(() => desk.events().find((e) => e.type === 'ticket.closed'), 5000, 'cancellation webhook');
  expect(cancelled.ticket).toMatchObject({ id: opened.ticket.id, status: 'cancelled' });
  await waitFor(() => live.includes('ticket.closed'), 3000, 'live cancellation');
  const ticket = (await (await h.api(`/api/tickets/${opened.ticket.id}`)).json()) as { status: string; audit: { reason: string | null }[] };
  expect(ticket.status).toBe('cancelled');
  expect(ticket.audit.at(-1)?.reason).toBe('store_removed');
  const refused = await (await h.api('/metrics')).text();
  expect(refused).not.toMatch(/storepulse_ticket_inputs_refused_total\{code="unknown_store"\} [1-9]/);
  // The incident's resolution point carries the provider its ticket went to and the SLA outcome (the SLA dashboard's).
  await h.server.telemetry.flush();
  const db = new Database(join(h.dir, 'data', 'telemetry.db'), { readonly: true });
  const resolved = db.prepare("SELECT provider, sla_breached FROM incident WHERE store = 'S001' AND phase = 'resolved'").all();
  db.close();
  expect(resolved).toEqual([{ provider: 'pilot', sla_breached: 0 }]);
  socket.close();
}, 30000);

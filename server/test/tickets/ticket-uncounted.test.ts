import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketChangedEvent, TicketView } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';
import type { Incident } from '../../src/domain/incidents/types.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';

// A store offline: the server cannot see its tills' sales, so none of its loss is counted yet and the band's high is
// the bound. Its ticket says so itself, on the REST API, the socket and in the OpenAPI document.
const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
const bound = { gross: 0, net: 0, low: 0, high: 900, currency: 'EUR' };
const offline = (over: Partial<Incident> = {}) =>
  incident({ id: 'inc_S001_offline', storeId: 'S001', kind: 'store_offline', tillIds: ['T1', 'T2'], components: { T1: null, T2: null }, lostRevenue: bound, flags: ['capacity_assumed'], ...over });

let node: TicketNode;
let hq: string;
let id: string;
beforeAll(async () => {
  const port = await freePort();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => `http://127.0.0.1:${port}/${p}`) });
  hq = node.issue('hq-admin');
  const r = node.tickets.onIncident('incident.opened', { incident: offline() });
  expect(r.rejection).toBeNull();
  id = r.effects[0]!.ticket.id;
});
afterAll(() => node.close());

const get = async <T>(path: string) => (await (await node.api(path, { token: hq })).json()) as T;

describe("a store offline's ticket", () => {
  it('says its loss is uncounted on the API (the ticket and the list) and in the socket snapshot', async () => {
    expect((await get<TicketView>(`/api/tickets/${id}`)).lostRevenue).toEqual({ ...bound, uncounted: true });
    const listed = (await get<TicketView[]>('/api/tickets')).find((t) => t.id === id);
    expect(listed?.lostRevenue).toEqual({ ...bound, uncounted: true });
    const { snapshot } = await node.connect(hq);
    expect(snapshot.tickets.find((t) => t.id === id)?.lostRevenue).toEqual({ ...bound, uncounted: true });
  });

  it('adds its bound to the SLA report beside the counted sum, in JSON, CSV and the OpenAPI document', async () => {
    const [row] = await get<{ lostRevenue: Record<string, { gross: number; net: number; uncountedUpTo?: number }> }[]>('/api/reports/sla?month=2026-11');
    expect(row!.lostRevenue).toEqual({ EUR: { gross: 0, net: 0, uncountedUpTo: 900 } });
    const csv = await (await node.api('/api/reports/sla?month=2026-11&format=csv', { token: hq })).text();
    expect(csv.split('\n')[0]).toMatch(/,lost_revenue_net,lost_revenue_uncounted_up_to,tickets_withdrawn$/);
    expect(csv.split('\n')[1]).toMatch(/,EUR,0\.00,0\.00,900\.00,0$/);
    expect(JSON.stringify(node.openapi().paths['/api/reports/sla']?.get?.responses['200'])).toContain('"uncountedUpTo":{"type":"number"');
  });

  it('drops the mark, live and on the API, once the sales are counted, and keeps it off when the incident ends', async () => {
    const { socket } = await node.connect(hq);
    const heard: TicketChangedEvent[] = [];
    socket.on('ticket:changed', (e) => heard.push(e));
    node.tickets.onIncident('incident.updated', { incident: offline({ lostRevenue: { ...bound, gross: 0, high: 950 } }) });
    const still = await waitFor(() => heard.find((e) => e.ticket.lostRevenue?.high === 950), 3000, 'live refresh');
    expect(still.ticket.lostRevenue).toEqual({ ...bound, high: 950, uncounted: true });

    const counted = { gross: 120, net: 100, low: 80, high: 400, currency: 'EUR' };
    node.tickets.onIncident('incident.updated', { incident: offline({ lostRevenue: counted, flags: [] }) });
    const live = await waitFor(() => heard.find((e) => e.ticket.lostRevenue?.gross === 120), 3000, 'counted refresh');
    expect(live.ticket.lostRevenue).toEqual(counted);
    expect((await get<TicketView>(`/api/tickets/${id}`)).lostRevenue).toEqual(counted);

    // Back to nothing counted while it is open, then the incident ends with none counted: no bound left to show.
    node.tickets.onIncident('incident.updated', { incident: offline() });
    expect((await get<TicketView>(`/api/tickets/${id}`)).lostRevenue).toEqual({ ...bound, uncounted: true });
    node.tickets.onIncident('incident.closed', { incident: offline({ status: 'closed', endedAt: '2026-11-23T09:59:00.000Z' }) });
    expect((await get<TicketView>(`/api/tickets/${id}`)).lostRevenue).toEqual(bound);
  });

  it('is in the OpenAPI document of the ticket, the list and the transition', () => {
    const doc = node.openapi();
    for (const [path, method, status] of [['/api/tickets/{id}', 'get', '200'], ['/api/tickets', 'get', '200'], ['/api/tickets/{id}/status', 'post', '200']] as const) {
      const schema = JSON.stringify(doc.paths[path]?.[method]?.responses[status]);
      // OpenAPI 3.0 writes the literal true as a one-value enum.
      expect(schema, path).toMatch(/"lostRevenue":\{"type":"object",[^{]*"properties":\{[^]*?"uncounted":\{"type":"boolean",[^}]*"enum":\[true\]\}/);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';
import { metricValue } from '../support/harness.js';

const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
let node: TicketNode;
let hq: string;
let viewer: string;
let pilot: string;
let other: string;
let agent: string;
const ids: Record<string, string> = {};

interface Summary {
  id: string;
  storeId: string;
  providerId: string | null;
  priority: string;
  status: string;
  category: string;
  sla: { responseDueAt: string | null; targets: { response: { goalMs: number } | null } };
  lostRevenue: { net: number } | null;
}

beforeAll(async () => {
  // Nothing listens there: deliveries stay pending, which these tests do not look at.
  const port = await freePort();
  node = await startTicketNode({ dir: tempDir(), clock, providers: providerConfigs((p) => `http://127.0.0.1:${port}/${p}`) });
  hq = node.issue('hq-admin');
  viewer = node.issue('hq-viewer');
  pilot = node.issue('provider', 'pilot');
  other = node.issue('provider', 'other');
  agent = node.issue('agent');
  for (const storeId of ['S001', 'S002', 'S003']) {
    const r = node.tickets.onIncident('incident.opened', { incident: incident({ id: `inc_${storeId}_till_down`, storeId }) });
    expect(r.rejection).toBeNull();
    ids[storeId] = r.effects[0]!.ticket.id;
  }
});
afterAll(() => node.close());

const json = async <T>(res: Response) => (await res.json()) as T;
const post = (id: string, token: string, body: unknown) => node.api(`/api/tickets/${id}/status`, { token, method: 'POST', body: JSON.stringify(body) });

describe('listing tickets', () => {
  it('shows HQ every ticket, routed by store and category, with the SLA view and lost revenue', async () => {
    const list = await json<Summary[]>(await node.api('/api/tickets', { token: hq }));
    const byStore = Object.fromEntries(list.map((t) => [t.storeId, t]));
    expect(Object.keys(byStore).sort()).toEqual(['S001', 'S002', 'S003']);
    expect(byStore.S001).toMatchObject({ providerId: 'pilot', priority: 'P2', status: 'open', category: 'pos', lostRevenue: { net: 54 } });
    expect(byStore.S002!.providerId).toBe('other');
    expect(byStore.S003!.providerId).toBeNull();
    // P2 is 1 h response in store hours; the store is open (11:00 in Madrid), so due at 11:00 UTC.
    expect(byStore.S001!.sla.responseDueAt).toBe('2026-11-23T11:00:00.000Z');
    expect(byStore.S003!.sla.targets.response).toBeNull();
  });

  it('filters by status, provider, store and the unassigned queue', async () => {
    const ids = async (q: string) => (await json<Summary[]>(await node.api(`/api/tickets?${q}`, { token: hq }))).map((t) => t.storeId).sort();
    expect(await ids('unassigned=true')).toEqual(['S003']);
    expect(await ids('providerId=other')).toEqual(['S002']);
    expect(await ids('storeId=S001')).toEqual(['S001']);
    expect(await ids('status=resolved')).toEqual([]);
  });

  it('shows a provider its own tickets only, whatever it asks for', async () => {
    const own = await json<Summary[]>(await node.api('/api/tickets', { token: pilot }));
    expect(own.map((t) => t.storeId)).toEqual(['S001']);
    const asked = await json<Summary[]>(await node.api('/api/tickets?providerId=other', { token: pilot }));
    expect(asked).toEqual([]);
  });

  it('refuses agents and bad filters', async () => {
    expect((await node.api('/api/tickets', { token: agent })).status).toBe(403);
    expect((await node.api('/api/tickets?status=bogus', { token: hq })).status).toBe(400);
    expect((await node.api('/api/tickets', { token: 'sp_wrong' })).status).toBe(401);
  });
});

describe('one ticket', () => {
  it('has its audit trail and deliveries', async () => {
    const res = await node.api(`/api/tickets/${ids.S001}`, { token: pilot });
    expect(res.status).toBe(200);
    const t = await json<{ audit: { to: string; actor: { role: string } }[]; deliveries: { eventType: string; target: string; status: string }[]; details: string }>(res);
    expect(t.audit).toEqual([expect.objectContaining({ to: 'open', actor: { role: 'system', id: 'storepulse' } })]);
    expect(t.details).toBe('T1: pos error (POS app not responding)');
    expect(t.deliveries).toEqual([expect.objectContaining({ eventType: 'ticket.opened', target: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/…$/) })]);
  });

  it("does not show a store where its provider is notified", async () => {
    const store = await json<{ id: string; deliveries: unknown[] }>(await node.api(`/api/tickets/${ids.S001}`, { token: node.issueStore('S001') }));
    expect(store.id).toBe(ids.S001);
    expect(store.deliveries).toEqual([]);
    const hqView = await json<{ deliveries: unknown[] }>(await node.api(`/api/tickets/${ids.S001}`, { token: hq }));
    expect(hqView.deliveries).toHaveLength(1);
  });

  it("is 404 to another provider, like a ticket that does not exist", async () => {
    const theirs = await node.api(`/api/tickets/${ids.S002}`, { token: pilot });
    const none = await node.api('/api/tickets/T-000000000000', { token: pilot });
    expect([theirs.status, none.status]).toEqual([404, 404]);
    expect((await json<{ message: string }>(theirs)).message).toBe(`no ticket ${ids.S002}`);
  });
});

/** The store's till is back (the incident holds the recovery before it closes): nothing fails any more. */
function recovering(storeId: string): void {
  const at = new Date(clock.now).toISOString();
  const r = node.tickets.onIncident('incident.updated', {
    incident: incident({ id: `inc_${storeId}_till_down`, storeId, recoveringSince: at, activeTillIds: [], updatedAt: at }),
  });
  expect(r.rejection).toBeNull();
}

describe('moving a ticket', () => {
  it("does not let a provider touch another provider's ticket", async () => {
    const res = await post(ids.S002!, pilot, { status: 'acknowledged' });
    expect(res.status).toBe(404);
    const t = await json<{ status: string; audit: unknown[] }>(await node.api(`/api/tickets/${ids.S002}`, { token: hq }));
    expect(t.status).toBe('open');
    expect(t.audit).toHaveLength(1);
  });

  it('leaves HQ viewers read-only', async () => {
    expect((await post(ids.S001!, viewer, { status: 'acknowledged' })).status).toBe(403);
    // The service holds the line too, whoever calls it.
    const asViewer = { tokenId: 'v', role: 'hq-viewer' as const, providerId: null, storeId: null, label: 'viewer' };
    expect(node.tickets.transition(asViewer, ids.S001!, { status: 'acknowledged' }).rejection?.code).toBe('invalid_transition');
  });

  it('refuses an invalid transition with 409 and the allowed ones', async () => {
    const res = await post(ids.S001!, pilot, { status: 'closed' });
    expect(res.status).toBe(409);
    const body = await json<{ code: string; allowed: { to: string; reasons: string[] }[] }>(res);
    expect(body.code).toBe('invalid_transition');
    // T1 still fails: resolving is not among the moves offered until it recovers (nor is closing, HQ's own).
    expect(body.allowed.map((a) => a.to).sort()).toEqual(['acknowledged', 'on_site', 'waiting_store']);
  });

  it('lets a store report "staff fixed it" on its own tickets only, with its own reasons', async () => {
    const s002 = node.issueStore('S002');
    const mine = await json<{ id: string }[]>(await node.api('/api/tickets', { token: s002 }));
    expect(mine.map((t) => t.id)).toEqual([ids.S002]);
    expect((await post(ids.S001!, s002, { status: 'resolved', reason: 'staff_fixed' })).status).toBe(404);
    expect((await post(ids.S002!, s002, { status: 'resolved', reason: 'hardware_replaced' })).status).toBe(409);
    // Not while the till still reports its fault: the ticket would leave the boards with the till still down.
    const live = await post(ids.S002!, s002, { status: 'resolved', reason: 'staff_fixed' });
    expect(live.status).toBe(409);
    expect(await json<{ code: string; message: string }>(live)).toMatchObject({
      code: 'invalid_transition',
      message: 'T1 still reports pos error (POS app not responding): the ticket resolves itself once the till has recovered',
    });
    // The ticket says what still fails, for the web to explain before anyone tries.
    const before = await json<{ failing?: string[]; stillFailing?: unknown[] }>(await node.api(`/api/tickets/${ids.S002}`, { token: hq }));
    expect(before.failing).toEqual(['T1 still reports pos error (POS app not responding)']);
    expect(before.stillFailing).toEqual([{ tillIds: ['T1'], components: [{ name: 'pos', state: 'error', detail: 'POS app not responding' }], condition: null }]);
    recovering('S002');
    expect(await json<{ failing?: string[]; stillFailing?: unknown[] }>(await node.api(`/api/tickets/${ids.S002}`, { token: hq }))).toMatchObject({ failing: [], stillFailing: [] });
    const ended = new Date(clock.now).toISOString();
    node.tickets.onIncident('incident.closed', {
      incident: incident({ id: 'inc_S002_till_down', storeId: 'S002', status: 'closed', endedAt: ended, activeTillIds: [], updatedAt: ended }),
    });
    const after = await json<{ recoveredAt: string | null; resolutionProposedAt: string | null; autoCloseAt?: string | null }>(await node.api(`/api/tickets/${ids.S002}`, { token: hq }));
    expect(after.recoveredAt).not.toBeNull();
    // It says when it closes itself: the quiet period (30 min by default) after the recovery.
    expect(after.autoCloseAt).toBe(new Date(Date.parse(after.resolutionProposedAt!) + 30 * 60_000).toISOString());
    // The list carries the recovery too: the board and the provider's phone show it before the live feed comes.
    const listed = (await json<{ id: string; recoveredAt?: string | null; resolutionProposedAt?: string | null }[]>(await node.api('/api/tickets', { token: hq }))).find((t) => t.id === ids.S002);
    expect(listed).toMatchObject({ recoveredAt: after.recoveredAt, resolutionProposedAt: after.resolutionProposedAt, autoCloseAt: after.autoCloseAt });
    const done = await post(ids.S002!, s002, { status: 'resolved', reason: 'staff_fixed', note: 'new paper roll' });
    expect(done.status).toBe(200);
    const t = await json<{ status: string; audit: { actor: { role: string; id: string }; reason: string | null }[] }>(done);
    expect(t.status).toBe('resolved');
    expect(t.audit.at(-1)).toMatchObject({ actor: { role: 'store', id: 'S002' }, reason: 'staff_fixed' });
  });

  it('refuses a resolution without a reason of the role with 409', async () => {
    const res = await post(ids.S001!, pilot, { status: 'resolved', reason: 'false_alarm' });
    expect(res.status).toBe(409);
    expect((await json<{ code: string }>(res)).code).toBe('invalid_reason');
  });

  it('refuses malformed bodies with 400', async () => {
    expect((await post(ids.S001!, pilot, { status: 'fixed' })).status).toBe(400);
    expect((await post(ids.S001!, pilot, { status: 'on_site', location: { lat: 200, lon: 0 } })).status).toBe(400);
    expect((await post('not-a-ticket', pilot, { status: 'acknowledged' })).status).toBe(400);
  });

  it('records who moved it, when, from what to what and why, with the on-site location', async () => {
    clock.now = Date.parse('2026-11-23T10:10:00Z');
    const ack = await post(ids.S001!, pilot, { status: 'acknowledged', note: 'on our way' });
    expect(ack.status).toBe(200);
    expect(await json<{ status: string; acknowledgedAt: string }>(ack)).toMatchObject({ status: 'acknowledged', acknowledgedAt: '2026-11-23T10:10:00.000Z' });
    clock.now = Date.parse('2026-11-23T11:00:00Z');
    const onSite = await post(ids.S001!, pilot, { status: 'on_site', location: { lat: 40.42, lon: -3.7, accuracyM: 15 } });
    expect(await json<{ onSiteLocation: unknown }>(onSite)).toMatchObject({ onSiteLocation: { lat: 40.42, lon: -3.7, accuracyM: 15 } });
    clock.now = Date.parse('2026-11-23T11:30:00Z');
    recovering('S001');
    const resolved = await post(ids.S001!, pilot, { status: 'resolved', reason: 'hardware_replaced', note: 'new PSU' });
    const t = await json<{ status: string; audit: { actor: { role: string; id: string }; from: string | null; to: string; reason: string | null; note: string | null; at: string }[] }>(resolved);
    expect(t.status).toBe('resolved');
    expect(t.audit.slice(1)).toEqual([
      { at: '2026-11-23T10:10:00.000Z', actor: { role: 'provider', id: 'pilot' }, from: 'open', to: 'acknowledged', reason: null, note: 'on our way' },
      { at: '2026-11-23T11:00:00.000Z', actor: { role: 'provider', id: 'pilot' }, from: 'acknowledged', to: 'on_site', reason: null, note: null, location: { lat: 40.42, lon: -3.7, accuracyM: 15 } },
      { at: '2026-11-23T11:30:00.000Z', actor: { role: 'provider', id: 'pilot' }, from: 'on_site', to: 'resolved', reason: 'hardware_replaced', note: 'new PSU' },
    ]);
    // HQ closes it, and cancels the unassigned one as a false alarm.
    expect((await post(ids.S001!, hq, { status: 'closed' })).status).toBe(200);
    const cancel = await post(ids.S003!, hq, { status: 'cancelled', reason: 'false_alarm' });
    expect(await json<{ status: string; audit: { actor: { role: string; id: string } }[] }>(cancel)).toMatchObject({ status: 'cancelled' });
  });
});

describe('the SLA report', () => {
  it('gives HQ every provider for the month', async () => {
    const rows = await json<{ providerId: string | null; tickets: { P2: number; total: number }; mttaMs: number | null; mttoMs: number | null; mttrMs: number | null; lostRevenue: Record<string, { net: number }> }[]>(
      await node.api('/api/reports/sla?month=2026-11', { token: hq }),
    );
    // The cancelled false alarm is left out.
    expect(rows.map((r) => r.providerId)).toEqual(['other', 'pilot']);
    expect(rows[1]).toMatchObject({ tickets: { P2: 1, total: 1 }, mttaMs: 10 * 60_000, mttoMs: 60 * 60_000, mttrMs: 90 * 60_000, lostRevenue: { EUR: { net: 54 } } });
  });

  it('gives a provider its own row only, and CSV on request', async () => {
    const rows = await json<{ providerId: string }[]>(await node.api('/api/reports/sla?month=2026-11&providerId=other', { token: pilot }));
    expect(rows.map((r) => r.providerId)).toEqual(['pilot']);
    const csv = await node.api('/api/reports/sla?month=2026-11&format=csv', { token: pilot });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^provider,tickets_P1,tickets_P2,tickets_P3,tickets_total,mtta_min/);
    expect(lines.slice(1)).toEqual(['pilot,0,1,0,1,10.0,60.0,90.0,0,0,0,0,EUR,72.00,54.00,,0']);
  });

  it('is empty for a month without tickets and refuses a malformed month', async () => {
    expect(await json(await node.api('/api/reports/sla?month=2026-10', { token: hq }))).toEqual([]);
    expect((await node.api('/api/reports/sla?month=2026-13', { token: hq })).status).toBe(400);
  });

  it("says in the API document that each ticket counts in its store's local month", () => {
    const op = JSON.stringify(node.openapi().paths['/api/reports/sla']?.get);
    expect(op).toContain("each ticket counts in its store's local month");
    expect(op).not.toContain('UTC month');
  });
});

describe('providers', () => {
  it('are listed without their webhook secrets; a provider sees itself', async () => {
    const res = await node.api('/api/providers', { token: hq });
    const text = await res.text();
    expect(text).not.toContain('change-me');
    expect(text).not.toContain('secret"');
    const list = JSON.parse(text) as { id: string; source: string; webhooks: { secrets: number }[] }[];
    expect(list.map((p) => [p.id, p.source, p.webhooks[0]!.secrets])).toEqual([['pilot', 'file', 2], ['other', 'file', 1]]);
    const mine = await json<{ id: string }[]>(await node.api('/api/providers', { token: other }));
    expect(mine.map((p) => p.id)).toEqual(['other']);
    expect((await node.api('/api/providers/pilot', { token: other })).status).toBe(404);
  });

  it('can be created by an HQ admin, and new tickets route to it', async () => {
    const body = {
      id: 'north',
      name: 'North Tech',
      categories: ['all'],
      stores: ['Bilbao'],
      // Loopback only, on the discard port: the outbox really tries them, and tests never reach outside this machine.
      webhooks: [
        { url: 'http://127.0.0.1:9/north/hook', secret: 's3cret-north' },
        { url: 'http://127.0.0.1:9/services/T000/B000/SLACKPATHSECRET', secret: 'unused', format: 'slack' },
      ],
      sla: { P2: { response: '30m', resolve: '4h', clock: '24x7' } },
    };
    const put = (token: string, b: unknown) => node.api('/api/providers/north', { token, method: 'PUT', body: JSON.stringify(b) });
    expect((await put(pilot, body)).status).toBe(403);
    const bad = await put(hq, { ...body, sla: { P2: { response: '5h', resolve: '4h', clock: '24x7' } } });
    expect(bad.status).toBe(400);
    expect((await json<{ message: string }>(bad)).message).toContain('must respond and be on site before it resolves');
    const created = await put(hq, body);
    expect(created.status).toBe(201);
    const createdText = await created.text();
    expect(createdText).not.toContain('s3cret-north');
    // A chat webhook's URL is its credential.
    expect(createdText).not.toContain('SLACKPATHSECRET');
    expect(JSON.parse(createdText).webhooks[1].url).toBe('http://127.0.0.1:9/…');
    const hooks = async (token: string) => (await json<{ webhooks: { url: string }[] }>(await node.api('/api/providers/north', { token }))).webhooks.map((w) => w.url);
    expect(await hooks(hq)).toEqual(['http://127.0.0.1:9/north/hook', 'http://127.0.0.1:9/…']);
    // A wall screen's viewer token does not carry the helpdesk's endpoint.
    expect(await hooks(node.issue('hq-viewer'))).toEqual(['http://127.0.0.1:9/…', 'http://127.0.0.1:9/…']);
    expect((await put(hq, body)).status).toBe(200);

    const r = node.tickets.onIncident('incident.opened', { incident: incident({ id: 'inc_S003_again', storeId: 'S003', tillIds: ['T2'] }) });
    expect(r.effects[0]!.ticket).toMatchObject({ providerId: 'north', sla: { clock: '24x7', goalsMs: { response: 30 * 60_000 } } });
    const detail = await node.api(`/api/tickets/${r.effects[0]!.ticket.id}`, { token: hq });
    const targets = (JSON.parse(await detail.text()) as { deliveries: { channel: string; target: string }[] }).deliveries.map((d) => `${d.channel} ${d.target}`);
    // Every webhook URL is shown by its origin only: a path can carry the credential.
    expect(targets.sort()).toEqual(['slack http://127.0.0.1:9/…', 'webhook http://127.0.0.1:9/…']);
  });
});

describe('incident input the engine refuses', () => {
  it('is counted and logged by code, and nothing breaks', async () => {
    const count = async (code: string) => metricValue(await node.registry.metrics(), 'storepulse_ticket_inputs_refused_total', { code });
    const before = { bad: await count('bad_incident'), unknown: await count('unknown_store') };
    const broken = node.tickets.onIncident('incident.opened', { incident: { id: 'x' } as never });
    expect(broken.rejection?.code).toBe('bad_incident');
    const nothing = node.tickets.onIncident('incident.updated', {} as never);
    expect(nothing.rejection?.code).toBe('bad_incident');
    const nowhere = node.tickets.onIncident('incident.opened', { incident: incident({ id: 'inc_ghost', storeId: 'S999' }) });
    expect(nowhere.rejection).toMatchObject({ code: 'unknown_store', message: 'store S999 is not configured' });
    expect(await count('bad_incident')).toBe(before.bad + 2);
    expect(await count('unknown_store')).toBe(before.unknown + 1);
    expect((await node.api('/api/tickets', { token: hq })).status).toBe(200);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ClientToServerEvents, FleetSnapshot, ServerToClientEvents, StoreDetail, StoreSummary } from '@storepulse/protocol';
import { ADMIN_TOKEN, metricValue, startHarness, type Harness } from '../support/harness.js';

const S003 = {
  id: 'S003',
  name: 'Ciudad de México Centro',
  city: 'Mexico City',
  timezone: 'America/Mexico_City',
  currency: 'MXN',
  tills: ['T1'],
  hours: { mon: '09:00-21:00', tue: '09:00-21:00', wed: '09:00-21:00', thu: '09:00-21:00', fri: '09:00-21:00', sat: '09:00-21:00', sun: null },
  provider: 'pilot',
};

describe('HTTP API: tokens, roles, scoping and bad bodies', () => {
  let h: Harness;
  let viewer: string;
  let pilot: string;
  let agentToken: string;

  beforeAll(async () => {
    h = await startHarness();
    viewer = await h.issue('hq-viewer');
    pilot = await h.issue('provider', { providerId: 'pilot' });
    agentToken = await h.issue('agent', { storeId: 'S001' });
  });
  afterAll(() => h?.close());

  it('answers /api/health without a token and nothing else', async () => {
    expect((await h.api('/api/health', { token: null })).status).toBe(200);
    for (const path of ['/api/stores', '/api/stores/S001', '/api/tokens', '/metrics', '/api/session', '/api/docs/json']) {
      expect((await h.api(path, { token: null })).status, path).toBe(401);
      expect((await h.api(path, { token: 'sp_not-a-real-token' })).status, path).toBe(401);
    }
  });

  it('returns 403 for a role that may not, and 401 wording that never echoes the token', async () => {
    expect((await h.api('/api/tokens', { token: viewer })).status).toBe(403);
    expect((await h.api('/api/stores', { token: agentToken })).status).toBe(403);
    const res = await h.api('/api/stores', { token: 'sp_secret-guess' });
    expect(await res.text()).not.toContain('sp_secret-guess');
  });

  it('lists stores with state and till counts in the documented shape', async () => {
    const stores = (await (await h.api('/api/stores', { token: viewer })).json()) as StoreSummary[];
    expect(stores.map((s) => s.id).sort()).toEqual(['S001', 'S002']);
    expect(stores.find((s) => s.id === 'S001')).toMatchObject({
      name: 'Madrid Gran Vía', city: 'Madrid', timezone: 'Europe/Madrid', currency: 'EUR', state: 'offline',
      tills: { total: 3, up: 0, degraded: 0, down: 0, offline: 3 },
    });
    const detail = (await (await h.api('/api/stores/S001', { token: viewer })).json()) as StoreDetail;
    expect(detail.tills.map((t) => [t.id, t.state, t.online, t.lastSeen])).toEqual([
      ['T1', 'offline', false, null], ['T2', 'offline', false, null], ['T3', 'offline', false, null],
    ]);
  });

  it('scopes a provider to its own stores: others are 404', async () => {
    const stores = (await (await h.api('/api/stores', { token: pilot })).json()) as StoreSummary[];
    expect(stores.map((s) => s.id)).toEqual(['S001']);
    expect((await h.api('/api/stores/S002', { token: pilot })).status).toBe(404);
    expect((await h.api('/api/stores/S001', { token: pilot })).status).toBe(200);
  });

  it('does not tell a provider serving a store by city contract which other company the store names', async () => {
    const body = { id: 'cityco', name: 'City Co', categories: ['printer'], stores: ['Madrid'], sla: { P2: { response: '1h', resolve: '1d', clock: '24x7' } } };
    expect((await h.api('/api/providers/cityco', { method: 'PUT', body: JSON.stringify(body) })).status).toBe(201);
    const cityco = await h.issue('provider', { providerId: 'cityco' });
    const seen = (await (await h.api('/api/stores/S001', { token: cityco })).json()) as StoreDetail;
    expect(seen.provider).toBeNull();
    expect(seen.providers.map((p) => p.id)).toEqual(['cityco']);
    const own = (await (await h.api('/api/stores/S001', { token: pilot })).json()) as StoreDetail;
    expect(own.provider).toBe('pilot');
    expect(((await (await h.api('/api/stores/S001', { token: viewer })).json()) as StoreDetail).provider).toBe('pilot');
    expect((await h.api('/api/providers/cityco', { method: 'DELETE' })).status).toBe(204);
    // An escalation after no time at all is refused by name, not failed on.
    const never = await h.api('/api/providers/cityco', { method: 'PUT', body: JSON.stringify({ ...body, escalation: [{ after: '0m', notify: 'duty@city.example' }] }) });
    expect(never.status).toBe(400);
    expect(((await never.json()) as { message: string }).message).toMatch(/escalation\/0\/after is zero/);
  });

  it('issues tokens once, stores them hashed, lists them without secrets, and revokes them', async () => {
    const res = await h.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'hq-viewer', label: 'lobby screen' }) });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as { id: string; token: string };
    expect(issued.token).toMatch(/^sp_[A-Za-z0-9_-]{43}$/);
    const listed = await (await h.api('/api/tokens')).text();
    expect(listed).toContain('lobby screen');
    expect(listed).not.toContain(issued.token);
    expect(listed).not.toContain(ADMIN_TOKEN);
    expect((await h.api('/api/stores', { token: issued.token })).status).toBe(200);
    expect((await h.api(`/api/tokens/${issued.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.api('/api/stores', { token: issued.token })).status).toBe(401);
  });

  it.each([
    [{ role: 'wizard', label: 'x' }, /role/],
    [{ role: 'provider', label: 'x' }, /providerId is required/],
    [{ role: 'hq-viewer', label: 'x', storeId: 'S001' }, /storeId only goes with the agent role/],
    [{ role: 'hq-viewer' }, /label/],
    [{ role: 'hq-viewer', label: 'x', extra: true }, /additional/],
  ])('refuses a bad token request %j with 400', async (body, message) => {
    const res = await h.api('/api/tokens', { method: 'POST', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(message);
  });

  it('refuses malformed JSON bodies with 400', async () => {
    const res = await h.api('/api/tokens', { method: 'POST', body: '{"role":' });
    expect(res.status).toBe(400);
  });

  it('creates and replaces a store over the API, validating what a schema cannot', async () => {
    const put = (body: unknown, id = 'S003') => h.api(`/api/stores/${id}`, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put(S003, 'S003')).status).toBe(201);
    expect((await put({ ...S003, name: 'CDMX Centro' })).status).toBe(200);
    expect(((await (await h.api('/api/stores/S003')).json()) as StoreDetail).name).toBe('CDMX Centro');
    const bad = await put({ ...S003, timezone: 'Mars/Olympus', currency: 'XYZ' });
    expect(bad.status).toBe(400);
    const msg = ((await bad.json()) as { message: string }).message;
    expect(msg).toMatch(/timezone "Mars\/Olympus" is not an IANA time zone/);
    expect(msg).toMatch(/currency "XYZ" is not an ISO 4217 currency/);
    expect((await put({ ...S003, hours: { ...S003.hours, mon: '9-5' } })).status).toBe(400);
    expect((await put(S003, 'S004')).status).toBe(400);
    // HQ's till throughput is taken as a positive rate; anything else is refused by name.
    expect((await put({ ...S003, tillThroughput: 30 })).status).toBe(200);
    const slow = await put({ ...S003, tillThroughput: 0 });
    expect(slow.status).toBe(400);
    expect(((await slow.json()) as { message: string }).message).toMatch(/tillThroughput/);
    expect((await put({ ...S003, tillThroughput: 'fast' })).status).toBe(400);
    // A body is taken as sent: a number written as text, or one till where a list belongs, is refused, not converted.
    for (const [field, value, message] of [['tillThroughput', '30', 'body/tillThroughput must be number'], ['tills', 'T1', 'body/tills must be array']] as const) {
      const typed = await put({ ...S003, [field]: value });
      expect(typed.status).toBe(400);
      expect(((await typed.json()) as { message: string }).message).toBe(message);
    }
    const refused = metricValue(await (await h.api('/metrics')).text(), 'storepulse_http_refused_total', { method: 'PUT', route: '/api/stores/:id', status: '400' });
    expect(refused).toBe(7);
    expect((await h.api('/api/stores/S003', { method: 'PUT', token: viewer, body: JSON.stringify(S003) })).status).toBe(403);
    expect((await h.api('/api/stores/S003', { method: 'DELETE' })).status).toBe(204);
    expect((await h.api('/api/stores/S003')).status).toBe(404);
  });

  it('shows HQ every setting of a store, so a GET, a change and a PUT keep the rest; providers do not see them', async () => {
    const full = { ...S003, id: 'S005', region: 'LatAm', holidays: ['2026-12-25'], conversion: 0.31, avgBasket: 420, tillThroughput: 28, email: 'reforma@shop.example' };
    expect((await h.api('/api/stores/S005', { method: 'PUT', body: JSON.stringify(full) })).status).toBe(201);
    const read = async (token?: string) => (await (await h.api('/api/stores/S005', { token })).json()) as StoreDetail;
    expect((await read()).settings).toEqual(full);

    const { settings } = await read(viewer);
    const edit = await h.api('/api/stores/S005', { method: 'PUT', body: JSON.stringify({ ...settings, hours: { ...settings!.hours, sun: '10:00-14:00' } }) });
    expect(edit.status).toBe(200);
    expect(((await edit.json()) as StoreDetail).settings).toEqual({ ...full, hours: { ...full.hours, sun: '10:00-14:00' } });

    // Left out, conversion and basket fall back to the defaults, and that is what HQ is shown.
    // The staff's email is there for whoever works on the store's tickets, the provider included.
    expect((await read(pilot)).email).toBe('reforma@shop.example');
    expect((await h.api('/api/stores/S005', { method: 'PUT', body: JSON.stringify({ ...full, email: 'not an address' }) })).status).toBe(400);
    const { conversion, avgBasket, tillThroughput, holidays, region, email, ...bare } = full;
    await h.api('/api/stores/S005', { method: 'PUT', body: JSON.stringify(bare) });
    expect((await read()).settings).toEqual({ ...bare, holidays: [], conversion: 0.2, avgBasket: 30 });

    const asProvider = await read(pilot);
    expect(asProvider.id).toBe('S005');
    expect(asProvider.email).toBeNull();
    expect(asProvider).not.toHaveProperty('settings');
    expect((await h.api('/api/stores/S005', { method: 'DELETE' })).status).toBe(204);
  });

  it('serves Prometheus metrics to HQ with a token', async () => {
    const res = await h.api('/metrics', { token: viewer });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('storepulse_stores{state="offline"} 2');
  });

  it('serves the OpenAPI document behind a token', async () => {
    const doc = (await (await h.api('/api/docs/json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/stores', '/api/stores/{id}', '/api/tokens', '/api/session']));
  });
});

describe('browser sessions and the wall link', () => {
  let h: Harness;
  let viewer: string;
  const cookieOf = (res: Response) => res.headers.get('set-cookie') ?? '';
  /** Refused HTTP credentials so far. */
  const failures = async () => metricValue(await (await h.api('/metrics')).text(), 'storepulse_auth_failures_total', { channel: 'http' });

  beforeAll(async () => {
    h = await startHarness();
    viewer = await h.issue('hq-viewer');
  });
  afterAll(() => h?.close());

  it('turns /wall?token= into an httpOnly cookie and drops the token from the address', async () => {
    const res = await h.api(`/wall?token=${encodeURIComponent(viewer)}`, { token: null });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/wall');
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/storepulse_token=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const pair = cookie.split(';')[0]!;
    const me = await h.api('/api/session', { token: null, headers: { cookie: pair } });
    expect(await me.json()).toMatchObject({ role: 'hq-viewer' });
    expect((await h.api('/api/stores', { token: null, headers: { cookie: pair } })).status).toBe(200);
  });

  it('keeps a kiosk link\'s other options when it drops the token', async () => {
    const res = await h.api(`/wall?kiosk=1&token=${encodeURIComponent(viewer)}&group=region&rotate=60`, { token: null });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/wall?kiosk=1&group=region&rotate=60');
  });

  it('sends a provider\'s link to the provider view', async () => {
    const pilot = await h.issue('provider', { providerId: 'pilot' });
    const res = await h.api(`/wall?token=${encodeURIComponent(pilot)}`, { token: null });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/provider');
  });

  it('sends a bad wall token to the login page, counted as a refused credential', async () => {
    const before = await failures();
    const res = await h.api('/wall?token=nope', { token: null });
    expect(await failures()).toBe(before + 1);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/login?error=token');
    expect(cookieOf(res)).toBe('');
  });

  it('signs in and out with POST and DELETE /api/session', async () => {
    const before = await failures();
    expect((await h.api('/api/session', { method: 'POST', token: null, body: JSON.stringify({ token: 'wrong' }) })).status).toBe(401);
    expect(await failures()).toBe(before + 1); // a refused sign-in is a refused credential like any other
    const ok = await h.api('/api/session', { method: 'POST', token: null, body: JSON.stringify({ token: viewer }) });
    expect(ok.status).toBe(204);
    expect(cookieOf(ok)).toMatch(/HttpOnly/i);
    const out = await h.api('/api/session', { method: 'DELETE', token: null });
    expect(cookieOf(out)).toMatch(/storepulse_token=;/);
  });

  it('tells a signed-out browser so with 200 when it asks with optional=true, and keeps 401 for everyone else', async () => {
    // No credentials: 401 as on every route, or {signedIn: false} for a page that only wants to know.
    expect((await h.api('/api/session', { token: null })).status).toBe(401);
    const out = await h.api('/api/session?optional=true', { token: null });
    expect(out.status).toBe(200);
    expect(await out.json()).toEqual({ signedIn: false });
    expect(cookieOf(out)).toBe('');
    // A cookie the server no longer accepts is cleared and counted; an explicit Bearer token that is wrong stays a 401.
    const before = await failures();
    const stale = await h.api('/api/session?optional=true', { token: null, headers: { cookie: 'storepulse_token=sp_revoked' } });
    expect(await stale.json()).toEqual({ signedIn: false });
    expect(cookieOf(stale)).toMatch(/storepulse_token=;/);
    expect(await failures()).toBe(before + 1);
    expect((await h.api('/api/session?optional=true', { token: 'sp_not-a-real-token' })).status).toBe(401);
    // Signed in, the answer is the same either way, and says so.
    for (const path of ['/api/session', '/api/session?optional=true']) {
      const me = await h.api(path, { token: null, headers: { cookie: `storepulse_token=${viewer}` } });
      expect(me.status, path).toBe(200);
      expect(await me.json(), path).toEqual({ signedIn: true, role: 'hq-viewer', providerId: null, label: 'test hq-viewer', tokenId: expect.any(String) });
    }
    // The token it names is the one signed in with, as the token list has it (for the admin page to mark).
    const { tokenId } = (await (await h.api('/api/session', { token: viewer })).json()) as { tokenId: string };
    const listed = (await (await h.api('/api/tokens')).json()) as { id: string; label: string }[];
    expect(listed.find((t) => t.id === tokenId)?.label).toBe('test hq-viewer');
    // An agent's token is not a person's session: refused, or as a cookie, cleared without counting as a bad credential.
    const agent = await h.issue('agent');
    expect((await h.api('/api/session', { token: agent })).status).toBe(403);
    expect((await h.api('/api/session?optional=true', { token: agent })).status).toBe(403);
    const beforeAgentCookie = await failures();
    const agentCookie = await h.api('/api/session?optional=true', { token: null, headers: { cookie: `storepulse_token=${agent}` } });
    expect(await agentCookie.json()).toEqual({ signedIn: false });
    expect(cookieOf(agentCookie)).toMatch(/storepulse_token=;/);
    expect(await failures()).toBe(beforeAgentCookie);
  });

  it('documents the signed-out answer in the OpenAPI schema', async () => {
    const doc = (await (await h.api('/api/docs/json')).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[]; responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
    };
    const get = doc.paths['/api/session']!.get!;
    expect(get.parameters?.map((p) => p.name)).toContain('optional');
    expect(JSON.stringify(get.responses['200']!.content['application/json']!.schema)).toContain('"signedIn"');
  });

  it('serves a page, not a 401, for app paths before the web is built', async () => {
    const res = await h.api('/stores/S001', { token: null });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
    expect((await h.api('/api/nothing-here', { token: null })).status).toBe(404);
  });
});

describe('serving the built web app', () => {
  let h: Harness;
  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const web = mkdtempSync(join(tmpdir(), 'storepulse-web-'));
    mkdirSync(join(web, '_app', 'immutable'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>storepulse app</title>');
    writeFileSync(join(web, '_app', 'immutable', 'start.js'), 'export {}');
    h = await startHarness({ env: { STOREPULSE_WEB_DIR: web } });
  });
  afterAll(() => h?.close());

  it('serves static assets and deep links without a token, with cache headers', async () => {
    const asset = await h.api('/_app/immutable/start.js', { token: null });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const path of ['/', '/wall', '/stores/S001']) {
      const page = await h.api(path, { token: null });
      expect(page.status, path).toBe(200);
      expect(await page.text()).toContain('storepulse app');
    }
    expect((await h.api('/api/stores', { token: null })).status).toBe(401);
  });

  it('lets a page served over plain http load its scripts over plain http', async () => {
    const page = await h.api('/wall', { token: null });
    await page.text();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    // Upgraded to https, every script of a server reached by address over http failed: a blank page.
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

describe('socket.io: authenticated, scoped, resynced', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  const connect = (auth: Record<string, string>, headers?: Record<string, string>) =>
    io(h.server.url, { auth, extraHeaders: headers, transports: ['websocket'], reconnection: false }) as import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>;

  it('refuses a socket without a valid token', async () => {
    const auths: Record<string, string>[] = [{}, { token: 'nope' }, { token: await h.issue('agent') }];
    for (const auth of auths) {
      const s = connect(auth);
      const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
      expect(err.message).toBe('unauthorized');
      s.close();
    }
  });

  it('ends a revoked token\'s sockets at once, and only those', async () => {
    const issued = (await (await h.api('/api/tokens', { method: 'POST', body: JSON.stringify({ role: 'provider', providerId: 'pilot', label: 'lost phone' }) })).json()) as { id: string; token: string };
    const lost = connect({ token: issued.token });
    const kept = connect({ token: await h.issue('hq-viewer') });
    await Promise.all([new Promise((r) => lost.once('snapshot', r)), new Promise((r) => kept.once('snapshot', r))]);
    const reason = new Promise<string>((r) => lost.once('disconnect', r));
    expect((await h.api(`/api/tokens/${issued.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await reason).toBe('io server disconnect');
    expect(kept.connected).toBe(true);
    const again = connect({ token: issued.token });
    expect((await new Promise<Error>((r) => again.once('connect_error', r))).message).toBe('unauthorized');
    for (const s of [lost, kept, again]) s.close();
  });

  it('gives a provider only its own stores, in the snapshot and in live events', async () => {
    const pilot = connect({ token: await h.issue('provider', { providerId: 'pilot' }) });
    const hq = connect({ token: await h.issue('hq-viewer') });
    const [pSnap, hSnap] = await Promise.all([
      new Promise<FleetSnapshot>((r) => pilot.once('snapshot', r)),
      new Promise<FleetSnapshot>((r) => hq.once('snapshot', r)),
    ]);
    expect(pSnap.stores.map((s) => s.id)).toEqual(['S001']);
    expect(hSnap.stores.map((s) => s.id).sort()).toEqual(['S001', 'S002']);

    const pilotSeen: string[] = [];
    pilot.on('store:state', (s) => pilotSeen.push(s.id));
    const hqSeen = new Promise<StoreSummary>((r) => hq.on('store:state', (s) => s.id === 'S002' && r(s)));
    const pilotS001 = new Promise<StoreSummary>((r) => pilot.on('store:state', (s) => s.id === 'S001' && r(s)));
    const payload = (id: string, name: string) => JSON.stringify({ ...S003, id, name, provider: id === 'S001' ? 'pilot' : 'other', currency: 'EUR', timezone: 'Europe/Madrid' });
    await h.api('/api/stores/S002', { method: 'PUT', body: payload('S002', 'Renamed') });
    await h.api('/api/stores/S001', { method: 'PUT', body: payload('S001', 'Renamed too') });
    expect((await hqSeen).name).toBe('Renamed');
    expect((await pilotS001).name).toBe('Renamed too');
    expect(pilotSeen).not.toContain('S002');
    pilot.close();
    hq.close();
  });

  it('compresses big messages such as a large fleet\'s snapshot on the websocket', async () => {
    const s = connect({ token: await h.issue('hq-viewer') });
    await new Promise((r) => s.once('snapshot', r));
    // What the server agreed to in the handshake: permessage-deflate, used for messages of 4 KB and more.
    const ws = (s.io.engine.transport as unknown as { ws: { extensions: string } }).ws;
    expect(ws.extensions).toContain('permessage-deflate');
    s.close();
  });

  it('authenticates by the session cookie and resyncs on demand', async () => {
    const token = await h.issue('hq-viewer');
    const s = connect({}, { cookie: `storepulse_token=${token}` });
    await new Promise((r) => s.once('snapshot', r));
    const again = await s.emitWithAck('sync');
    expect(again.stores.length).toBe(2);
    s.close();
  });
});

describe('provider scope follows the provider contracts', () => {
  let h: Harness;
  beforeAll(async () => {
    const { TWO_STORES_YAML } = await import('../support/harness.js');
    // "other" serves S002 by its config; "north" serves every store in Vladivostok by its contract.
    h = await startHarness({
      yaml: `${TWO_STORES_YAML}
providers:
  - { id: north, name: North Service, categories: [all], stores: [Vladivostok], sla: { P1: { response: 15m, resolve: 8h, clock: 24x7 } } }
hq: { currency: EUR, rates: { RUB: 0.0105 } }
`,
    });
  });
  afterAll(() => h?.close());

  it('tells the wall HQ\'s currency and rates in the summary and the incidents snapshot', async () => {
    const viewer = await h.issue('hq-viewer');
    const summary = (await (await h.api('/api/summary', { token: viewer })).json()) as { hq: unknown };
    expect(summary.hq).toEqual({ currency: 'EUR', rates: { RUB: 0.0105 } });
    const s = io(h.server.url, { auth: { token: viewer }, transports: ['websocket'], reconnection: false });
    const snap = await new Promise<{ hq: unknown }>((r) => s.once('incidents:snapshot', r));
    expect(snap.hq).toEqual({ currency: 'EUR', rates: { RUB: 0.0105 } });
    s.close();
  });

  it('lets a provider see the stores its contract lists by city, and no others', async () => {
    const north = await h.issue('provider', { providerId: 'north' });
    const list = (await (await h.api('/api/stores', { token: north })).json()) as StoreSummary[];
    expect(list.map((s) => s.id)).toEqual(['S002']);
    expect((await h.api('/api/stores/S001', { token: north })).status).toBe(404);
    // Who serves S002: "other" by the store's config, North by its contract for the city. A provider sees itself only.
    const viewer = await h.issue('hq-viewer');
    const served = (await (await h.api('/api/stores/S002', { token: viewer })).json()) as StoreDetail;
    expect(served.providers).toEqual([
      { id: 'other', name: 'other', categories: ['all'] },
      { id: 'north', name: 'North Service', categories: ['all'] },
    ]);
    const own = (await (await h.api('/api/stores/S002', { token: north })).json()) as StoreDetail;
    expect(own.providers).toEqual([{ id: 'north', name: 'North Service', categories: ['all'] }]);
    const s = io(h.server.url, { auth: { token: north }, transports: ['websocket'], reconnection: false });
    const snap = await new Promise<FleetSnapshot>((r) => s.once('snapshot', r));
    expect(snap.stores.map((x) => x.id)).toEqual(['S002']);
    s.close();
  });
});

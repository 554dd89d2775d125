import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { ADMIN_TOKEN, metricValue, startHarness, type Harness } from '../support/harness.js';

const COOKIE = `storepulse_token=${ADMIN_TOKEN}`;
const SAME_SITE = 'http://127.0.0.1:5999'; // another port on the same host: SameSite=Lax still sends the cookie
const PROXIED = { 'x-forwarded-host': 'hq.example.com', 'x-forwarded-proto': 'https' };

/** A state-changing call a browser page could make with the victim's cookie: issuing a token. */
function issueWithCookie(h: Harness, headers: Record<string, string>, path = '/api/tokens') {
  return h.api(path, { method: 'POST', token: null, headers: { cookie: COOKIE, ...headers }, body: JSON.stringify({ role: 'hq-viewer', label: 'csrf?' }) });
}

/** Opens a websocket with the session cookie, as a browser page would; 'live' once the snapshot arrives. */
function openSocket(h: Harness, headers: Record<string, string>): Promise<'live' | 'refused'> {
  const socket = io(h.server.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: COOKIE, ...headers } });
  return new Promise<'live' | 'refused'>((resolve) => {
    socket.once('snapshot', () => resolve('live'));
    socket.once('connect_error', () => resolve('refused'));
  }).finally(() => socket.close());
}

async function authFailures(h: Harness, channel: string): Promise<number> {
  return metricValue(await (await h.api('/metrics')).text(), 'storepulse_auth_failures_total', { channel });
}

describe('Origin policy for the session cookie (HTTP and socket.io)', () => {
  let direct: Harness;
  let proxied: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    [direct, proxied] = await Promise.all([
      startHarness({ env: { ALLOWED_ORIGINS: 'http://localhost:5173/, https://ops.example.com' }, logger }),
      startHarness({ env: { TRUST_PROXY: 'loopback' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), proxied?.close()]);
  });

  it('takes a cookie POST from the server\'s own origin and refuses one from a same-site page, with a JSON 403', async () => {
    expect((await issueWithCookie(direct, { origin: direct.server.url })).status).toBe(201);
    const before = await authFailures(direct, 'http');
    const refused = await issueWithCookie(direct, { origin: SAME_SITE });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/ALLOWED_ORIGINS/) });
    // A percent-encoded path reaches the same route, and the same check.
    expect((await issueWithCookie(direct, { origin: SAME_SITE }, '/%61pi/tokens')).status).toBe(403);
    expect((await issueWithCookie(direct, { origin: 'null' })).status).toBe(403);
    expect(await authFailures(direct, 'http')).toBe(before + 3);
  });

  it('logs a refusal with its origin and never the cookie\'s token', async () => {
    await issueWithCookie(direct, { origin: 'http://127.0.0.1:6001' });
    const refusals = logLines.filter((l) => l.includes('refused a cross-origin API request'));
    expect(refusals.some((l) => l.includes('"origin":"http://127.0.0.1:6001"'))).toBe(true);
    expect(logLines.filter((l) => l.includes(ADMIN_TOKEN))).toEqual([]);
  });

  it('opens a cookie socket from the server\'s own origin and refuses the handshake from a same-site page', async () => {
    expect(await openSocket(direct, { origin: direct.server.url })).toBe('live');
    const before = await authFailures(direct, 'socket');
    expect(await openSocket(direct, { origin: SAME_SITE })).toBe('refused');
    const polling = await fetch(`${direct.server.url}/socket.io/?EIO=4&transport=polling`, { headers: { cookie: COOKIE, origin: SAME_SITE } });
    expect(polling.status).toBe(403);
    expect(await polling.json()).toEqual({ code: 4, message: 'origin not allowed' });
    expect(await authFailures(direct, 'socket')).toBe(before + 2);
    expect(logLines.some((l) => l.includes('live: refused a handshake') && l.includes(SAME_SITE))).toBe(true);
  });

  it('accepts the origins ALLOWED_ORIGINS lists, and only those', async () => {
    for (const origin of ['http://localhost:5173', 'https://ops.example.com']) {
      expect((await issueWithCookie(direct, { origin })).status, origin).toBe(201);
      expect(await openSocket(direct, { origin }), origin).toBe('live');
    }
    expect((await issueWithCookie(direct, { origin: 'https://ops.example.com:8443' })).status).toBe(403);
    expect(await openSocket(direct, { origin: 'http://localhost:5174' })).toBe('refused');
  });

  it('does not check a Bearer call without the cookie, which no page can forge; with the cookie it does', async () => {
    const body = JSON.stringify({ role: 'hq-viewer', label: 'script' });
    expect((await direct.api('/api/tokens', { method: 'POST', body, headers: { origin: SAME_SITE } })).status).toBe(201);
    expect((await direct.api('/api/tokens', { method: 'POST', body, headers: { origin: SAME_SITE, cookie: COOKIE } })).status).toBe(403);
  });

  it('lets clients that send no Origin (curl, agents) through, where a foreign Origin is refused', async () => {
    expect((await issueWithCookie(direct, {})).status).toBe(201);
    expect(await openSocket(direct, {})).toBe('live');
    expect((await issueWithCookie(direct, { origin: SAME_SITE })).status).toBe(403);
    // Sign-in too: another page must not sign the browser in as someone else.
    const signIn = (headers: Record<string, string>) => direct.api('/api/session', { method: 'POST', token: null, headers, body: JSON.stringify({ token: ADMIN_TOKEN }) });
    expect((await signIn({})).status).toBe(204);
    expect((await signIn({ origin: SAME_SITE })).status).toBe(403);
  });

  it('behind a trusted proxy, takes the forwarded host and protocol as its own origin', async () => {
    expect((await issueWithCookie(proxied, { ...PROXIED, origin: 'https://hq.example.com' })).status).toBe(201);
    expect(await openSocket(proxied, { ...PROXIED, origin: 'https://hq.example.com' })).toBe('live');
    // The address the proxy reached the server at is not the page's origin any more.
    expect((await issueWithCookie(proxied, { ...PROXIED, origin: proxied.server.url })).status).toBe(403);
    expect(await openSocket(proxied, { ...PROXIED, origin: proxied.server.url })).toBe('refused');
  });

  it('takes its own host over https too, as behind a TLS proxy that keeps Host but is not in TRUST_PROXY', async () => {
    const https = direct.server.url.replace(/^http:/, 'https:');
    expect((await issueWithCookie(direct, { origin: https })).status).toBe(201);
    expect(await openSocket(direct, { origin: https })).toBe('live');
    // The host must still match, port included.
    expect((await issueWithCookie(direct, { origin: SAME_SITE.replace(/^http:/, 'https:') })).status).toBe(403);
  });

  it('ignores X-Forwarded-Host and -Proto from a peer that is not a trusted proxy', async () => {
    expect((await issueWithCookie(direct, { ...PROXIED, origin: 'https://hq.example.com' })).status).toBe(403);
    expect(await openSocket(direct, { ...PROXIED, origin: 'https://hq.example.com' })).toBe('refused');
    expect((await issueWithCookie(direct, { ...PROXIED, origin: direct.server.url })).status).toBe(201);
    expect(await openSocket(direct, { ...PROXIED, origin: direct.server.url })).toBe('live');
  });
});

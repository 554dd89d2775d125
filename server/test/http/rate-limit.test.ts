import { pino } from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, metricValue, startHarness, type Harness } from '../support/harness.js';

/** Bad sign-ins from one client, each with the X-Forwarded-For address given for it. */
async function signIns(h: Harness, n: number, forwardedFor: (i: number) => string): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await h.api('/api/session', { method: 'POST', token: null, body: JSON.stringify({ token: 'sp_guess' }), headers: { 'x-forwarded-for': forwardedFor(i) } });
    codes.push(res.status);
  }
  return codes;
}

/** socket.io handshakes from one client, one after the other, each with the X-Forwarded-For address given for it. */
async function handshakes(h: Harness, n: number, forwardedFor: (i: number) => string): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < n; i++) {
    const socket = io(h.server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: ADMIN_TOKEN }, extraHeaders: { 'x-forwarded-for': forwardedFor(i) } });
    outcomes.push(await new Promise<string>((resolve) => {
      socket.once('snapshot', () => resolve('live'));
      socket.once('connect_error', () => resolve('refused'));
    }).finally(() => socket.close()));
  }
  return outcomes;
}

describe('rate limit by client address', () => {
  let direct: Harness;
  let proxied: Harness;
  const logLines: Array<{ level: number; msg: string; address?: string; max?: number }> = [];
  beforeAll(async () => {
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(JSON.parse(line)) });
    [direct, proxied] = await Promise.all([
      startHarness({ env: { RATE_LIMIT_MAX: '3', SOCKET_RATE_LIMIT_MAX: '3' }, logger }),
      startHarness({ env: { RATE_LIMIT_MAX: '3', SOCKET_RATE_LIMIT_MAX: '3', TRUST_PROXY: 'loopback' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([direct?.close(), proxied?.close()]);
  });

  it('ignores X-Forwarded-For from a client that is not a trusted proxy, so a made-up address buys no more tries', async () => {
    expect(await signIns(direct, 5, (i) => `203.0.113.${i + 1}`)).toEqual([401, 401, 401, 429, 429]);
  });

  it('behind a trusted proxy, limits each forwarded client on its own', async () => {
    expect(await signIns(proxied, 4, (i) => `198.51.100.${i + 1}`)).toEqual([401, 401, 401, 401]);
    expect(await signIns(proxied, 4, () => '198.51.100.200')).toEqual([401, 401, 401, 429]);
  });

  it('counts an IPv6 client by its /64, so rotating addresses within it buys no more tries', async () => {
    expect(await signIns(proxied, 4, (i) => `2001:db8:7:1::${i + 1}`)).toEqual([401, 401, 401, 429]);
    expect(await signIns(proxied, 1, () => '2001:db8:7:2::1')).toEqual([401]);
  });

  it('limits socket.io handshakes the same way, counts the refused ones and logs the first of each minute', async () => {
    expect(await handshakes(direct, 5, (i) => `203.0.113.${i + 1}`)).toEqual(['live', 'live', 'live', 'refused', 'refused']);
    // From the registry: this address has used up its HTTP requests too.
    expect(metricValue(await direct.server.metrics.registry.metrics(), 'storepulse_live_handshakes_limited_total')).toBe(2);
    expect(logLines.filter((l) => l.msg.startsWith('live: too many handshakes'))).toEqual([
      expect.objectContaining({ level: 40, address: '127.0.0.1', max: 3 }),
    ]);
  });

  it('behind a trusted proxy, limits the handshakes of each forwarded client on its own', async () => {
    expect(await handshakes(proxied, 4, (i) => `192.0.2.${i + 1}`)).toEqual(['live', 'live', 'live', 'live']);
    expect(await handshakes(proxied, 4, () => '192.0.2.200')).toEqual(['live', 'live', 'live', 'refused']);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

/** Bad sign-ins from one client, each with the X-Forwarded-For address given for it. */
async function signIns(h: Harness, n: number, forwardedFor: (i: number) => string): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await h.api('/api/session', { method: 'POST', token: null, body: JSON.stringify({ token: 'sp_guess' }), headers: { 'x-forwarded-for': forwardedFor(i) } });
    codes.push(res.status);
  }
  return codes;
}

describe('rate limit by client address', () => {
  let direct: Harness;
  let proxied: Harness;
  beforeAll(async () => {
    [direct, proxied] = await Promise.all([
      startHarness({ env: { RATE_LIMIT_MAX: '3' } }),
      startHarness({ env: { RATE_LIMIT_MAX: '3', TRUST_PROXY: 'loopback' } }),
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
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { startServer } from '../../src/index.js';
import { TWO_STORES_YAML } from '../support/harness.js';

it('takes the generated first admin token as STOREPULSE_ADMIN_TOKEN, and refuses another role\'s token there by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-admin-'));
  writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
  const env = (adminToken?: string) => ({
    PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
    STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_WEB_DIR: join(dir, 'no-web'), ...(adminToken ? { STOREPULSE_ADMIN_TOKEN: adminToken } : {}),
  });
  const logger = pino({ level: 'silent' });
  const first = await startServer({ env: env(), logger });
  const generated = first.generatedAdminToken!;
  const viewer = first.auth.issue({ role: 'hq-viewer', label: 'wall screen' }).token;
  await first.close();

  // The admin keeps the printed token in the environment from now on.
  const second = await startServer({ env: env(generated), logger });
  const res = await fetch(`${second.url}/api/tokens`, { headers: { authorization: `Bearer ${generated}` } });
  expect(res.status).toBe(200);
  await second.close();

  // A viewer's token is no admin's: refused as configuration, naming the token but never its value, before anything
  // starts (no telemetry store is opened, nothing listens).
  rmSync(join(dir, 'data', 'telemetry.db'), { force: true });
  const refused = await startServer({ env: env(viewer), logger }).then(() => null, (err: unknown) => err);
  expect(existsSync(join(dir, 'data', 'telemetry.db'))).toBe(false);
  expect(refused).toBeInstanceOf(ConfigError);
  expect((refused as ConfigError).problems).toEqual(['STOREPULSE_ADMIN_TOKEN: is already an hq-viewer token ("wall screen"); choose a new value']);
  expect((refused as Error).message).not.toContain(viewer);

  // The refused start closed the database behind it: the next one opens it.
  const third = await startServer({ env: env(), logger });
  expect(third.generatedAdminToken).toBeNull();
  await third.close();
});

it('says which port is taken, and keeps no unshown first admin token when the start fails there', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-port-'));
  writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = String((taken.address() as AddressInfo).port);
  const env = (httpPort: string) => ({
    PORT: httpPort, HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
    STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_WEB_DIR: join(dir, 'no-web'),
  });
  const logger = pino({ level: 'silent' });
  try {
    const refused = await startServer({ env: env(port), logger }).then(() => null, (err: unknown) => err);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems).toEqual([`PORT: ${port} is already in use on 127.0.0.1 (another program, or storepulse running already); set PORT to a free port`]);
  } finally {
    taken.close();
  }
  // The token generated on the way was never printed: the next start generates one to show.
  const next = await startServer({ env: env('0'), logger });
  try {
    expect(next.generatedAdminToken).toMatch(/^sp_/);
  } finally {
    await next.close();
  }
});

it('never revokes the last hq-admin token, and a revoked STOREPULSE_ADMIN_TOKEN stays revoked across restarts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-revoke-admin-'));
  writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
  const env = (adminToken: string) => ({
    PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
    STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_WEB_DIR: join(dir, 'no-web'), STOREPULSE_ADMIN_TOKEN: adminToken,
  });
  const logger = pino({ level: 'silent' });
  const leaked = 'leaked-admin-token-0123456789';
  const server = await startServer({ env: env(leaked), logger });
  const api = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  let other: string;
  try {
    // Alone, it cannot go: nobody could issue a token after it.
    const last = await api('/api/tokens/env-admin', leaked, { method: 'DELETE' });
    expect(last.status).toBe(409);
    expect(((await last.json()) as { message: string }).message).toMatch(/last active hq-admin token/);
    other = ((await (await api('/api/tokens', leaked, { method: 'POST', body: JSON.stringify({ role: 'hq-admin', label: 'ops lead' }) })).json()) as { token: string }).token;
    expect((await api('/api/tokens/env-admin', other, { method: 'DELETE' })).status).toBe(204);
    expect((await api('/api/tokens', leaked)).status).toBe(401);
  } finally {
    await server.close();
  }

  // The same value in the environment would bring it back: refused, naming when it was revoked but never the value.
  const refused = await startServer({ env: env(leaked), logger }).then(() => null, (err: unknown) => err);
  expect(refused).toBeInstanceOf(ConfigError);
  expect((refused as ConfigError).problems).toEqual([expect.stringMatching(/^STOREPULSE_ADMIN_TOKEN: was revoked \(\d{4}-\d\d-\d\dT[\d:.]+Z\); choose a new value$/)]);
  expect((refused as Error).message).not.toContain(leaked);

  // A new value is installed; the admin issued meanwhile still works.
  const rotated = 'rotated-admin-token-0123456789';
  const next = await startServer({ env: env(rotated), logger });
  try {
    for (const token of [rotated, other]) {
      expect((await fetch(`${next.url}/api/tokens`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
    expect((await fetch(`${next.url}/api/tokens`, { headers: { authorization: `Bearer ${leaked}` } })).status).toBe(401);
  } finally {
    await next.close();
  }
});

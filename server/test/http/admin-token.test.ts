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

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { TWO_STORES_YAML } from '../support/harness.js';

const startJs = fileURLToPath(new URL('../../dist/bin/start.js', import.meta.url));

it('finishes its shutdown when a second signal comes during it, keeping what it had not written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-shutdown-'));
  writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
  // InfluxDB is down: the store-state points of the start are spooled to disk on shutdown, which takes a while.
  const child = spawn(process.execPath, [startJs], {
    env: {
      PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0',
      INFLUX_URL: `http://127.0.0.1:${await freePort()}`, STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
      STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_WEB_DIR: join(dir, 'no-web'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start line:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      if (out.includes('"msg":"storepulse is running"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  const spool = join(dir, 'data', 'influx-spool');
  expect(existsSync(spool) ? readdirSync(spool).length : 0, out).toBeGreaterThan(0);
}, 40_000);

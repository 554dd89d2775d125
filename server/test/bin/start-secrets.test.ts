import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { TWO_STORES_YAML } from '../support/harness.js';

const startJs = fileURLToPath(new URL('../../dist/bin/start.js', import.meta.url));
const PASSWORD = 'broker-pw-must-not-be-logged';

describe('npm start with the broker password in MQTT_URL', () => {
  let mosquitto: MosquittoHandle;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(() => mosquitto?.stop());

  it('says where agents publish without the password, on stdout and in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-start-'));
    writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
    const child = spawn(process.execPath, [startJs], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        MQTT_URL: `mqtt://srv:${PASSWORD}@127.0.0.1:${mosquitto.port}`,
        STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
        STOREPULSE_DATA_DIR: join(dir, 'data'),
        STOREPULSE_WEB_DIR: join(dir, 'no-web'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line:\n${out}`)), 20_000);
        // The log is written asynchronously: wait for both lines.
        child.stdout.on('data', () => {
          if (out.includes('storepulse: agents publish to') && out.includes('"msg":"storepulse is running"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(out).toContain(`storepulse: agents publish to mqtt://127.0.0.1:${mosquitto.port}`);
      expect(out).toMatch(/"mqtt":"mqtt:\/\/127\.0\.0\.1:\d+"/);
      expect(out).not.toContain(PASSWORD);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 30_000);
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { listenConfigError } from '../../src/config/listen-error.js';
import { startServer } from '../../src/index.js';
import { TWO_STORES_YAML } from '../support/harness.js';

// TEST-NET-1: never an address of this machine.
const FOREIGN = '192.0.2.1';

describe('a start that cannot listen or write says which setting to change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-startup-'));
  writeFileSync(join(dir, 'storepulse.yaml'), TWO_STORES_YAML);
  const problemsOf = async (over: Record<string, string>) => {
    const env = {
      PORT: '0', HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', STOREPULSE_CONFIG: join(dir, 'storepulse.yaml'),
      STOREPULSE_DATA_DIR: join(dir, 'data'), STOREPULSE_WEB_DIR: join(dir, 'no-web'), ...over,
    };
    const err = await startServer({ env, logger: pino({ level: 'silent' }) }).then(async (s) => (await s.close(), null), (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  };

  it('names HOST and MQTT_HOST when they are not addresses of this machine', async () => {
    expect(await problemsOf({ HOST: FOREIGN })).toEqual([`HOST: ${FOREIGN} is not an address of this machine; set HOST to one of its addresses, or 0.0.0.0 for all`]);
    expect(await problemsOf({ MQTT_HOST: FOREIGN })).toEqual([`MQTT_HOST: ${FOREIGN} is not an address of this machine; set MQTT_HOST to one of its addresses, or 0.0.0.0 for all`]);
  });

  it('names the port when it needs privileges', () => {
    // Not listened for: as root, which tests may run as, a low port is allowed.
    const err = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES' });
    expect(listenConfigError(err, { name: 'PORT', value: 80 }, { name: 'HOST', value: '0.0.0.0' })?.problems).toEqual([
      'PORT: 80 needs privileges this process does not have (ports below 1024 usually do); set PORT to 1024 or above',
    ]);
  });

  it('names STOREPULSE_DATA_DIR when the server cannot write there', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    expect(await problemsOf({ STOREPULSE_DATA_DIR: join(file, 'data') })).toEqual([expect.stringMatching(/^STOREPULSE_DATA_DIR: the server cannot write its state in .*a-file\/data \(ENOTDIR/)]);
  });
});

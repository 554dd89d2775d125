import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSecretFile } from '../src/agent/credentials.js';
import { PushServer } from '../src/agent/counters/push-server.js';

describe('secret files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-secret-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    chmodSync(path, 0o600);
    return path;
  };

  it('reads the secret without its line end', async () => {
    expect(await readSecretFile(file('ok', 's3cret\n'))).toEqual({ secret: 's3cret', exposed: null });
  });

  it('refuses an empty or blank file by name, rather than take an empty secret', async () => {
    for (const [name, text] of [['empty', ''], ['blank', ' \n\t\n']] as const) {
      await expect(readSecretFile(file(name, text)), name).rejects.toThrow(`${join(dir, name)} is empty: write the secret in it`);
    }
  });

  it('a push server refuses an empty token: it would let an empty ?token= in', () => {
    const opts = { host: '127.0.0.1', port: 0, counters: [], onBins: async () => [], logger: { warn: () => {}, error: () => {} } };
    expect(() => new PushServer({ ...opts, token: '' })).toThrow('the push token is empty');
    expect(() => new PushServer({ ...opts, token: 'x' })).not.toThrow();
  });
});

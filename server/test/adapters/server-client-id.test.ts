import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverClientId } from '../../src/adapters/mqtt/server-client-id.js';

describe("the server's MQTT client id when MQTT_CLIENT_ID sets none", () => {
  it('is made once, unguessable, kept in the data directory for the next start and readable by the server alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-client-id-'));
    const id = serverClientId(dir);
    expect(id).toMatch(/^storepulse-server-[0-9a-f]{24}$/);
    // The broker's session for the server outlives a restart only under the same id.
    expect(serverClientId(dir)).toBe(id);
    expect(readFileSync(join(dir, 'mqtt-client-id'), 'utf8').trim()).toBe(id);
    expect(statSync(join(dir, 'mqtt-client-id')).mode & 0o777).toBe(0o600);
    // Another installation gets another id: no agent can know it in advance.
    expect(serverClientId(mkdtempSync(join(tmpdir(), 'storepulse-client-id-')))).not.toBe(id);
  });

  it('makes a new one in place of a file that does not hold one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-client-id-'));
    writeFileSync(join(dir, 'mqtt-client-id'), 'storepulse-server\n');
    const id = serverClientId(dir);
    expect(id).toMatch(/^storepulse-server-[0-9a-f]{24}$/);
    expect(serverClientId(dir)).toBe(id);
  });
});

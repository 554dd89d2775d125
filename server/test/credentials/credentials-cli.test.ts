import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentAclBlock } from '../../src/credentials/agent-credentials.js';
import { runCredentialsCli } from '../../src/credentials/cli.js';
import { hashMosquittoPassword, verifyMosquittoPassword } from '../../src/credentials/mosquitto-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'storepulse-cred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCredentialsCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env });
  return { code, out, err };
}

describe('mosquitto password hashes', () => {
  it("matches mosquitto_passwd's PBKDF2-SHA512 format for a known salt", () => {
    // Produced by `mosquitto_passwd -b` (Mosquitto 2.0.11) for the password "secret".
    const known = '$7$101$ur3kL1BdDpJEviG8$RfJ+r5ABsI4FjKGysULv1JSQqfyvIs9I44RGjvfNiqbBu2mLozZZqHQavCKDj9toXwDf/Laa6KxQI2PcuHGwJA==';
    expect(hashMosquittoPassword('secret', Buffer.from('ur3kL1BdDpJEviG8', 'base64'))).toBe(known);
    expect(verifyMosquittoPassword('secret', known)).toBe(true);
    expect(verifyMosquittoPassword('Secret', known)).toBe(false);
    expect(verifyMosquittoPassword('secret', 'plain')).toBe(false);
  });
});

describe('storepulse-credentials', () => {
  it('stores only a hash, adds an ACL block scoped to the store, and reads paths from the environment', () => {
    const env = { MOSQUITTO_PASSWORD_FILE: join(dir, 'passwd'), MOSQUITTO_ACL_FILE: join(dir, 'acl') };
    writeFileSync(env.MOSQUITTO_PASSWORD_FILE, '');
    writeFileSync(env.MOSQUITTO_ACL_FILE, 'user storepulse-server\ntopic readwrite storepulse/v1/#\n');
    const res = run(['add-agent', 'madrid-01'], env);
    expect(res.code).toBe(0);
    const password = res.out[1]!.replace('password=', '');
    const passwd = readFileSync(env.MOSQUITTO_PASSWORD_FILE, 'utf8');
    expect(passwd).not.toContain(password);
    expect(verifyMosquittoPassword(password, passwd.trim().split(':')[1]!)).toBe(true);
    expect(readFileSync(env.MOSQUITTO_ACL_FILE, 'utf8')).toBe(
      `user storepulse-server\ntopic readwrite storepulse/v1/#\n\n${agentAclBlock('madrid-01').join('\n')}\n`,
    );
    expect(agentAclBlock('madrid-01')).toEqual(['user agent-madrid-01', 'topic write storepulse/v1/stores/madrid-01/#']);
    expect(run(['revoke-agent', 'madrid-01'], env).code).toBe(0);
    expect(readFileSync(env.MOSQUITTO_ACL_FILE, 'utf8')).toBe('user storepulse-server\ntopic readwrite storepulse/v1/#\n');
    expect(readFileSync(env.MOSQUITTO_PASSWORD_FILE, 'utf8')).toBe('');
  });

  it('refuses bad input with a message and a non-zero exit code', () => {
    const files = ['--password-file', join(dir, 'p2'), '--acl-file', join(dir, 'a2')];
    writeFileSync(join(dir, 'p2'), '');
    writeFileSync(join(dir, 'a2'), '');
    expect(run(['add-agent', 'bad/store', ...files])).toMatchObject({ code: 1, err: [expect.stringMatching(/not a valid store id/)] });
    expect(run(['add-agent', 'x+#', ...files]).code).toBe(1);
    expect(run(['add-agent', ...files]).code).toBe(2);
    expect(run(['frobnicate', ...files]).code).toBe(2);
    expect(run(['add-agent', 's1', '--bogus']).code).toBe(2);
    expect(run(['revoke-agent', 'nobody', ...files])).toMatchObject({ code: 1, err: ['no agent user for store nobody'] });
    expect(run(['add-agent', 's1', '--password-file', join(dir, 'missing'), '--acl-file', join(dir, 'a2')]).code).toBe(1);
    expect(run([]).code).toBe(2);
    expect(run(['--help']).code).toBe(0);
  });
});

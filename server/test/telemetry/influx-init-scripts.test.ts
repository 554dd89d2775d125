/**
 * deploy/influxdb's init scripts, run with bash against a stand-in `influx` CLI that records every call and
 * answers like InfluxDB 2.7's for the buckets and v1 users it has been told about. No InfluxDB 2.x runs here
 * (the tests' influxd is 1.6.7), so this proves what the scripts ask for, not what InfluxDB grants.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const deploy = fileURLToPath(new URL('../../../deploy/influxdb/', import.meta.url));
const ENV = {
  DOCKER_INFLUXDB_INIT_BUCKET: 'storepulse',
  DOCKER_INFLUXDB_INIT_ORG: 'storepulse',
  INFLUX_ROLLUP_RETENTION: '400d',
  STOREPULSE_INFLUX_PASSWORD: 'storepulse-password-for-tests',
  GRAFANA_INFLUX_PASSWORD: 'grafana-password-for-tests',
};

/** Records its arguments, one JSON array a line; `bucket create` and `v1 auth create` add to its state. */
const FAKE_INFLUX = `#!/bin/bash
set -eu
state="$FAKE_INFLUX_DIR"
node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@" >> "$state/calls"
case "$1 $2" in
  "bucket list") name="$4"; grep -P "\\t$name\\$" "$state/buckets" || { echo "Error: bucket \\"$name\\" not found" >&2; exit 1; } ;;
  "bucket create") name="$4"; id="id-$name"; printf '%s\\t%s\\n' "$id" "$name" >> "$state/buckets"; printf '%s\\t%s\\t9600h0m0s\\n' "$id" "$name" ;;
  "v1 dbrp") ;;
  "v1 auth")
    case "$3" in
      list) [ "$4" = --username ] && grep -x -- "$5" "$state/users" | sed 's/^\\(.*\\)$/auth-\\1\\tdescription\\t\\1/' || true ;;
      create) while [ $# -gt 0 ]; do [ "$1" = --username ] && echo "$2" >> "$state/users"; shift; done ;;
      delete) [ "$4" = --id ] && { grep -vx -- "\${5#auth-}" "$state/users" > "$state/users.new" || true; mv "$state/users.new" "$state/users"; } ;;
    esac ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'storepulse-influx-init-'));
  writeFileSync(join(dir, 'influx'), FAKE_INFLUX);
  chmodSync(join(dir, 'influx'), 0o755);
  // The setup bucket exists already when the init scripts run.
  writeFileSync(join(dir, 'buckets'), 'id-storepulse\tstorepulse\n');
  writeFileSync(join(dir, 'users'), '');
  writeFileSync(join(dir, 'calls'), '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function runScript(name: string, env: Record<string, string> = ENV): Promise<void> {
  await run('bash', [join(deploy, name)], { env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, FAKE_INFLUX_DIR: dir, ...env } });
}

function calls(): string[][] {
  return readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
}

/** The values of every occurrence of `flag` in a call. */
function flagValues(call: string[], flag: string): string[] {
  return call.flatMap((a, i) => (a === flag ? [call[i + 1]!] : []));
}

describe('InfluxDB init scripts', () => {
  it('gives storepulse read and write on both buckets and Grafana only read, with the passwords from .env', async () => {
    await runScript('storepulse-buckets.sh');
    await runScript('storepulse-users.sh');
    const creates = calls().filter((c) => c[0] === 'v1' && c[1] === 'auth' && c[2] === 'create');
    expect(creates.map((c) => flagValues(c, '--username')[0])).toEqual(['storepulse', 'grafana']);
    const [storepulse, grafana] = creates as [string[], string[]];
    expect(flagValues(storepulse, '--password')).toEqual([ENV.STOREPULSE_INFLUX_PASSWORD]);
    expect(flagValues(storepulse, '--read-bucket').sort()).toEqual(['id-storepulse', 'id-storepulse_rollup']);
    expect(flagValues(storepulse, '--write-bucket').sort()).toEqual(['id-storepulse', 'id-storepulse_rollup']);
    expect(flagValues(grafana, '--password')).toEqual([ENV.GRAFANA_INFLUX_PASSWORD]);
    expect(flagValues(grafana, '--read-bucket').sort()).toEqual(['id-storepulse', 'id-storepulse_rollup']);
    // Nothing but the bucket rights: no write, no all-access, no operator, no other resource.
    const rights = (c: string[]) => c.filter((a) => /^--(read|write|all|operator)/.test(a));
    expect(rights(grafana)).toEqual(['--read-bucket', '--read-bucket']);
    expect(rights(storepulse).sort()).toEqual(['--read-bucket', '--read-bucket', '--write-bucket', '--write-bucket']);
    // No API token is made: the admin token stays the only one.
    expect(calls().filter((c) => c[0] === 'auth')).toEqual([]);
  });

  it('run again, makes the users anew: the new passwords, and rights on the buckets as they are now', async () => {
    await runScript('storepulse-buckets.sh');
    await runScript('storepulse-users.sh');
    // The rollup bucket was deleted and made again: it has a new id, which rights made before do not name.
    writeFileSync(join(dir, 'buckets'), 'id-storepulse\tstorepulse\nid2-storepulse_rollup\tstorepulse_rollup\n');
    writeFileSync(join(dir, 'calls'), '');
    await runScript('storepulse-users.sh', { ...ENV, GRAFANA_INFLUX_PASSWORD: 'a-new-grafana-password' });
    const auth = calls().filter((c) => c[0] === 'v1' && c[1] === 'auth' && c[2] !== 'list');
    expect(auth.map((c) => [c[2], flagValues(c, c[2] === 'delete' ? '--id' : '--username')[0]])).toEqual([
      ['delete', 'auth-storepulse'], ['create', 'storepulse'], ['delete', 'auth-grafana'], ['create', 'grafana'],
    ]);
    const [, storepulse, , grafana] = auth as [string[], string[], string[], string[]];
    expect(flagValues(storepulse, '--password')).toEqual([ENV.STOREPULSE_INFLUX_PASSWORD]);
    expect(flagValues(storepulse, '--write-bucket').sort()).toEqual(['id-storepulse', 'id2-storepulse_rollup']);
    expect(flagValues(grafana, '--password')).toEqual(['a-new-grafana-password']);
    expect(flagValues(grafana, '--read-bucket').sort()).toEqual(['id-storepulse', 'id2-storepulse_rollup']);
    expect(readFileSync(join(dir, 'users'), 'utf8').trim().split('\n')).toEqual(['storepulse', 'grafana']);
  });

  it('refuses to run without the passwords, naming the missing one, before touching InfluxDB', async () => {
    const { GRAFANA_INFLUX_PASSWORD: _, ...without } = ENV;
    await expect(runScript('storepulse-users.sh', without)).rejects.toMatchObject({ stderr: expect.stringContaining('set GRAFANA_INFLUX_PASSWORD in .env') });
    expect(calls()).toEqual([]);
  });
});

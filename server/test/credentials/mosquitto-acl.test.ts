/**
 * Runs deploy/mosquitto/init.sh and then Mosquitto with deploy/mosquitto's own config on the files it made (only
 * paths and port changed), issues agent credentials through the CLI, and proves who may connect, publish and
 * subscribe, and that the files are as Mosquitto wants them yet writable by the server container's user.
 */
import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { topics } from '@storepulse/protocol';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { waitFor } from '../../../test-support/ports.js';
import { runCredentialsCli } from '../../src/credentials/cli.js';

const run = promisify(execFile);
const deploy = fileURLToPath(new URL('../../../deploy/mosquitto/', import.meta.url));
/** The CLI the image links as storepulse-credentials, and the built packages it runs from. */
const serverDist = fileURLToPath(new URL('../../dist/', import.meta.url));
const protocolDir = fileURLToPath(new URL('../../../protocol/', import.meta.url));
const SERVER_PASSWORD = 'server-password-for-tests';
const HEALTH_PASSWORD = 'health-password-for-tests';
/** The storepulse image's `node` user. */
const NODE_UID = 1000;

let broker: MosquittoHandle;
/** Stands for the broker container's /mosquitto: config (deploy/mosquitto), auth and data. */
let base: string;
let auth: string;
let mosquittoUser: { uid: number; gid: number };
const clients: MqttClient[] = [];
const agents: Record<string, string> = {};

function cli(args: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCredentialsCli([...args, '--password-file', join(auth, 'passwd'), '--acl-file', join(auth, 'acl')], {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: {},
  });
  return { code, out, err };
}

function issue(storeId: string): string {
  const res = cli(['add-agent', storeId]);
  expect(res.code).toBe(0);
  return res.out.find((l) => l.startsWith('password='))!.slice('password='.length);
}

async function connect(username?: string, password?: string): Promise<MqttClient> {
  // MQTT 5, so that a denied publish comes back as an explicit "Not authorized".
  const c = await connectAsync(broker.url, { username, password, reconnectPeriod: 0, connectTimeout: 5000, clean: true, protocolVersion: 5 });
  clients.push(c);
  return c;
}

async function refused(username?: string, password?: string): Promise<string> {
  try {
    const c = await connect(username, password);
    await c.endAsync();
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  }
}

/** The production config with its container paths pointed at this test's directories. */
function productionConfig(): string {
  return readFileSync(join(deploy, 'mosquitto.conf'), 'utf8')
    .replace(/^listener 1883$/m, 'listener {{PORT}} 127.0.0.1')
    .replaceAll('/mosquitto/', `${base}/`);
}

/** deploy/mosquitto/init.sh with its container paths pointed at `dir`, run as the broker container runs it, all but its final exec. */
async function runInit(dir: string, env: Record<string, string> = {}): Promise<void> {
  const script = readFileSync(join(deploy, 'init.sh'), 'utf8');
  const final = /^exec mosquitto -c \/mosquitto\/config\/mosquitto\.conf$/m;
  expect(script).toMatch(final);
  writeFileSync(join(dir, 'init.sh'), script.replace(final, 'exit 0').replaceAll('/mosquitto/', `${dir}/`));
  // No reload watcher here: it would outlive the script, signalling a pid that has gone (its own test starts one).
  await run('sh', [join(dir, 'init.sh')], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MQTT_SERVER_PASSWORD: SERVER_PASSWORD, MQTT_HEALTH_PASSWORD: HEALTH_PASSWORD, MOSQUITTO_RELOAD_SECONDS: '0', ...env },
  });
}

/** A fresh stand-in for the broker container's /mosquitto, with the config folder mounted from deploy/. */
function brokerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-mosquitto-'));
  // The broker drops from root to its own user, which must reach the folders inside.
  chmodSync(dir, 0o755);
  cpSync(deploy, join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, 'data'));
  return dir;
}

/**
 * The CLI laid out under `dir` as in the image's /app, readable by anyone: uid 1000 may not be able to reach this
 * checkout (a clone inside /root, or in a mktemp folder, is closed to other users).
 */
function portableCli(dir: string): string {
  const app = join(dir, 'app');
  for (const part of ['bin/storepulse-credentials.js', 'credentials']) cpSync(join(serverDist, part), join(app, 'server/dist', part), { recursive: true });
  writeFileSync(join(app, 'server/package.json'), JSON.stringify({ type: 'module' }));
  const protocol = join(app, 'node_modules/@storepulse/protocol');
  cpSync(join(protocolDir, 'dist'), join(protocol, 'dist'), { recursive: true });
  cpSync(join(protocolDir, 'package.json'), join(protocol, 'package.json'));
  return join(app, 'server/dist/bin/storepulse-credentials.js');
}
let credentialsJs: string;

/** The CLI run as the storepulse container runs it: uid 1000, with the broker's group when `group` (compose group_add). */
async function cliAsNode(group: boolean, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const drop = `process.setgroups(${group ? `[${mosquittoUser.gid}]` : '[]'}); process.setgid(${NODE_UID}); process.setuid(${NODE_UID});
    process.argv = [process.argv[0], ${JSON.stringify(credentialsJs)}, ...process.argv.slice(1)]; await import(${JSON.stringify(credentialsJs)});`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', drop, ...args, '--password-file', join(auth, 'passwd'), '--acl-file', join(auth, 'acl')]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const asRoot = process.getuid?.() === 0;

beforeAll(async () => {
  // Like the broker container, whose entrypoint runs as root and whose broker drops to its own user.
  if (!asRoot) throw new Error('these tests run init.sh as the broker container does, as root');
  mosquittoUser = await idOf('mosquitto');
  base = brokerDir();
  auth = join(base, 'auth');
  credentialsJs = portableCli(base);
  await runInit(base);
  agents.A = issue('store-A');
  agents.B = issue('store-B');
  broker = await startMosquitto({ configFile: productionConfig() });
});

async function idOf(user: string): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  await broker?.stop();
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('production Mosquitto config and agent credentials', () => {
  it('keeps the production queue limits and requires credentials', () => {
    const conf = readFileSync(join(deploy, 'mosquitto.conf'), 'utf8');
    expect(conf).toMatch(/^allow_anonymous false$/m);
    expect(conf).toMatch(/^max_queued_messages 0$/m);
    expect(conf).toMatch(/^persistence true$/m);
  });

  it('refuses anonymous clients, unknown users and wrong passwords', async () => {
    expect(await refused()).toMatch(/Not authorized|Bad username or password/i);
    expect(await refused('nobody', 'whatever-password')).toMatch(/Not authorized|Bad username or password/i);
    expect(await refused('agent-store-A', agents.B)).toMatch(/Not authorized|Bad username or password/i);
  });

  it("lets store A's agent publish its own topics but not store B's", async () => {
    const server = await connect('storepulse-server', SERVER_PASSWORD);
    const seen: string[] = [];
    server.on('message', (topic) => seen.push(topic));
    await server.subscribeAsync('storepulse/v1/#', { qos: 1 });
    for (const forged of [topics.status('store-B', 't1'), topics.footfall('store-B', 'door'), 'storepulse/v1/other']) {
      // The broker refuses and then drops the connection, so each attempt gets its own.
      const agentA = await connect('agent-store-A', agents.A);
      await expect(agentA.publishAsync(forged, '{"forged":true}', { qos: 1 })).rejects.toThrow(/Not authorized/);
    }
    // The broker handles one message at a time: once this later marker reaches the server, a forged one would have too.
    const agentA = await connect('agent-store-A', agents.A);
    await agentA.publishAsync(topics.status('store-A', 't1'), '{"marker":true}', { qos: 1 });
    await waitFor(() => seen.includes(topics.status('store-A', 't1')), 5000, 'the marker');
    expect(seen).toEqual([topics.status('store-A', 't1')]);
    await server.endAsync();
  });

  it("does not let an agent read other stores' topics", async () => {
    const server = await connect('storepulse-server', SERVER_PASSWORD);
    const serverSeen: string[] = [];
    server.on('message', (topic) => serverSeen.push(topic));
    await server.subscribeAsync('storepulse/v1/stores/store-A/#', { qos: 1 });
    const agentB = await connect('agent-store-B', agents.B);
    const agentBSeen: string[] = [];
    agentB.on('message', (topic) => agentBSeen.push(topic));
    await agentB.subscribeAsync(topics.storeScope('store-A'), { qos: 1 });
    const agentA = await connect('agent-store-A', agents.A);
    await agentA.publishAsync(topics.sales('store-A', 't9'), '{}', { qos: 1 });
    await waitFor(() => serverSeen.length === 1, 5000, 'the server to get the message');
    // Both subscribers get their copy in the same broker pass; leave a moment for it all the same.
    await new Promise((r) => setTimeout(r, 200));
    expect(agentBSeen).toEqual([]);
    await server.endAsync();
  });

  it("lets the server's user subscribe to every store", async () => {
    const server = await connect('storepulse-server', SERVER_PASSWORD);
    const seen = new Set<string>();
    server.on('message', (topic) => seen.add(topic));
    await server.subscribeAsync('storepulse/v1/stores/+/#', { qos: 1 });
    const a = await connect('agent-store-A', agents.A);
    const b = await connect('agent-store-B', agents.B);
    await a.publishAsync(topics.sales('store-A', 't2'), '{}', { qos: 1 });
    await b.publishAsync(topics.footfall('store-B', 'door'), '{}', { qos: 1 });
    await waitFor(() => seen.size === 2, 5000, 'both stores');
    expect([...seen].sort()).toEqual([topics.sales('store-A', 't2'), topics.footfall('store-B', 'door')]);
  });

  it('revokes and rotates agent users, which the broker honours after reloading its files', async () => {
    const storeC = issue('store-C');
    expect(cli(['add-agent', 'store-C']).code).toBe(1);
    const rotated = cli(['add-agent', 'store-C', '--rotate']);
    expect(rotated.code).toBe(0);
    const newPassword = rotated.out.find((l) => l.startsWith('password='))!.slice(9);
    expect(newPassword).not.toBe(storeC);
    expect(cli(['revoke-agent', 'store-B']).code).toBe(0);
    expect(cli(['list-agents']).out).toEqual(['store-A', 'store-C']);
    await broker.stop();
    await broker.start();
    expect(await refused('agent-store-B', agents.B)).toMatch(/Not authorized|Bad username or password/i);
    expect(await refused('agent-store-C', storeC)).toMatch(/Not authorized|Bad username or password/i);
    const c = await connect('agent-store-C', newPassword);
    expect(c.connected).toBe(true);
  });
  it('reloads the broker on its own when an agent is revoked: the container starts a watcher on the files before the broker', async () => {
    // init.sh hands its own pid (the broker's, once exec'd) to the watcher, unless turned off.
    const script = readFileSync(join(deploy, 'init.sh'), 'utf8');
    expect(script).toMatch(/^\s*sh \/mosquitto\/config\/reload-on-change\.sh "\$\$" "\$\{MOSQUITTO_RELOAD_SECONDS:-5\}" "\$AUTH\/passwd" "\$AUTH\/acl" &$/m);
    expect(script.indexOf('reload-on-change.sh')).toBeLessThan(script.indexOf('exec mosquitto'));

    const password = issue('store-D');
    await broker.stop();
    await broker.start();
    const watcher = execFile('sh', [join(deploy, 'reload-on-change.sh'), String(broker.pid), '1', join(auth, 'passwd'), join(auth, 'acl')]);
    let said = '';
    watcher.stderr?.on('data', (d: Buffer) => (said += d.toString()));
    try {
      // It compares with the files as they were when it started: let it start before changing them.
      await waitFor(() => said.includes('the broker reloads when'), 5000, 'the watcher to start');
      const before = await connect('agent-store-D', password);
      await before.publishAsync(topics.status('store-D', 't1'), '{}', { qos: 1 });
      expect(cli(['revoke-agent', 'store-D']).code).toBe(0);
      // Nobody signals the broker: the watcher sees the files change and reloads it within a look or two.
      await waitFor(async () => /Not authorized|Bad username or password/i.test(await refused('agent-store-D', password)), 10_000, 'the login refused');
      // A session still open from before gets nothing through either: the reloaded ACL no longer has its block.
      const server = await connect('storepulse-server', SERVER_PASSWORD);
      const seen: string[] = [];
      server.on('message', (topic) => seen.push(topic));
      await server.subscribeAsync('storepulse/v1/#', { qos: 1 });
      before.publish(topics.status('store-D', 't1'), '{"after":"revoke"}', { qos: 0 });
      const agentA = await connect('agent-store-A', agents.A);
      await agentA.publishAsync(topics.status('store-A', 't1'), '{"marker":true}', { qos: 1 });
      await waitFor(() => seen.includes(topics.status('store-A', 't1')), 5000, 'the marker');
      expect(seen).toEqual([topics.status('store-A', 't1')]);
    } finally {
      watcher.kill();
    }
  });

  it('refuses to start the broker with a reload interval that is no whole number of seconds, which would make the watcher spin', async () => {
    const dir = brokerDir();
    try {
      await expect(runInit(dir, { MOSQUITTO_RELOAD_SECONDS: 'soon' })).rejects.toMatchObject({ stderr: expect.stringContaining('MOSQUITTO_RELOAD_SECONDS must be a whole number') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the server from publishing: it may not forge or overwrite a store\'s messages, retained status included', async () => {
    const server = await connect('storepulse-server', SERVER_PASSWORD);
    const seen: string[] = [];
    server.on('message', (topic) => seen.push(topic));
    await server.subscribeAsync('storepulse/v1/#', { qos: 1 });
    for (const forged of [topics.status('store-A', 't1'), topics.sales('store-B', 't1'), 'storepulse/v1/other']) {
      const other = await connect('storepulse-server', SERVER_PASSWORD);
      await expect(other.publishAsync(forged, '{"forged":true}', { qos: 1, retain: true })).rejects.toThrow(/Not authorized/);
    }
    const agentA = await connect('agent-store-A', agents.A);
    await agentA.publishAsync(topics.status('store-A', 't3'), '{"marker":true}', { qos: 1 });
    await waitFor(() => seen.includes(topics.status('store-A', 't3')), 5000, 'the marker');
    expect(seen).toEqual([topics.status('store-A', 't3')]);
    await server.endAsync();
    // Nor was anything kept: a new subscriber gets no retained copy of a forged status.
    const late = await connect('storepulse-server', SERVER_PASSWORD);
    const retained: string[] = [];
    late.on('message', (topic) => retained.push(topic));
    await late.subscribeAsync(topics.status('store-A', 't1'), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(retained).toEqual([]);
  });

  it("passes the compose healthcheck as storepulse-health, a user that reads the broker's uptime and no store's topics", async () => {
    const compose = parse(readFileSync(join(deploy, '../../docker-compose.yml'), 'utf8')) as { services: { mosquitto: { healthcheck: { test: string[] } } } };
    const [kind, command] = compose.services.mosquitto.healthcheck.test;
    expect(kind).toBe('CMD-SHELL');
    expect(command).toContain('-u storepulse-health');
    expect(command).not.toContain('MQTT_SERVER_PASSWORD');
    // As the container's shell runs it (compose turns $$ into $), against this broker's port.
    const check = command!.replaceAll('$$', '$').replace('-h 127.0.0.1', `-h 127.0.0.1 -p ${broker.port}`);
    const healthcheck = (password: string) =>
      run('sh', ['-c', check], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', MQTT_HEALTH_PASSWORD: password } }).then(() => 0, (err: { code: number }) => err.code);
    expect(await healthcheck(HEALTH_PASSWORD)).toBe(0);
    expect(await healthcheck('wrong-password')).not.toBe(0);

    const health = await connect('storepulse-health', HEALTH_PASSWORD);
    const seen: string[] = [];
    health.on('message', (topic) => seen.push(topic));
    await health.subscribeAsync(['storepulse/v1/#', '$SYS/broker/uptime'], { qos: 1 });
    const server = await connect('storepulse-server', SERVER_PASSWORD);
    const serverSeen: string[] = [];
    server.on('message', (topic) => serverSeen.push(topic));
    await server.subscribeAsync(['storepulse/v1/#', '$SYS/broker/uptime'], { qos: 1 });
    const agentA = await connect('agent-store-A', agents.A);
    await agentA.publishAsync(topics.status('store-A', 't4'), '{"marker":true}', { qos: 1 });
    await waitFor(() => serverSeen.includes(topics.status('store-A', 't4')), 5000, 'the marker');
    await new Promise((r) => setTimeout(r, 200));
    // The uptime is published again every 10 s: once or twice, it is the one topic this user gets.
    expect([...new Set(seen)]).toEqual(['$SYS/broker/uptime']);
    // The server's user reads the stores, no longer the broker's own topics.
    expect(serverSeen).toEqual([topics.status('store-A', 't4')]);
  });

  it('hands every password to mosquitto_passwd on its standard input, never on its command line, where `ps` shows it', async () => {
    const dir = brokerDir();
    try {
      const real = (await run('sh', ['-c', 'command -v mosquitto_passwd'])).stdout.trim();
      const shim = join(dir, 'bin');
      mkdirSync(shim);
      writeFileSync(join(shim, 'mosquitto_passwd'), `#!/bin/sh\necho "$*" >> ${join(dir, 'argv.log')}\nexec ${real} "$@"\n`, { mode: 0o755 });
      await runInit(dir, { PATH: `${shim}:${process.env.PATH ?? '/usr/bin:/bin'}`, MQTT_SIMULATOR_PASSWORD: 'simulator-password-for-tests' });
      const argv = readFileSync(join(dir, 'argv.log'), 'utf8');
      expect(argv.trim().split('\n').map((l) => l.split(' ').at(-1))).toEqual(['storepulse-server', 'storepulse-health', 'storepulse-simulator']);
      expect(argv).not.toMatch(/password-for-tests/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the password file and ACL as Mosquitto 2.0.18+ wants them: its own user and group, nothing for others', () => {
    for (const path of [auth, join(auth, 'passwd'), join(auth, 'acl')]) {
      const st = statSync(path);
      expect({ path, uid: st.uid, gid: st.gid, others: st.mode & 0o007 }).toEqual({ path, ...mosquittoUser, others: 0 });
    }
    expect(statSync(join(auth, 'passwd')).mode & 0o777).toBe(0o660);
  });

  it("lets the server container's user add and revoke agents through the broker's group, and only through it", async () => {
    const refused = await cliAsNode(false, ['add-agent', 'store-D']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/EACCES|permission denied/i);
    const added = await cliAsNode(true, ['add-agent', 'store-D']);
    expect(added.code, added.stderr).toBe(0);
    const password = /^password=(.+)$/m.exec(added.stdout)![1]!;
    // Rewritten in place: still the broker's files.
    for (const f of ['passwd', 'acl']) expect(statSync(join(auth, f))).toMatchObject(mosquittoUser);
    expect(statSync(join(auth, 'passwd')).mode & 0o007).toBe(0);
    await broker.stop();
    await broker.start();
    const d = await connect('agent-store-D', password);
    await d.publishAsync(topics.sales('store-D', 't1'), '{}', { qos: 1 });
    expect((await cliAsNode(true, ['revoke-agent', 'store-D'])).code).toBe(0);
  });

  it('on a volume from an earlier release, takes write away from the server, keeps the agents and fixes owner and modes', async () => {
    const dir = brokerDir();
    try {
      mkdirSync(join(dir, 'auth'));
      const agentLine = 'agent-S001:$7$101$c2FsdA==$aGFzaA==';
      writeFileSync(join(dir, 'auth', 'passwd'), `storepulse-server:old\nstorepulse-simulator:old\n${agentLine}\n`, { mode: 0o644 });
      writeFileSync(
        join(dir, 'auth', 'acl'),
        'user storepulse-server\ntopic readwrite storepulse/v1/#\ntopic read $SYS/broker/uptime\n\nuser agent-S001\ntopic write storepulse/v1/stores/S001/#\n',
        { mode: 0o644 },
      );
      await runInit(dir);
      const acl = readFileSync(join(dir, 'auth', 'acl'), 'utf8');
      // The healthcheck reads the uptime as a user of its own now.
      expect(acl).toBe(
        'user storepulse-server\ntopic read storepulse/v1/#\n\nuser agent-S001\ntopic write storepulse/v1/stores/S001/#\n\nuser storepulse-health\ntopic read $SYS/broker/uptime\n',
      );
      const users = readFileSync(join(dir, 'auth', 'passwd'), 'utf8').trim().split('\n');
      // The simulator's user goes without MQTT_SIMULATOR_PASSWORD; the server's gets a fresh hash.
      expect(users.map((l) => l.split(':')[0]).sort()).toEqual(['agent-S001', 'storepulse-health', 'storepulse-server']);
      expect(users).toContain(agentLine);
      expect(users.find((l) => l.startsWith('storepulse-server:'))).toMatch(/^storepulse-server:\$7\$/);
      for (const f of ['passwd', 'acl']) {
        const st = statSync(join(dir, 'auth', f));
        expect({ f, uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }).toEqual({ f, ...mosquittoUser, mode: 0o660 });
      }
      await runInit(dir, { MQTT_SIMULATOR_PASSWORD: 'simulator-password-for-tests' });
      expect(readFileSync(join(dir, 'auth', 'passwd'), 'utf8')).toMatch(/^storepulse-simulator:\$7\$/m);
      expect(readFileSync(join(dir, 'auth', 'acl'), 'utf8')).toBe(acl);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

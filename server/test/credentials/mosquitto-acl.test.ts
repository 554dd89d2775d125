/**
 * Runs Mosquitto with deploy/mosquitto's own config and base ACL (only paths and port changed), issues
 * agent credentials through the CLI, and proves who may connect, publish and subscribe.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@storepulse/protocol';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { waitFor } from '../../../test-support/ports.js';
import { setPassword } from '../../src/credentials/agent-credentials.js';
import { runCredentialsCli } from '../../src/credentials/cli.js';

const deploy = fileURLToPath(new URL('../../../deploy/mosquitto/', import.meta.url));
const SERVER_PASSWORD = 'server-password-for-tests';

let broker: MosquittoHandle;
let auth: string;
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
    .replaceAll('/mosquitto/auth/', `${auth}/`)
    .replaceAll('/mosquitto/data/', `${auth}/data/`);
}

beforeAll(async () => {
  auth = mkdtempSync(join(tmpdir(), 'storepulse-auth-'));
  // Started as root, Mosquitto drops to its own user: it must read the auth files and write its data.
  mkdirSync(join(auth, 'data'));
  chmodSync(auth, 0o755);
  chmodSync(join(auth, 'data'), 0o777);
  copyFileSync(join(deploy, 'acl.base'), join(auth, 'acl'));
  writeFileSync(join(auth, 'passwd'), '');
  setPassword(join(auth, 'passwd'), 'storepulse-server', SERVER_PASSWORD);
  agents.A = issue('store-A');
  agents.B = issue('store-B');
  for (const f of ['passwd', 'acl']) chmodSync(join(auth, f), 0o644);
  broker = await startMosquitto({ configFile: productionConfig() });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  await broker?.stop();
  rmSync(auth, { recursive: true, force: true });
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
});

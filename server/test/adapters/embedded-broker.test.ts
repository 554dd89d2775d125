import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '@storepulse/protocol';
import { MAX_FAILED_SIGN_INS, SIGN_IN_WINDOW_MS, startEmbeddedBroker, type EmbeddedBroker, type PublishRefusal } from '../../src/adapters/mqtt/embedded-broker.js';
import { EventBus } from '../../src/event-bus.js';
import type { AuthService, Principal } from '../../src/services/auth-service.js';
import { waitFor } from '../../../test-support/ports.js';
import { status } from '../support/harness.js';

const AGENT_TOKEN = 'agent-token-for-S1';
const OTHER_TOKEN = 'agent-token-for-S2';
/** A token bound to no store, as gateways and the simulator use: any client id but the server's. */
const FLEET_TOKEN = 'agent-token-for-the-fleet';
const SERVER_CLIENT_ID = 'storepulse-server-0123456789abcdef01234567';
const principal: Principal = { tokenId: 't1', role: 'agent', providerId: null, storeId: 'S1', label: 'S1 agent' };
const other: Principal = { tokenId: 't2', role: 'agent', providerId: null, storeId: 'S2', label: 'S2 agent' };
const fleet: Principal = { tokenId: 't3', role: 'agent', providerId: null, storeId: null, label: 'fleet gateway' };
let tokenChecks = 0;
const auth = {
  authenticate: (token: string) => {
    tokenChecks += 1;
    return token === AGENT_TOKEN ? principal : token === OTHER_TOKEN ? other : token === FLEET_TOKEN ? fleet : null;
  },
} as unknown as AuthService;
// S1's till B-T1 and store S1-B's till T1 both read S1-B-T1 in the dash form earlier agents used.
const tills = new Set(['S1/T1', 'S1/T9', 'S2/T1', 'S1/B-T1', 'S1-B/T1']);
const bus = new EventBus();
const serverUser = { username: 'storepulse-server', password: 'server-secret' };
/** Recognisable bytes: no log line may contain them. */
const MARK = 'PAYLOAD-MARK-';

let broker: EmbeddedBroker;
let server: MqttClient;
const logs: Record<string, unknown>[] = [];
const denied: PublishRefusal[] = [];
let authFailures = 0;
let clock = Date.now();
const received: { topic: string; retain: boolean }[] = [];
const clients: MqttClient[] = [];
const url = () => `mqtt://127.0.0.1:${broker.port}`;
let agentsMade = 0;

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    portExplicit: true,
    auth,
    serverUser,
    serverClientId: SERVER_CLIENT_ID,
    knownTill: (storeId, tillId) => tills.has(`${storeId}/${tillId}`),
    bus,
    log: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) }),
    onAuthFailure: () => (authFailures += 1),
    onPublishDenied: (reason) => denied.push(reason),
    now: () => clock,
  });
  server = await mqtt.connectAsync(url(), { ...serverUser, clientId: SERVER_CLIENT_ID, clean: false, reconnectPeriod: 0 });
  server.on('message', (topic, _payload, packet) => received.push({ topic, retain: packet.retain }));
  await server.subscribeAsync('#', { qos: 1 });
  broker.acceptAgents();
});
afterAll(async () => {
  await Promise.all([...clients, server].map((c) => c?.endAsync(true)));
  await broker?.close();
});

describe('embedded broker: what an agent may publish', () => {
  const agent = async () => {
    const c = await mqtt.connectAsync(url(), { clientId: `S1/agent-${(agentsMade += 1)}`, username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };
  /** Publishes, expects the broker to drop the connection, then proves the server saw nothing by a message sent after. */
  const refused = async (topic: string, payload: string | Buffer, retain: boolean) => {
    const c = await agent();
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish(topic, payload, { qos: 1, retain });
    await closed;
    const next = await agent();
    await next.publishAsync(topics.sales('S1', 'T9'), '{}', { qos: 1 });
    await waitFor(() => received.some((m) => m.topic === topics.sales('S1', 'T9')), 2000, 'the message sent after');
    expect(received.map((m) => m.topic)).toEqual([topics.sales('S1', 'T9')]);
    received.length = 0;
  };

  it.each([
    ['topic', 'junk/topic/x', true],
    ['topic', 'storepulse/v2/stores/S1/tills/T1/status', true],
    ['topic', 'storepulse/v1/stores/S1/tills/T1/reboot', false],
    ['topic', 'storepulse/v1/stores/S1//status', false],
    ['store_scope', topics.status('S2', 'T1'), false],
    ['retained_bin', topics.sales('S1', 'T1'), true],
    ['retained_bin', topics.footfall('S1', 'door1'), true],
  ] as const)('refuses, counts and logs %s: %s (retained: %s)', async (reason, topic, retain) => {
    denied.length = 0;
    const from = logs.length;
    await refused(topic, MARK + 'x'.repeat(100), retain);
    expect(denied).toEqual([reason]);
    const lines = logs.slice(from).filter((l) => l.msg === 'mqtt message rejected');
    expect(lines).toEqual([expect.objectContaining({ level: 40, reason, topic })]);
    expect(JSON.stringify(logs)).not.toContain(MARK);
  });

  it('keeps no retained copy for a till the store does not have, passes it on for ingest to refuse, and keeps the agent connected', async () => {
    denied.length = 0;
    received.length = 0;
    const c = await agent();
    await c.publishAsync(topics.status('S1', 'T404'), status(1), { qos: 1, retain: true });
    await c.publishAsync(topics.online('S1', 'T404'), '{"v":1,"online":true}', { qos: 1, retain: true });
    await c.publishAsync(topics.status('S1', 'T1'), status(1), { qos: 1, retain: true });
    await waitFor(() => received.some((m) => m.topic === topics.status('S1', 'T1')), 2000, 'the known till\'s status');
    expect(received.map((m) => m.topic)).toEqual([topics.status('S1', 'T404'), topics.online('S1', 'T404'), topics.status('S1', 'T1')]);
    expect(c.connected).toBe(true);
    expect(denied).toEqual([]);

    // A new subscriber gets what the broker retained: the known till's status and nothing for T404.
    const late = await mqtt.connectAsync(url(), { ...serverUser, reconnectPeriod: 0 });
    clients.push(late);
    const replayed: string[] = [];
    late.on('message', (topic) => replayed.push(topic));
    await late.subscribeAsync(topics.status('S1', 'T404'), { qos: 1 });
    await late.subscribeAsync(topics.online('S1', 'T404'), { qos: 1 });
    await late.subscribeAsync(topics.status('S1', 'T1'), { qos: 1 });
    await waitFor(() => replayed.includes(topics.status('S1', 'T1')), 2000, 'the known till\'s retained status');
    expect(replayed).toEqual([topics.status('S1', 'T1')]);
    received.length = 0;
  });

  it('refuses and logs a payload far over the size limit, without its contents', async () => {
    denied.length = 0;
    const from = logs.length;
    await refused(topics.status('S1', 'T1'), MARK + 'x'.repeat(70 * 1024), false);
    expect(denied).toEqual(['oversize']);
    expect(logs.slice(from).filter((l) => l.msg === 'mqtt message rejected')).toEqual([
      expect.objectContaining({ reason: 'oversize', detail: expect.stringMatching(/^a packet of 717\d\d bytes from 127\.0\.0\.1, before it was read; the limit is 65536$/) }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(MARK);
  });

  it('ends a connection whose first packet declares 200 MB before it sends them, signed in or not', async () => {
    denied.length = 0;
    const socket = tcpConnect(broker.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // CONNECT, remaining length 209,715,200 (four length bytes), then the first kilobyte of it.
    socket.write(Buffer.concat([Buffer.from([0x10, 0x80, 0x80, 0x80, 0x64]), Buffer.alloc(1024, 0x41)]));
    await closed;
    expect(denied).toEqual(['oversize']);
    expect(logs.at(-1)).toMatchObject({ reason: 'oversize', detail: expect.stringMatching(/^a packet of 209715200 bytes/) });
    // Everyone else carries on.
    const c = await agent();
    await c.publishAsync(topics.sales('S1', 'T9'), '{}', { qos: 1 });
    await waitFor(() => received.some((m) => m.topic === topics.sales('S1', 'T9')), 2000, 'a message after');
    received.length = 0;
  });

  it('ends the sessions of a revoked agent token at once, and only those', async () => {
    const revoked = await agent();
    const kept = await mqtt.connectAsync(url(), { clientId: 'S2/T1', username: 'agent', password: OTHER_TOKEN, reconnectPeriod: 0 });
    clients.push(kept);
    const closed = new Promise<void>((resolve) => revoked.once('close', () => resolve()));
    bus.emit('token:revoked', 't1');
    await closed;
    await kept.publishAsync(topics.sales('S2', 'T1'), '{}', { qos: 1 });
    await waitFor(() => received.some((m) => m.topic === topics.sales('S2', 'T1')), 2000, 'the other agent still publishes');
    received.length = 0;
  });

  it('lets a store\'s agent token connect only as one of its store\'s tills: another store\'s till keeps its session', async () => {
    const s2 = await mqtt.connectAsync(url(), { clientId: 'S2/T7', username: 'agent', password: OTHER_TOKEN, reconnectPeriod: 0 });
    clients.push(s2);
    const failuresBefore = authFailures;
    // S1's token taking S2/T7's id would end S2/T7's session and fire its will.
    await expect(mqtt.connectAsync(url(), { clientId: 'S2/T7', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(mqtt.connectAsync(url(), { clientId: 'mqttjs_random', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    // A store whose id begins with S1's and a dash is not S1's, nor is a dash form another store's till could be read from.
    await expect(mqtt.connectAsync(url(), { clientId: 'S1-B/T1', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(mqtt.connectAsync(url(), { clientId: 'S1-B-T1', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    // The dash form for a till S1 does not have.
    await expect(mqtt.connectAsync(url(), { clientId: 'S1-T7', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    expect(authFailures - failuresBefore).toBe(5);
    expect(logs.filter((l) => l.msg === "mqtt connection refused: client id outside the agent token's store")).toHaveLength(5);
    expect(s2.connected).toBe(true);
    await s2.publishAsync(topics.sales('S2', 'T1'), '{}', { qos: 1 });
    // The form earlier agents used is still taken for the store's own tills, and so is the check tool's.
    for (const clientId of ['S1-T1', 'S1/T1/check', 'S1/B-T1']) {
      const ok = await mqtt.connectAsync(url(), { clientId, username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 });
      clients.push(ok);
      expect(ok.connected).toBe(true);
    }
    await waitFor(() => received.some((m) => m.topic === topics.sales('S2', 'T1')), 2000, 'the S2 till still publishes');
    received.length = 0;
  });

  it("keeps the server's client id to the server: no agent token, even one bound to no store, can take its session", async () => {
    const failuresBefore = authFailures;
    const gateway = await mqtt.connectAsync(url(), { clientId: 'gateway-1', username: 'agent', password: FLEET_TOKEN, reconnectPeriod: 0 });
    clients.push(gateway);
    // A clean start under the server's id would throw away its subscription and the messages kept for it.
    await expect(mqtt.connectAsync(url(), { clientId: SERVER_CLIENT_ID, username: 'agent', password: FLEET_TOKEN, clean: true, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    await expect(mqtt.connectAsync(url(), { clientId: SERVER_CLIENT_ID, username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/i);
    expect(authFailures - failuresBefore).toBe(2);
    expect(logs.filter((l) => l.msg === "mqtt connection refused: an agent token used the server's client id")).toHaveLength(2);
    expect(server.connected).toBe(true);
    await gateway.publishAsync(topics.sales('S2', 'T1'), '{}', { qos: 1 });
    await waitFor(() => received.some((m) => m.topic === topics.sales('S2', 'T1')), 2000, 'the server still receives');
    received.length = 0;
  });

  it('logs a refused sign-in without the username, where a token may have been typed', async () => {
    const from = logs.length;
    const c = mqtt.connect(url(), { username: 'sp_TYPED-IN-THE-WRONG-FIELD', password: 'x', reconnectPeriod: 0 });
    await new Promise((resolve) => c.once('error', resolve));
    c.end(true);
    const lines = logs.slice(from).filter((l) => l.msg === 'mqtt connection refused: bad credentials');
    expect(lines).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('TYPED-IN-THE-WRONG-FIELD');
  });

  it('lets through retained presence and status, and bins that are not retained', async () => {
    denied.length = 0;
    const c = await agent();
    await c.publishAsync(topics.online('S1', 'T1'), JSON.stringify({ v: 1, online: true, agent: { version: '1' } }), { qos: 1, retain: true });
    await c.publishAsync(topics.status('S1', 'T1'), status(1), { qos: 1, retain: true });
    await c.publishAsync(topics.sales('S1', 'T1'), '{}', { qos: 1 });
    await c.publishAsync(topics.footfall('S1', 'door1'), '{}', { qos: 1 });
    await waitFor(() => received.length === 4, 2000, 'four messages');
    expect(received.map((m) => m.topic).sort()).toEqual([topics.footfall('S1', 'door1'), topics.online('S1', 'T1'), topics.sales('S1', 'T1'), topics.status('S1', 'T1')].sort());
    expect(denied).toEqual([]);
    expect(c.connected).toBe(true);
  });
});

describe('embedded broker: failed sign-ins from one address', () => {
  /** Another loopback address, so the rest of this file (on 127.0.0.1) is not throttled. */
  const NAT = '127.0.0.2';
  const THROTTLED = 'mqtt: too many failed sign-ins from one address; its connections are refused unchecked until its window ends';

  /** 'refused': a CONNACK refusal after the credentials were checked; 'dropped': closed before any CONNACK. */
  const signIn = (password: string, from = NAT) =>
    new Promise<'connected' | 'refused' | 'dropped'>((resolve) => {
      const c = new mqtt.MqttClient(() => tcpConnect({ host: '127.0.0.1', port: broker.port, localAddress: from }), {
        clientId: `S1/agent-${(agentsMade += 1)}`,
        username: 'sp_USERNAME-MARK',
        password,
        reconnectPeriod: 0,
      });
      c.once('connect', () => resolve('connected'));
      c.on('error', (err) => (err as { code?: number }).code === 5 && resolve('refused'));
      c.once('close', () => resolve('dropped'));
      clients.push(c);
    });

  it('refuses an address unchecked for the rest of its window after too many failures, then lets it in again', async () => {
    const start = clock;
    const from = logs.length;
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i++) expect(await signIn('PASSWORD-MARK')).toBe('refused');
    // Successful sign-ins neither count nor reset the count.
    expect(await signIn(AGENT_TOKEN)).toBe('connected');
    expect(await signIn('PASSWORD-MARK')).toBe('refused');

    // The trade-off: a valid agent behind the same NAT as the guesser is held off too, for at most one short window.
    const [checks, failures] = [tokenChecks, authFailures];
    clock = start + SIGN_IN_WINDOW_MS - 1;
    expect(await signIn(AGENT_TOKEN)).toBe('dropped');
    expect(await signIn('PASSWORD-MARK')).toBe('dropped');
    expect(tokenChecks).toBe(checks);
    expect(authFailures).toBe(failures + 2);
    expect(await signIn(AGENT_TOKEN, '127.0.0.1')).toBe('connected');

    const lines = logs.slice(from).filter((l) => l.msg === THROTTLED);
    expect(lines).toEqual([expect.objectContaining({ level: 40, address: NAT, failures: MAX_FAILED_SIGN_INS })]);
    expect(JSON.stringify(logs)).not.toMatch(/USERNAME-MARK|PASSWORD-MARK/);

    clock = start + SIGN_IN_WINDOW_MS;
    expect(await signIn(AGENT_TOKEN)).toBe('connected');
    expect(await signIn('PASSWORD-MARK')).toBe('refused');
  });
});

describe('embedded broker: agents only while the server reads', () => {
  it('turns agents away until told to take them, and lets them go before the server leaves', async () => {
    const own = await startEmbeddedBroker({
      host: '127.0.0.1', port: 0, portExplicit: true, auth, serverUser, serverClientId: SERVER_CLIENT_ID,
      knownTill: (storeId, tillId) => tills.has(`${storeId}/${tillId}`), bus, log: pino({ level: 'silent' }),
    });
    const at = `mqtt://127.0.0.1:${own.port}`;
    /** An agent's try: connected, or dropped before any CONNACK (which agents retry). */
    const tryAgent = () =>
      new Promise<'connected' | 'dropped'>((resolve) => {
        const c = mqtt.connect(at, { clientId: `S1/agent-${(agentsMade += 1)}`, username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0 });
        clients.push(c);
        c.once('connect', () => resolve('connected'));
        c.once('close', () => resolve('dropped'));
      });
    try {
      expect(await tryAgent()).toBe('dropped');
      const reader = await mqtt.connectAsync(at, { ...serverUser, clientId: SERVER_CLIENT_ID, clean: false, reconnectPeriod: 0 });
      clients.push(reader);
      await reader.subscribeAsync('#', { qos: 1 });
      own.acceptAgents();
      const will = { topic: topics.online('S1', 'T1'), payload: Buffer.from('{"v":1,"online":false}'), qos: 1 as const, retain: true };
      const agent = await mqtt.connectAsync(at, { clientId: 'S1/T1', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0, will });
      clients.push(agent);
      const heard: string[] = [];
      reader.on('message', (topic) => heard.push(topic));

      const agentClosed = new Promise<void>((resolve) => agent.once('close', () => resolve()));
      own.closeToAgents();
      await agentClosed;
      // The server stopping is not the till going offline: its will is not passed on.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([]);
      expect(reader.connected).toBe(true);
      await expect(mqtt.connectAsync(at, { clientId: 'S1/T9', username: 'agent', password: AGENT_TOKEN, reconnectPeriod: 0, connectTimeout: 500 })).rejects.toThrow();
    } finally {
      await own.close();
    }
  });
});

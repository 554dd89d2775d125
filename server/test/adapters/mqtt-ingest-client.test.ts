import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import mqtt from 'mqtt';
import { topics } from '@storepulse/protocol';
import { connectIngestClient, type IngestClient } from '../../src/adapters/mqtt/mqtt-ingest-client.js';
import { setPassword } from '../../src/credentials/agent-credentials.js';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { freePort, waitFor } from '../../../test-support/ports.js';

/** A relay in front of the broker that counts the connections made through it: the client's login attempts. */
async function countingRelay(brokerPort: number) {
  const sockets = new Set<Socket>();
  let attempts = 0;
  const server = createServer((inbound) => {
    attempts++;
    const outbound = connect(brokerPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`,
    attempts: () => attempts,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('MQTT ingest client', () => {
  let broker: MosquittoHandle | null = null;
  let client: IngestClient | null = null;
  afterAll(async () => {
    await client?.close();
    await broker?.stop();
  });

  it('starts without a broker, connects when it comes up, and keeps what was published while it was away', async () => {
    const port = await freePort();
    const received: string[] = [];
    client = await connectIngestClient({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: 'ingest-client-test',
      log: pino({ level: 'silent' }),
      onMessage: (topic) => received.push(topic),
      startWaitMs: 300,
    });
    expect(client.connected()).toBe(false);

    broker = await startMosquitto({ port });
    await waitFor(() => client!.connected(), 10_000, 'connected after the broker came up');

    // The persistent session: messages published while the server is disconnected wait for it.
    await client.close();
    const agent = await mqtt.connectAsync(broker.url, { clientId: 'agent-x' });
    await agent.publishAsync(topics.status('S1', 'T1'), '{}', { qos: 1 });
    await agent.endAsync();
    client = await connectIngestClient({
      url: broker.url,
      clientId: 'ingest-client-test',
      log: pino({ level: 'silent' }),
      onMessage: (topic) => received.push(topic),
    });
    await waitFor(() => received.includes(topics.status('S1', 'T1')), 5000, 'queued message delivered');
  });

  it("says so, and counts it, when a reconnection finds the server's session gone (another client took its id)", async () => {
    const logged: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
    let lost = 0;
    await client?.close();
    client = await connectIngestClient({ url: broker!.url, clientId: 'ingest-session-test', log, onMessage: () => {}, onSessionLost: () => (lost += 1) });
    await waitFor(() => client!.connected(), 5000, 'connected');
    // Its first session is new: nothing was lost.
    expect(lost).toBe(0);
    // A clean start under the server's id throws its session away and pushes the server off; the server comes back to nothing.
    const intruder = await mqtt.connectAsync(broker!.url, { clientId: 'ingest-session-test', clean: true, reconnectPeriod: 0 });
    await intruder.endAsync();
    await waitFor(() => lost === 1, 10_000, 'the lost session noticed');
    expect(logged.filter((l) => l.level === 40 && l.msg.startsWith('mqtt: the broker had no session for the server'))).toHaveLength(1);
    await waitFor(() => client!.connected(), 5000, 'connected again');
  });

  it('logs a message whose processing fails and goes on with the next, rather than end the process', async () => {
    const logged: { level: number; msg: string; err?: string; topic?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
    const received: string[] = [];
    await client?.close();
    client = await connectIngestClient({
      url: broker!.url, clientId: 'ingest-failure-test', log,
      onMessage: (topic) => {
        if (topic.endsWith('/T1/status')) throw new Error('SQLITE_FULL: database or disk is full');
        received.push(topic);
      },
    });
    await waitFor(() => client!.connected(), 5000, 'connected');
    const agent = await mqtt.connectAsync(broker!.url, { clientId: 'agent-failing' });
    await agent.publishAsync(topics.status('S1', 'T1'), '{}', { qos: 1 });
    await agent.publishAsync(topics.status('S1', 'T2'), '{}', { qos: 1 });
    await agent.endAsync();
    await waitFor(() => received.includes(topics.status('S1', 'T2')), 5000, 'the next message processed');
    expect(logged.filter((l) => l.level === 50)).toEqual([expect.objectContaining({
      msg: 'mqtt: a message could not be processed', err: 'SQLITE_FULL: database or disk is full', topic: topics.status('S1', 'T1'),
    })]);
  });

  it('keeps retrying a refused login and connects once the broker reloads a password file that accepts it', async () => {
    await client?.close();
    await broker?.stop();
    // Mosquitto drops root for its own user, then reads the password file and writes its pid there.
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-mqtt-auth-'));
    chmodSync(dir, 0o777);
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, '');
    setPassword(passwd, 'storepulse-server', 'the-old-password');
    chmodSync(passwd, 0o644);
    broker = await startMosquitto({
      configFile: ['listener {{PORT}} 127.0.0.1', 'allow_anonymous false', `password_file ${passwd}`, `pid_file ${dir}/mosquitto.pid`].join('\n'),
    });
    const relay = await countingRelay(broker.port);
    const logged: { level: number; msg: string; reason?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
    client = await connectIngestClient({
      url: relay.url, clientId: 'ingest-refused-test', username: 'storepulse-server', password: 'the-new-password', log, onMessage: () => {}, startWaitMs: 300,
    });
    expect(client.connected()).toBe(false);
    const refusals = () => logged.filter((l) => l.msg.startsWith('mqtt: the broker refused'));
    await waitFor(() => relay.attempts() >= 3, 10_000, 'three refused logins');
    // Said once, clearly, not once a second.
    expect(refusals()).toEqual([expect.objectContaining({ level: 50, reason: expect.stringMatching(/not authori[sz]ed/i) })]);

    // The operator sets the server's new password and reloads the broker, which the server does not have to notice.
    setPassword(passwd, 'storepulse-server', 'the-new-password');
    process.kill(Number(readFileSync(join(dir, 'mosquitto.pid'), 'utf8')), 'SIGHUP');
    await waitFor(() => client!.connected(), 10_000, 'connected after the reload');
    await client.close();
    client = null;
    relay.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

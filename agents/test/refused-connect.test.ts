import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '../src/agent/agent.js';
import { checkConfig } from '../src/agent/config.js';
import { brokerForLogs } from '../src/agent/broker-connection.js';
import { refusedRetryDelayMs } from '../src/agent/refused-connect.js';
import { freePort, waitFor } from '../../test-support/ports.js';

describe('the wait after a refused CONNECT', () => {
  it('doubles from 5 s to at most 5 min, jittered within the upper half', () => {
    const low = () => 0;
    const high = () => 1;
    expect([1, 2, 3, 4].map((n) => refusedRetryDelayMs(n, high))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect([1, 2, 3, 4].map((n) => refusedRetryDelayMs(n, low))).toEqual([2_500, 5_000, 10_000, 20_000]);
    expect(refusedRetryDelayMs(7, high)).toBe(300_000);
    expect(refusedRetryDelayMs(1_000, high)).toBe(300_000);
    expect(refusedRetryDelayMs(1_000, low)).toBe(150_000);
  });
});

it('logs the broker without a password the URL may carry', () => {
  expect(brokerForLogs('mqtts://S001:hunter2@hq.example:8883')).toBe('mqtts://hq.example:8883');
  expect(brokerForLogs('wss://S001:hunter2@hq.example/mqtt')).toBe('wss://hq.example/mqtt');
});

describe('an agent the broker refuses (a revoked password) keeps trying and loses nothing', () => {
  const password = 'store-secret-4711';
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-refused-'));
  const logLines: Array<Record<string, unknown>> = [];
  const footfall: Array<{ in: number; out: number }> = [];
  let refuse = false;
  let broker: Aedes;
  let server: Server;
  let observer: MqttClient;
  let agent: AgentHandle;
  let pushUrl: string;

  beforeAll(async () => {
    broker = await Aedes.createBroker({
      authenticate: (client, _username, pw, done) => {
        if (client.id === 'observer') return done(null, true);
        if (refuse || pw?.toString() !== password) {
          const err = new Error('revoked') as AuthenticateError;
          err.returnCode = 4;
          return done(err, false);
        }
        done(null, true);
      },
    });
    server = createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${port}`;
    observer = await mqtt.connectAsync(url, { clientId: 'observer' });
    observer.on('message', (topic, raw) => {
      if (topic.includes('/footfall/')) footfall.push(JSON.parse(raw.toString()));
    });
    await observer.subscribeAsync('storepulse/v1/stores/S010/#', { qos: 1 });

    const secret = join(dir, 'agent.secret');
    writeFileSync(secret, `${password}\n`, { mode: 0o600 });
    const pushToken = join(dir, 'push.token');
    writeFileSync(pushToken, 'push-token\n', { mode: 0o600 });
    const pushPort = await freePort();
    pushUrl = `http://127.0.0.1:${pushPort}/push/door1`;
    const cfg = checkConfig({
      storeId: 'S010', tillId: 'T1', heartbeatSec: 3600,
      broker: { url, username: 'S010', passwordFile: secret },
      spool: { dir: join(dir, 'spool') },
      counters: [{ id: 'door1', type: 'generic', timezone: 'UTC' }],
      push: { host: '127.0.0.1', port: pushPort, tokenFile: pushToken },
    });
    const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(JSON.parse(chunk.toString())); cb(); } });
    agent = await startAgent(cfg, { logger: pino({ level: 'info' }, sink) });
    await waitFor(() => agent.stats().connected, 10_000, 'the agent to connect');
  });

  afterAll(async () => {
    await agent?.stop();
    await observer?.endAsync();
    await new Promise<void>((r) => broker.close(() => r()));
    server?.close();
  });

  const pushBin = (minute: number, count: number) => fetch(pushUrl, {
    method: 'POST',
    headers: { authorization: 'Bearer push-token', 'content-type': 'application/json' },
    body: JSON.stringify({ binStart: `2026-11-23T10:0${minute}:00Z`, binEnd: `2026-11-23T10:0${minute + 1}:00Z`, in: count, out: 0 }),
  });

  it('spools while refused, comes back once the broker accepts it again, and sends what it spooled', async () => {
    // The store's password is revoked while the agent is connected: the broker drops it and refuses it from then on.
    refuse = true;
    // Aedes keeps its connected clients by id, a map its types leave out.
    (broker as Aedes & { clients: Record<string, Client> }).clients['S010/T1']!.close();
    await waitFor(() => agent.stats().brokerRefusals >= 1, 10_000, 'a refused CONNECT');
    expect(agent.stats().connected).toBe(false);

    expect((await pushBin(0, 7)).status).toBe(204);
    expect((await pushBin(1, 3)).status).toBe(204);
    expect(agent.stats().spool.backlog).toBe(2);

    refuse = false;
    await waitFor(() => footfall.length >= 2, 15_000, 'the spooled footfall to arrive');
    expect(footfall.map((f) => f.in)).toEqual([7, 3]);
    expect(agent.stats().connected).toBe(true);
    expect(agent.stats().spool.backlog).toBe(0);

    const refusal = logLines.find((l) => l.msg === 'the broker refused the agent (wrong or revoked password?); spooling and trying again later');
    expect(refusal).toMatchObject({ level: 40, code: 4, reason: 'Bad username or password', refusalsInARow: 1 });
    expect(refusal!.retryInSec).toBeGreaterThanOrEqual(3);
    expect(logLines.some((l) => l.msg === 'the broker accepts the agent again')).toBe(true);
    expect(JSON.stringify(logLines)).not.toContain(password);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '../src/agent/agent.js';
import { checkConfig } from '../src/agent/config.js';
import { checkAll } from '../src/cli/check.js';
import { makeTestPki, type TestPki } from '../../test-support/agent-tls.js';
import { startMosquitto, type MosquittoHandle } from '../../test-support/mosquitto.js';
import { waitFor } from '../../test-support/ports.js';

describe('agent over mqtts with a CA file and per-store credentials (real Mosquitto)', () => {
  let pki: TestPki;
  let mosq: MosquittoHandle;
  let observer: MqttClient;
  const agents: AgentHandle[] = [];
  const seen: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-tls-'));
  let url = '';

  beforeAll(async () => {
    pki = makeTestPki();
    const passwd = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-c', '-b', passwd, 'S050', 'store-secret']);
    execFileSync('mosquitto_passwd', ['-b', passwd, 'observer', 'observer-secret']);
    // Mosquitto started as root reads its files as its own user.
    chmodSync(dir, 0o755);
    chmodSync(passwd, 0o644);
    mosq = await startMosquitto({
      configFile: [
        'listener {{PORT}} 127.0.0.1',
        `cafile ${pki.caFile}`, `certfile ${pki.certFile}`, `keyfile ${pki.keyFile}`,
        'allow_anonymous false', `password_file ${passwd}`,
      ].join('\n'),
    });
    url = `mqtts://127.0.0.1:${mosq.port}`;
    observer = await mqtt.connectAsync(url, { ca: readFileSync(pki.caFile), username: 'observer', password: 'observer-secret' });
    observer.on('message', (topic) => seen.push(topic));
    await observer.subscribeAsync('storepulse/v1/stores/S050/#', { qos: 1 });
  });

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await observer?.endAsync();
    await mosq?.stop();
  });

  function config(caFile: string, password: string) {
    const secret = join(dir, `secret-${agents.length}`);
    writeFileSync(secret, `${password}\n`, { mode: 0o600 });
    return checkConfig({
      storeId: 'S050', tillId: `T${agents.length + 1}`,
      broker: { url, username: 'S050', passwordFile: secret, caFile },
      spool: { dir: join(dir, `spool-${agents.length}`) },
    });
  }

  async function start(caFile: string, password: string) {
    const logs: Array<{ msg: string; err?: string }> = [];
    const sink = new Writable({ write(chunk, _e, cb) { logs.push(JSON.parse(chunk.toString())); cb(); } });
    const agent = await startAgent(config(caFile, password), { logger: pino({ level: 'warn' }, sink) });
    agents.push(agent);
    return { agent, logs };
  }

  it('connects with the CA file and the store\'s password, and publishes', async () => {
    const { agent } = await start(pki.caFile, 'store-secret');
    await waitFor(() => seen.includes('storepulse/v1/stores/S050/tills/T1/online'), 8000, 'online over TLS');
    await waitFor(() => seen.includes('storepulse/v1/stores/S050/tills/T1/status'), 8000, 'status over TLS');
    expect(agent.stats().connected).toBe(true);
  });

  it('refuses a broker whose certificate another CA signed, and keeps running', async () => {
    const other = makeTestPki('some other CA');
    const { agent, logs } = await start(other.caFile, 'store-secret');
    await waitFor(() => logs.some((l) => l.msg === 'MQTT error'), 8000, 'TLS error');
    expect(logs.find((l) => l.msg === 'MQTT error')!.err).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(agent.stats().connected).toBe(false);
  });

  it('reports a wrong password without logging it', async () => {
    const { agent, logs } = await start(pki.caFile, 'wrong-password');
    await waitFor(() => logs.some((l) => String(l.msg).startsWith('the broker refused the agent')), 8000, 'refusal logged');
    expect(agent.stats()).toMatchObject({ connected: false, brokerRefusals: expect.any(Number) });
    expect(agent.stats().brokerRefusals).toBeGreaterThan(0);
    expect(JSON.stringify(logs)).not.toContain('wrong-password');
  });

  it('check connects over the same TLS path, and fails on a certificate another CA signed', async () => {
    const broker = async (caFile: string) => (await checkAll(config(caFile, 'store-secret'))).find((l) => l.item === 'broker');
    expect(await broker(pki.caFile)).toMatchObject({ ok: true, text: expect.stringMatching(/^connected to mqtts:\/\/127\.0\.0\.1:\d+ in \d+ ms$/) });
    expect(await broker(makeTestPki('yet another CA').caFile)).toMatchObject({ ok: false, text: expect.stringMatching(/self[- ]signed|unable to verify|certificate/i) });
  });
});

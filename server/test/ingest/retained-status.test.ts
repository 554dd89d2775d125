import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { topics, type StoreDetail } from '@storepulse/protocol';
import { mqttOptions } from '../../../agents/src/agent/agent.js';
import type { AgentConfig } from '../../../agents/src/agent/config.js';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { startHarness, type Harness } from '../support/harness.js';

/**
 * An external broker keeps a till's last status and, once its agent has died, its will: both come back to the
 * server at every start. The old status tells what the till last reported, not that its agent is connected.
 */
describe('a dead till\'s retained status on Mosquitto', () => {
  let broker: MosquittoHandle;
  let h: Harness | null = null;

  beforeAll(async () => {
    broker = await startMosquitto();
    // The agent's own connection options, last will included.
    const cfg: AgentConfig = { storeId: 'S001', tillId: 'T2', broker: { url: broker.url }, spool: { dir: mkdtempSync(join(tmpdir(), 'storepulse-spool-')) } };
    const agent = await mqtt.connectAsync(broker.url, { ...(await mqttOptions(cfg, pino({ level: 'silent' }))), reconnectPeriod: 0 });
    await agent.publishAsync(topics.online('S001', 'T2'), JSON.stringify({ v: 1, online: true, agent: { version: '1' } }), { qos: 1, retain: true });
    const components = { pos: { state: 'error' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } };
    await agent.publishAsync(topics.status('S001', 'T2'), JSON.stringify({ v: 1, ts: new Date(Date.now() - 3600_000).toISOString(), seq: 5, components }), { qos: 1, retain: true });
    // A power cut: no goodbye, so the broker publishes the will and keeps it.
    agent.stream.destroy();
    await new Promise((r) => setTimeout(r, 300));
  });
  afterAll(async () => {
    await h?.close();
    await broker?.stop();
  });

  it('shows the till offline with its last components after a server start', async () => {
    const env = { MQTT_URL: broker.url, MQTT_CLIENT_ID: 'storepulse-retained-status', STOREPULSE_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'storepulse-retained-')), 'data') };
    h = await startHarness({ env });
    const t2 = async () => ((await (await h!.api('/api/stores/S001')).json()) as StoreDetail).tills.find((t) => t.id === 'T2')!;
    await expect.poll(async () => (await t2()).components?.pos.state, { timeout: 5000 }).toBe('error');
    expect(await t2()).toMatchObject({ state: 'offline', online: false });
  });
});

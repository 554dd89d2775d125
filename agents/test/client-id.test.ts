import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '../src/agent/agent.js';
import { checkConfig } from '../src/agent/config.js';
import { checkAll } from '../src/cli/check.js';
import { startMosquitto, type MosquittoHandle } from '../../test-support/mosquitto.js';
import { waitFor } from '../../test-support/ports.js';

describe('client ids of tills whose ids join the same way with "-", on a real Mosquitto', () => {
  let mosq: MosquittoHandle;
  let observer: MqttClient;
  const agents: AgentHandle[] = [];
  const online: Array<{ till: string; online: boolean }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-clientid-'));
  const config = (storeId: string, tillId: string) =>
    checkConfig({ storeId, tillId, broker: { url: mosq.url }, spool: { dir: join(dir, `${storeId}_${tillId}`) } });
  const seen = (till: string) => online.some((m) => m.till === till && m.online);

  beforeAll(async () => {
    mosq = await startMosquitto();
    observer = await mqtt.connectAsync(mosq.url, { clientId: 'clientid-observer' });
    observer.on('message', (topic, raw) => {
      const [, , , store, , till] = topic.split('/');
      online.push({ till: `${store}|${till}`, online: (JSON.parse(raw.toString()) as { online: boolean }).online });
    });
    await observer.subscribeAsync('storepulse/v1/stores/+/tills/+/online', { qos: 1 });
  });

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await observer?.endAsync();
    await mosq?.stop();
  });

  it('lets store a-b till c and store a till b-c (and a check) stay connected side by side', async () => {
    agents.push(await startAgent(config('a-b', 'c'), { logger: pino({ level: 'silent' }) }));
    await waitFor(() => seen('a-b|c'), 5000, 'a-b/c online');
    agents.push(await startAgent(config('a', 'b-c'), { logger: pino({ level: 'silent' }) }));
    await waitFor(() => seen('a|b-c'), 5000, 'a/b-c online');
    // A session taken over would have sent the first till's will before the second said it was online.
    expect(online).toEqual([{ till: 'a-b|c', online: true }, { till: 'a|b-c', online: true }]);
    // The check of till "c" of store "a-b" must not take the session of a till "c-check" either.
    agents.push(await startAgent(config('a-b', 'c-check'), { logger: pino({ level: 'silent' }) }));
    await waitFor(() => seen('a-b|c-check'), 5000, 'a-b/c-check online');
    const broker = (await checkAll(config('a-b', 'c'))).find((l) => l.item === 'broker')!;
    expect(broker.ok).toBe(true);
    await observer.publishAsync('storepulse/v1/stores/z/tills/end/online', JSON.stringify({ online: true }));
    await waitFor(() => seen('z|end'), 5000, 'the marker');
    expect(online.filter((m) => !m.online)).toEqual([]);
    expect(agents.map((a) => a.stats().connected)).toEqual([true, true, true]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '@storepulse/protocol';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { waitFor } from '../../../test-support/ports.js';
import { metricValue, startHarness, type Harness } from '../support/harness.js';

/**
 * The embedded broker refuses retained bins, but an external broker keeps one and replays it to the server at each
 * start, however old. The server refuses such a replay (the retain flag marks it), counts and logs it; bins published
 * while it is connected arrive without the flag and are taken as usual.
 */
describe('a sales bin left retained on Mosquitto', () => {
  let broker: MosquittoHandle;
  let agent: MqttClient;
  let h: Harness | null = null;
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const bin = (seq: number, start: number, revenue: number) =>
    JSON.stringify({ v: 1, seq, binStart: new Date(start).toISOString(), binEnd: new Date(start + 60_000).toISOString(), transactions: 2, revenue, currency: 'EUR' });

  beforeAll(async () => {
    broker = await startMosquitto();
    agent = await mqtt.connectAsync(broker.url, { clientId: 'S001-T2', reconnectPeriod: 0 });
    await agent.publishAsync(topics.sales('S001', 'T2'), bin(7, minute - 120_000, 60), { qos: 1, retain: true });
  });
  afterAll(async () => {
    await agent?.endAsync(true);
    await h?.close();
    await broker?.stop();
  });

  it('is refused when replayed at each server start, while the till\'s live bins are taken', async () => {
    const env = { MQTT_URL: broker.url, MQTT_CLIENT_ID: 'storepulse-retained-test', STOREPULSE_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'storepulse-retained-')), 'data') };
    const metric = async (name: string, labels: Record<string, string>) => metricValue(await (await h!.api('/metrics')).text(), name, labels);
    for (const start of ['first', 'second']) {
      h = await startHarness({ env });
      await waitFor(async () => (await metric('storepulse_ingest_rejected_total', { reason: 'retained_bin' })) === 1, 5000, `retained bin refused at the ${start} start`);
      if (start === 'first') await h.close();
    }
    // A live publish reaches a subscriber without the retain flag, even when the agent sets it.
    await agent.publishAsync(topics.sales('S001', 'T2'), bin(8, minute - 60_000, 30), { qos: 1, retain: true });
    await waitFor(async () => (await metric('storepulse_ingest_messages_total', { kind: 'sales' })) === 1, 5000, 'the live bin accepted');

    await h!.server.telemetry.flush();
    const hour = minute - (minute % 3600_000);
    const series = await h!.server.telemetry.salesSeries({ storeId: 'S001', from: hour - 3600_000, to: hour + 3600_000, binSeconds: 3600 });
    expect(series.reduce((n, b) => n + (b.revenue ?? 0), 0)).toBe(30);
  });
});

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
 * The server reads no retain flag. The embedded broker refuses retained bins, but an external broker keeps one and
 * hands it to the server at each start: the sequence guard lives in memory, so it is taken again. This proves the
 * replay harmless: the bin replaces itself in telemetry and the till's next bin still counts.
 */
describe('a sales bin left retained on Mosquitto, across a server restart', () => {
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

  it('comes back at the next start, replaces itself in telemetry, and does not hold back the till\'s next bin', async () => {
    const env = { MQTT_URL: broker.url, MQTT_CLIENT_ID: 'storepulse-retained-test', STOREPULSE_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'storepulse-retained-')), 'data') };
    const acceptedSales = async () => metricValue(await (await h!.api('/metrics')).text(), 'storepulse_ingest_messages_total', { kind: 'sales' });
    h = await startHarness({ env });
    await waitFor(async () => (await acceptedSales()) === 1, 5000, 'retained bin delivered at the first start');
    await h.close();

    h = await startHarness({ env });
    await waitFor(async () => (await acceptedSales()) === 1, 5000, 'retained bin delivered again at the second start');
    await agent.publishAsync(topics.sales('S001', 'T2'), bin(8, minute - 60_000, 30), { qos: 1 });
    await waitFor(async () => (await acceptedSales()) === 2, 5000, 'the next bin accepted');

    await h.server.telemetry.flush();
    const hour = minute - (minute % 3600_000);
    const series = await h.server.telemetry.salesSeries({ storeId: 'S001', from: hour - 3600_000, to: hour + 3600_000, binSeconds: 3600 });
    expect(series.reduce((n, b) => n + (b.revenue ?? 0), 0)).toBe(90);
  });
});

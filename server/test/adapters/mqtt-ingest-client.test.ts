import { afterAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import mqtt from 'mqtt';
import { topics } from '@storepulse/protocol';
import { connectIngestClient, type IngestClient } from '../../src/adapters/mqtt/mqtt-ingest-client.js';
import { startMosquitto, type MosquittoHandle } from '../../../test-support/mosquitto.js';
import { freePort, waitFor } from '../../../test-support/ports.js';

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
});

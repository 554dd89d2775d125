import mqtt from 'mqtt';
import { topics } from '@storepulse/protocol';
import { expect, it, vi } from 'vitest';
import { startHarness, status } from '../support/harness.js';

/** Runs once the server's MQTT client has left, before the embedded broker stops. */
const probe = vi.hoisted(() => ({ afterIngestClose: null as (() => Promise<void>) | null }));
vi.mock('../../src/adapters/mqtt/mqtt-ingest-client.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/adapters/mqtt/mqtt-ingest-client.js')>();
  return {
    ...real,
    connectIngestClient: async (opts: Parameters<typeof real.connectIngestClient>[0]) => {
      const client = await real.connectIngestClient(opts);
      return { ...client, close: async () => (await client.close(), await probe.afterIngestClose?.()) };
    },
  };
});

it("acknowledges no agent message once the server's own client has left the embedded broker", async () => {
  const h = await startHarness();
  const token = await h.issue('agent', { storeId: 'S001' });
  const agent = await mqtt.connectAsync(h.server.mqttUrl, { clientId: 'S001/T1', username: 'agent', password: token, reconnectPeriod: 0 });
  let acked: boolean | null = null;
  probe.afterIngestClose = async () => {
    // Acknowledged now, it would sit in the server's session in memory and go with the broker.
    acked = await Promise.race([
      agent.publishAsync(topics.status('S001', 'T1'), status(1), { qos: 1 }).then(() => true, () => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 500)),
    ]);
  };
  await h.close();
  expect(acked).toBe(false);
  await agent.endAsync(true);
});

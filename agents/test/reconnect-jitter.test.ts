import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectBroker } from '../src/agent/broker-connection.js';

describe('reconnect waits', () => {
  /** A broker that is restarting: it takes each connection and drops it at once. */
  let broker: Server;
  let url = '';
  beforeAll(async () => {
    broker = createServer((s) => s.destroy());
    await new Promise<void>((r) => broker.listen(0, '127.0.0.1', r));
    url = `mqtt://127.0.0.1:${(broker.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => broker.close(() => r())));

  it('vary at random between half and one and a half reconnectPeriod', async () => {
    // MQTT.js waits for a reconnect with setInterval (nothing else here sets one: no CONNACK, no keepalive).
    const timers = vi.spyOn(globalThis, 'setInterval');
    const draws = [0, 0.25, 0.999, 0.5];
    const client = connectBroker(url, { reconnectPeriod: 40 }, () => draws.shift() ?? 0.5);
    let reconnects = 0;
    client.on('reconnect', () => reconnects++);
    try {
      await expect.poll(() => reconnects).toBeGreaterThanOrEqual(4);
      expect(timers.mock.calls.slice(0, 4).map((call) => call[1])).toEqual([20, 30, 60, 40]);
    } finally {
      await client.endAsync(true);
      timers.mockRestore();
    }
  });

  it('leave a client that should not reconnect alone', async () => {
    let drawn = 0;
    const client = connectBroker(url, { reconnectPeriod: 0 }, () => ++drawn);
    await new Promise<void>((r) => client.once('close', r));
    await client.endAsync(true);
    expect(client.options.reconnectPeriod).toBe(0);
    expect(drawn).toBe(0);
  });
});

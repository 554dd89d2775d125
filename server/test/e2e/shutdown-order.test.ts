import { connect } from 'node:net';
import { request, Agent } from 'node:http';
import { io } from 'socket.io-client';
import { expect, it, vi } from 'vitest';
import { ADMIN_TOKEN, startHarness } from '../support/harness.js';

it('saves its state before letting network clients go, and does not wait on connections that stay open', async () => {
  const h = await startHarness();
  const { port } = new URL(h.server.url);
  const order: string[] = [];
  const incidentsClose = h.server.incidents.close.bind(h.server.incidents);
  vi.spyOn(h.server.incidents, 'close').mockImplementation(() => (order.push('incidents saved'), incidentsClose()));
  const telemetryClose = h.server.telemetry.close.bind(h.server.telemetry);
  vi.spyOn(h.server.telemetry, 'close').mockImplementation(() => (order.push('telemetry flushed'), telemetryClose()));

  const live = io(h.server.url, { auth: { token: ADMIN_TOKEN }, transports: ['websocket'], reconnection: false });
  await new Promise<void>((resolve) => live.once('connect', resolve));
  live.once('disconnect', () => order.push('live client let go'));
  // A request that never ends: its headers are never finished.
  const stuck = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => stuck.once('connect', resolve));
  stuck.write('GET /api/health HTTP/1.1\r\nHost: storepulse\r\n');
  stuck.once('close', () => order.push('stuck connection closed'));
  // A scrape in flight on a keep-alive connection, which would stay open once answered.
  const registry = h.server.metrics.registry;
  const metrics = registry.metrics.bind(registry);
  vi.spyOn(registry, 'metrics').mockImplementation(async () => (await new Promise((r) => setTimeout(r, 300)), metrics()));
  const agent = new Agent({ keepAlive: true });
  const scrape = new Promise<number>((resolve, reject) => {
    request(`${h.server.url}/metrics`, { agent, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      res.socket.once('close', () => order.push('scrape connection closed'));
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
  await vi.waitFor(() => expect(registry.metrics).toHaveBeenCalled());

  const started = Date.now();
  await h.close();
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await scrape).toBe(200);
  await vi.waitFor(() => expect(order).toHaveLength(5));
  expect(order.slice(0, 2)).toEqual(['incidents saved', 'telemetry flushed']);
  agent.destroy();
}, 20_000);

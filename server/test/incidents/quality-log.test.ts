import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { topics } from '@storepulse/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { waitFor } from '../../../test-support/ports.js';

/** A till whose clock runs fast sends every bin ahead: each is refused and counted, but the log is not flooded. */
let h: Harness;
const lines: { msg: string; reason?: string; count?: number }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  h = await startHarness({ logger: pino({ level: 'info' }, sink) });
});
afterAll(() => h?.close());

it('logs at most 20 of a minute\'s refused bins per reason, from ingest and from the incident engine alike', async () => {
  const agent = await mqtt.connectAsync(h.server.mqttUrl, { clientId: 'S001/T1', username: 'agent', password: await h.issue('agent', { storeId: 'S001' }), reconnectPeriod: 0 });
  const ahead = Date.now() + 10 * 60_000;
  for (let seq = 1; seq <= 30; seq++) {
    const binStart = new Date(ahead + seq * 60_000).toISOString();
    const binEnd = new Date(ahead + (seq + 1) * 60_000).toISOString();
    await agent.publishAsync(topics.footfall('S001', 'door1'), JSON.stringify({ v: 1, seq, binStart, binEnd, in: 3, out: 2 }), { qos: 1 });
  }
  await agent.endAsync();
  const metrics = async () => (await h.api('/metrics')).text();
  await waitFor(async () => /storepulse_ingest_rejected_total\{reason="clock_skew"\} 30/.test(await metrics()), 10_000, 'all 30 refused and counted');
  const engine = () => lines.filter((l) => l.msg === 'incident input not taken as is' && l.reason === 'clock_skew');
  await waitFor(() => engine().length === 20, 5000, 'the engine\'s first 20');
  expect(lines.filter((l) => l.msg === 'mqtt message rejected' && l.reason === 'clock_skew')).toHaveLength(20);
  // Both summaries come once the minute ends; the remaining ten are not logged one by one.
  expect(engine()).toHaveLength(20);
});

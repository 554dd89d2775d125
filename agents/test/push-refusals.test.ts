import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, type AgentHandle } from '../src/agent/agent.js';
import { checkConfig } from '../src/agent/config.js';
import { startMosquitto, type MosquittoHandle } from '../../test-support/mosquitto.js';
import { freePort, waitFor } from '../../test-support/ports.js';

describe('a push whose bins the agent refuses, through the agent and a real Mosquitto', () => {
  let mosq: MosquittoHandle;
  let observer: MqttClient;
  let agent: AgentHandle;
  let base = '';
  const bins: Array<{ binStart: string; in: number }> = [];

  beforeAll(async () => {
    mosq = await startMosquitto();
    observer = await mqtt.connectAsync(mosq.url, { clientId: 'push-observer' });
    observer.on('message', (_topic, raw) => bins.push(JSON.parse(raw.toString())));
    await observer.subscribeAsync('storepulse/v1/stores/S200/footfall/+', { qos: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-push-'));
    writeFileSync(join(dir, 'token'), 'tok', { mode: 0o600 });
    const port = await freePort();
    agent = await startAgent(checkConfig({
      storeId: 'S200', tillId: 'T1', broker: { url: mosq.url }, spool: { dir: join(dir, 'spool') },
      counters: [{ id: 'door1', type: 'generic', timezone: 'Europe/Paris' }],
      push: { host: '127.0.0.1', port, tokenFile: join(dir, 'token') },
    }), { logger: pino({ level: 'silent' }) });
    base = `http://127.0.0.1:${port}/push/door1`;
  });

  afterAll(async () => {
    await agent?.stop();
    await observer?.endAsync();
    await mosq?.stop();
  });

  const post = (body: object) => fetch(base, { method: 'POST', headers: { authorization: 'Bearer tok' }, body: JSON.stringify(body) });
  const good = (hh: string, n: number) => ({ binStart: `2026-11-23T${hh}:00:00Z`, binEnd: `2026-11-23T${hh}:15:00Z`, in: n, out: 0 });

  it('answers 422 with the reason for bins it cannot use, and 204 for good ones', async () => {
    const notIso = '1 of 1 bins refused: bin time is not an ISO 8601 time such as 2026-11-23T10:00:00Z\n';
    // A device an hour ahead (its clock, or local time sent as UTC): the server would drop it as clock skew, unheard.
    const aheadStart = Math.floor(Date.now() / 900_000) * 900_000 + 3_600_000;
    const ahead = { binStart: new Date(aheadStart).toISOString(), binEnd: new Date(aheadStart + 900_000).toISOString(), in: 2, out: 1 };
    for (const [bad, why] of [
      [{ binStart: '2026-11-23 10:00:00', binEnd: '2026-11-23 10:15:00', in: 4, out: 3 }, notIso],
      [{ binStart: 1795428000, binEnd: 1795428900, in: 4, out: 3 }, notIso],
      [{ ...good('10', 4), in: -4 }, '1 of 1 bins refused: count -4 is not a whole number from 0 to 1000000\n'],
      [ahead, `1 of 1 bins refused: bin ends at ${ahead.binEnd}, more than 5 min ahead of the agent's clock: check the device's clock and time zone\n`],
    ] as const) {
      const res = await post(bad);
      expect(res.status).toBe(422);
      expect(await res.text()).toBe(why);
    }
    expect(agent.stats().rejected.bad_bin).toBe(4);
    expect((await post(good('09', 7))).status).toBe(204);
    await waitFor(() => bins.length === 1, 5000, 'the good bin');
    expect(bins[0]).toMatchObject({ binStart: '2026-11-23T09:00:00.000Z', in: 7 });
  });

  it('keeps the good bins of a mixed push, says which were refused, and takes a resend without doubling', async () => {
    const mixed = { bins: [good('11', 5), { ...good('12', 1), binEnd: '2026-11-23T14:00:00Z' }, good('13', 6)] };
    const res = await post(mixed);
    expect(res.status).toBe(422);
    expect(await res.text()).toBe('1 of 3 bins refused, 2 kept: bin is 7200s wide; it must be 10s to 900s\n');
    await waitFor(() => bins.length === 3, 5000, 'the two good bins');
    expect(bins.slice(1).map((b) => b.in)).toEqual([5, 6]);
    expect((await post(mixed)).status).toBe(422);
    expect((await post({ bins: [good('11', 5), good('13', 6)] })).status).toBe(204);
    // A bin pushed after the resends comes next: they added nothing before it.
    expect((await post(good('15', 2))).status).toBe(204);
    await waitFor(() => bins.some((b) => b.in === 2), 5000, 'the bin after the resends');
    expect(bins.map((b) => b.in)).toEqual([7, 5, 6, 2]);
  });
});

import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../../test-support/agent-process.js';
import { startMosquitto, type MosquittoHandle } from '../../test-support/mosquitto.js';
import { waitFor } from '../../test-support/ports.js';

interface Bin { binStart: string; binEnd: string; transactions: number; revenue: number }

describe('a real agent stopped and started again, through a real Mosquitto', () => {
  let mosq: MosquittoHandle;
  let observer: MqttClient;
  /** The sales bins the server would keep: one sent again with the same bounds replaces the one before. */
  const bins = new Map<string, Bin>();
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-sales-restart-'));
  const csv = join(dir, 'sales.csv');
  const config = join(dir, 'agent.yaml');
  const running: AgentProcess[] = [];

  beforeAll(async () => {
    mosq = await startMosquitto();
    observer = await mqtt.connectAsync(mosq.url, { clientId: 'sales-restart-observer' });
    observer.on('message', (_topic, raw) => {
      const b = JSON.parse(raw.toString()) as Bin;
      bins.set(`${b.binStart}/${b.binEnd}`, b);
    });
    await observer.subscribeAsync('storepulse/v1/stores/S200/tills/T1/sales', { qos: 1 });
    writeFileSync(config, stringify({
      storeId: 'S200', tillId: 'T1', heartbeatSec: 3600,
      broker: { url: mosq.url },
      spool: { dir: join(dir, 'spool') },
      probes: { sales: { csv, currency: 'EUR', intervalSec: 10, timezone: 'UTC' } },
    }));
  });

  afterAll(async () => {
    for (const a of running) await a.kill9();
    await observer?.endAsync(true);
    await mosq?.stop();
  });

  async function launch(): Promise<AgentProcess> {
    const agent = spawnAgent(config);
    running.push(agent);
    await waitFor(() => agent.output().includes('"msg":"agent started"'), 10_000, 'agent started');
    return agent;
  }

  const sale = (amount: number) => appendFileSync(csv, `${new Date().toISOString().slice(0, 19)};${amount}\n`);
  const sent = () => [...bins.values()].sort((a, b) => a.binStart.localeCompare(b.binStart));
  const totals = () => sent().reduce((t, b) => ({ transactions: t.transactions + b.transactions, revenue: t.revenue + b.revenue }), { transactions: 0, revenue: 0 });

  it('sends every sale of the export: those of an export made after it started, since its last read, and while it was stopped', async () => {
    // The export does not exist yet when the agent starts.
    const first = await launch();
    writeFileSync(csv, 'time;amount\n');
    sale(10);
    await waitFor(() => totals().transactions === 1, 15_000, 'the first sale');
    sale(20);
    sale(30);
    await first.stop();
    sale(40);
    const second = await launch();
    sale(50);
    await waitFor(() => totals().transactions === 5, 15_000, 'every sale');
    expect(totals()).toEqual({ transactions: 5, revenue: 150 });
    // Back to back, each as wide as the protocol takes: the server refuses none.
    for (const [i, b] of sent().entries()) {
      expect(Date.parse(b.binEnd) - Date.parse(b.binStart)).toBeGreaterThanOrEqual(10_000);
      if (i > 0) expect(b.binStart).toBe(sent()[i - 1]!.binEnd);
    }
    expect(first.output().match(/POS export not found at the start/g)).toHaveLength(1);
    await second.stop();
  }, 45_000);
});

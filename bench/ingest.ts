/**
 * npm run bench:ingest — publishers → Mosquitto → consumer, for a fleet of 10,000 stores × 6 tills.
 * Runs a bare MQTT.js subscriber and then the storepulse server on the same broker in the same run, and prints
 * each one's end-to-end rate (messages received, validated and applied per second), their ratio, the server's RSS
 * and any message the broker dropped.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { dump } from 'js-yaml';
import { ALL_STORES_SUBSCRIPTION } from '@storepulse/protocol';
import { startMosquitto } from '../test-support/mosquitto.js';
import { freePort, waitFor } from '../test-support/ports.js';

const STORES = Number(process.env.BENCH_STORES ?? 10_000);
const TILLS = Number(process.env.BENCH_TILLS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 4);
const TOTAL = STORES * TILLS * ROUNDS;
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');

interface Run { received: number; seconds: number; rate: number; published: number }

async function publish(url: string): Promise<number> {
  const per = Math.ceil(STORES / PUBLISHERS);
  const counts = await Promise.all(
    Array.from({ length: PUBLISHERS }, (_, i) => new Promise<number>((res, rej) => {
      const child = fork(join(here, 'ingest-publisher.js'), [url, String(i * per), String(Math.min(STORES, (i + 1) * per)), String(TILLS), String(ROUNDS)]);
      let n = 0;
      child.on('message', (m: { published: number }) => (n = m.published));
      child.on('exit', (code) => (code === 0 ? res(n) : rej(new Error(`publisher exited ${code}`))));
    })),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Counts until the consumer has everything, or nothing more came for 5 s (drops). */
async function measure(count: () => Promise<number> | number, url: string): Promise<Run> {
  const publishing = publish(url);
  let first = 0, last = 0, seen = 0, lastChange = Date.now();
  for (;;) {
    const n = await count();
    const now = Date.now();
    if (n > seen) { if (seen === 0) first = now; seen = n; last = now; lastChange = now; }
    if (seen >= TOTAL || now - lastChange > 5_000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const published = await publishing;
  const seconds = Math.max((last - first) / 1000, 0.001);
  return { received: seen, seconds, rate: seen / seconds, published };
}

function fleetConfig(dir: string): string {
  const hours = '00:00-24:00';
  const stores = Array.from({ length: STORES }, (_, i) => ({
    id: `S${String(i).padStart(5, '0')}`, name: `Store ${i}`, city: `City ${i % 50}`, timezone: 'Europe/Madrid', currency: 'EUR',
    tills: Array.from({ length: TILLS }, (_, t) => `T${t + 1}`),
    hours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours },
  }));
  const path = join(dir, 'bench.yaml');
  writeFileSync(path, dump({ stores }, { flowLevel: 2 }));
  return path;
}

const broker = await startMosquitto();
const work = mkdtempSync(join(tmpdir(), 'storepulse-bench-'));
const children: ChildProcess[] = [];
try {
  console.log(`bench:ingest — ${STORES} stores × ${TILLS} tills × ${ROUNDS} rounds = ${TOTAL} status messages at QoS 1, ${PUBLISHERS} publisher processes, Mosquitto on :${broker.port}`);

  // Baseline: a bare MQTT.js subscriber, same session settings as the server's.
  const bare = await mqtt.connectAsync(broker.url, { clientId: 'bench-bare', clean: false, reconnectPeriod: 0 });
  let bareCount = 0;
  bare.on('message', () => { bareCount++; });
  await bare.subscribeAsync(ALL_STORES_SUBSCRIPTION, { qos: 1 });
  const baseline = await measure(() => bareCount, broker.url);
  await bare.unsubscribeAsync(ALL_STORES_SUBSCRIPTION);
  await bare.endAsync();

  // The server, as its own process, validating and applying every message.
  const port = await freePort();
  const token = 'bench-admin-token-0123456789abcdef';
  // BENCH_SERVER_NODE_ARGS passes flags such as --cpu-prof to the server process.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...nodeArgs, join(repo, 'server/dist/bin/start.js')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MQTT_URL: broker.url, MQTT_CLIENT_ID: 'bench-server', STOREPULSE_CONFIG: fleetConfig(work), STOREPULSE_DATA_DIR: join(work, 'data'), STOREPULSE_ADMIN_TOKEN: token, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(server);
  server.once('exit', (code) => {
    if (code !== null && code !== 0) { console.error(`server exited with ${code}`); process.exit(1); }
  });
  const metric = async (name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.ok, 60_000, 'server up');
  // Measure steady-state ingest: let the server finish its start-up work (learning store models) first.
  let cpu = await metric('storepulse_process_cpu_seconds_total');
  await waitFor(async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await metric('storepulse_process_cpu_seconds_total');
    const busy = now - cpu;
    cpu = now;
    return busy < 0.1;
  }, 120_000, 'server idle after start-up');
  const base = await metric('storepulse_ingest_messages_total');
  const run = await measure(async () => (await metric('storepulse_ingest_messages_total')) - base, broker.url);
  const rss = await metric('storepulse_process_resident_memory_bytes');
  const rejected = await metric('storepulse_ingest_rejected_total');
  const dups = await metric('storepulse_ingest_duplicates_total');

  const row = (name: string, r: Run) => `${name.padEnd(22)} ${String(r.received).padStart(8)} / ${String(r.published).padStart(8)}   ${r.rate.toFixed(0).padStart(8)} msg/s   dropped ${r.published - r.received}`;
  console.log('');
  console.log('consumer               received / published       rate');
  console.log(row('bare MQTT.js', baseline));
  console.log(row('storepulse server', run));
  console.log('');
  console.log(`ratio server / bare: ${(run.rate / baseline.rate).toFixed(2)}   (target ≥ 0.80)`);
  console.log(`server RSS after the run: ${(rss / 1024 / 1024).toFixed(0)} MB   (target ≤ 400 MB)`);
  console.log(`server rejected ${rejected}, ignored as duplicates ${dups}`);
} finally {
  await Promise.all(children.map((c) => new Promise((r) => { c.once('exit', r); c.kill('SIGTERM'); })));
  await broker.stop();
}

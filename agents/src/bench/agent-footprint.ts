/**
 * Footprint of the agent beside an idle Node process measured in the same run: RSS and CPU at
 * steady state with every probe at its default interval, then the heap across spool fill/drain
 * cycles. Run with `npm run build && node agents/dist/bench/agent-footprint.js`
 * (BENCH_SECONDS sets the steady-state window, default 60; BENCH_CYCLES the fill/drain cycles, default 3).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Aedes } from 'aedes';
import { stringify } from 'yaml';

const AGENT = fileURLToPath(new URL('../bin/storepulse-agent.js', import.meta.url));
const STEADY_S = Number(process.env.BENCH_SECONDS ?? 60);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 3);
const BINS_PER_CYCLE = 20_000;
const CLK_TCK = 100;
/** The flags the systemd unit and the Windows service use (BENCH_NODE_FLAGS overrides); --expose-gc lets stats measure live memory. */
const NODE_FLAGS = [...(process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=2').split(' ').filter(Boolean), '--expose-gc'];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function idleRss(script: string): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  await sleep(2000);
  const rss = rssOf(child.pid!);
  child.kill();
  return rss;
}

async function listen(server: Server | ReturnType<typeof createHttp>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as AddressInfo).port;
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('the footprint bench reads /proc and runs on Linux only');
  const idle = await idleRss('setInterval(() => {}, 1e6);');
  const idleMqtt = await idleRss("await import('mqtt'); setInterval(() => {}, 1e6);");

  // A broker in this process, and fake devices for every probe.
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  let mqttServer = createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); broker.handle(s); });
  const mqttPort = await listen(mqttServer);
  const printer = createServer((s) => s.on('data', (d) => { for (let i = 0; i + 2 < d.length; i += 3) s.write(Buffer.from([0x12])); }).on('error', () => undefined));
  const terminal = createServer((s) => s.destroy());
  let count = 0;
  const axis = createHttp((_req, res) => {
    count += 3;
    const t = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ serial: 'B', name: 'bench', timestamp: t, in: count, out: count - 1 }));
  });
  const [printerPort, terminalPort, axisPort] = await Promise.all([listen(printer), listen(terminal), listen(axis)]);

  const dir = mkdtempSync(join(tmpdir(), 'storepulse-bench-'));
  const probe = createServer();
  const pushPort = await listen(probe);
  await new Promise<void>((r) => probe.close(() => r()));
  writeFileSync(join(dir, 'token'), 'bench', { mode: 0o600 });
  const config = join(dir, 'agent.yaml');
  writeFileSync(config, stringify({
    storeId: 'S001', tillId: 'T1',
    broker: { url: `mqtt://127.0.0.1:${mqttPort}` },
    spool: { dir: join(dir, 'spool'), maxMB: 200, maxAgeH: 72 },
    probes: { pos: { process: 'node' }, printer: { host: '127.0.0.1', port: printerPort }, payment: { host: '127.0.0.1', port: terminalPort }, network: {} },
    counters: [{ id: 'door1', type: 'axis', url: `http://127.0.0.1:${axisPort}`, timezone: 'UTC' }, { id: 'door2', type: 'generic', timezone: 'UTC' }],
    push: { port: pushPort, host: '127.0.0.1', tokenFile: join(dir, 'token') },
  }));

  const agent: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, AGENT, 'run', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stats: Array<{ heapUsed: number; rss: number; spool: { backlog: number } }> = [];
  let buf = '';
  agent.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as { msg: string };
      buf = buf.slice(nl + 1);
      if (line.msg === 'agent stats') stats.push(line as never);
    }
  });
  const sample = async () => {
    const before = stats.length;
    agent.kill('SIGUSR2');
    while (stats.length === before) await sleep(50);
    return stats.at(-1)!;
  };

  console.log(`warming up 10 s, then measuring ${STEADY_S} s at steady state…`);
  await sleep(10_000);
  const t0 = performance.now();
  const c0 = cpuTicks(agent.pid!);
  let peakRss = 0;
  for (let s = 0; s < STEADY_S; s++) {
    await sleep(1000);
    peakRss = Math.max(peakRss, rssOf(agent.pid!));
  }
  const cpu = ((cpuTicks(agent.pid!) - c0) / CLK_TCK) / ((performance.now() - t0) / 1000) * 100;
  const steady = await sample();

  console.log(`filling and draining the spool ${CYCLES} times with ${BINS_PER_CYCLE} bins…`);
  const heaps: string[] = [];
  let bin = 0;
  for (let c = 0; c < CYCLES; c++) {
    mqttServer.close();
    for (const s of sockets) s.destroy();
    for (let sent = 0; sent < BINS_PER_CYCLE; sent += 500) {
      const bins = Array.from({ length: 500 }, () => {
        const start = Date.UTC(2026, 0, 1) + bin++ * 60_000;
        return { binStart: new Date(start).toISOString(), binEnd: new Date(start + 60_000).toISOString(), in: 1, out: 1 };
      });
      const res = await fetch(`http://127.0.0.1:${pushPort}/push/door2`, { method: 'POST', headers: { authorization: 'Bearer bench' }, body: JSON.stringify({ bins }) });
      if (res.status !== 204) throw new Error(`push refused: ${res.status}`);
    }
    const full = await sample();
    mqttServer = createServer((s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); broker.handle(s); });
    await new Promise<void>((r) => mqttServer.listen(mqttPort, '127.0.0.1', () => r()));
    let drained = full;
    while (drained.spool.backlog > 0) {
      await sleep(1000);
      drained = await sample();
    }
    heaps.push(`cycle ${c + 1}: heap ${mb(full.heapUsed)} full (${full.spool.backlog} queued), ${mb(drained.heapUsed)} drained`);
  }

  agent.kill('SIGTERM');
  await new Promise((r) => agent.once('exit', r));
  for (const s of sockets) s.destroy();
  for (const s of [mqttServer, printer, terminal, axis]) s.close();
  broker.close();

  console.log('\nagent footprint');
  console.log(`  idle node RSS              ${mb(idle)}`);
  console.log(`  idle node + MQTT.js RSS    ${mb(idleMqtt)}`);
  console.log(`  agent flags                ${NODE_FLAGS.join(' ')}`);
  console.log(`  agent RSS (peak, steady)   ${mb(peakRss)}  = ${(peakRss / idle).toFixed(2)}× idle node (target ≤ 2×)`);
  console.log(`  agent CPU (steady)         ${cpu.toFixed(2)} % of one core (target ≤ 1 %)`);
  console.log(`  agent heap (steady)        ${mb(steady.heapUsed)}`);
  for (const h of heaps) console.log(`  ${h}`);
}

main().catch((err: Error) => {
  console.error(err);
  process.exitCode = 1;
});

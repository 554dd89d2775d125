import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface InfluxdHandle {
  url: string;
  port: number;
  dir: string;
  /** Starts influxd again on the same port and data directories. */
  start(): Promise<void>;
  /** Stops it gracefully (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash or power loss would. */
  kill9(): Promise<void>;
  /** Stops it and deletes its directories. */
  destroy(): Promise<void>;
}

const INFLUXD = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

function config(dir: string, httpPort: number, rpcPort: number): string {
  // Everything but the HTTP API is off: no usage reporting, no UDP/Graphite/collectd/OpenTSDB listeners.
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
[logging]
  level = "warn"
[subscriber]
  enabled = false
[continuous_queries]
  enabled = false
[[graphite]]
  enabled = false
[[collectd]]
  enabled = false
[[opentsdb]]
  enabled = false
[[udp]]
  enabled = false
`;
}

async function waitForPing(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`${url}/ping`);
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`influxd did not answer /ping within ${timeoutMs} ms: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a private influxd (1.x) on free loopback ports with its own config and a temporary data directory. */
export async function startInfluxd(): Promise<InfluxdHandle> {
  const port = await freePort();
  const rpcPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-influxd-'));
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(conf, config(dir, port, rpcPort));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let stderr = '';

  const halt = async (signal: NodeJS.Signals) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(signal);
    });
  };

  const handle: InfluxdHandle = {
    url,
    port,
    dir,
    async start() {
      stderr = '';
      const c = spawn(INFLUXD, ['-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      await waitForPing(url, c, () => stderr);
    },
    stop: () => halt('SIGTERM'),
    kill9: () => halt('SIGKILL'),
    async destroy() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';

export interface MosquittoHandle {
  port: number;
  url: string;
  dir: string;
  /** Stops the broker (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same config and persistence directory. */
  start(): Promise<void>;
  /** The running broker's process id, to signal it (SIGHUP reloads its password file and ACL). */
  readonly pid: number | undefined;
}

const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

/**
 * Runs a private Mosquitto on a free loopback port with its own config, so tests never depend on
 * (or disturb) a broker the machine may already run. `extraConfig` is appended to the config file;
 * pass `configFile` to run a config of your own instead (its listener line must use `{{PORT}}`).
 */
export async function startMosquitto(opts: { extraConfig?: string; configFile?: string; port?: number } = {}): Promise<MosquittoHandle> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-mosq-'));
  const conf = join(dir, 'mosquitto.conf');
  const body = opts.configFile
    ? opts.configFile.replaceAll('{{PORT}}', String(port)).replaceAll('{{DIR}}', dir)
    : [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'max_queued_messages 0',
        'max_inflight_messages 0',
        opts.extraConfig ?? '',
      ].join('\n');
  writeFileSync(conf, body + '\n');
  let child: ChildProcess | null = null;
  let stderr = '';

  const handle: MosquittoHandle = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid;
    },
    async start() {
      stderr = '';
      child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
      const exited = new Promise<never>((_, reject) => {
        child?.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}: ${stderr}`)));
      });
      await Promise.race([waitForPort(port), exited]);
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    },
  };
  await handle.start();
  return handle;
}

/** `npm run demo` stopped and started again: the demo's own restart is not an outage of the stores. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoreDetail, TillHistory } from '@storepulse/protocol';
import { freePort, waitFor } from '../../../test-support/ports.js';

const demoJs = fileURLToPath(new URL('../../dist/bin/demo.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'storepulse-demo-'));
const children: ChildProcess[] = [];

interface Demo {
  child: ChildProcess;
  url: string;
  token: string;
}

async function startDemo(port: number, mqttPort: number): Promise<Demo> {
  const child = spawn(process.execPath, [demoJs], {
    env: { ...process.env, DEMO_STORES: '2', DEMO_TILLS: '2', STOREPULSE_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', MQTT_PORT: String(mqttPort), MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const token = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /wall \(open in a browser\):\s+\S+\?token=(\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, token };
}

async function get<T>(demo: Demo, path: string): Promise<T> {
  const res = await fetch(`${demo.url}${path}`, { headers: { authorization: `Bearer ${demo.token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

afterAll(async () => {
  for (const c of children.filter((c) => c.exitCode === null && c.signalCode === null)) {
    c.kill('SIGKILL');
    await new Promise((resolve) => c.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo, stopped and started again', () => {
  it('does not record its simulated tills going offline when the demo itself stops', async () => {
    const port = await freePort();
    let mqttPort = await freePort();
    while (mqttPort === port) mqttPort = await freePort();
    const first = await startDemo(port, mqttPort);
    const startedAt = Date.now();
    const online = async (demo: Demo) => {
      const res = await fetch(`${demo.url}/api/stores/S001`, { headers: { authorization: `Bearer ${demo.token}` } });
      return res.ok && ((await res.json()) as StoreDetail).tills.every((t) => t.online);
    };
    await waitFor(() => online(first).catch(() => false), 15_000, 'the simulated tills to connect');

    const stoppedAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await new Promise((resolve) => first.child.once('exit', resolve))).toBe(0);

    const second = await startDemo(port, mqttPort);
    const restartedAt = Date.now();
    await waitFor(() => online(second).catch(() => false), 15_000, 'the simulated tills to reconnect');
    for (const store of ['S001', 'S002']) {
      const history = await get<TillHistory>(second, `/api/stores/${store}/tills/history?from=${new Date(startedAt - 60_000).toISOString()}&to=${new Date().toISOString()}`);
      // While the demo was down nobody watched the tills: no state of theirs is known, least of all "offline".
      const atStop = history.changes.filter((c) => Date.parse(c.at) >= stoppedAt - 1000 && Date.parse(c.at) < restartedAt);
      expect(atStop.filter((c) => c.state === 'offline'), store).toEqual([]);
    }
    second.child.kill('SIGTERM');
    expect(await new Promise((resolve) => second.child.once('exit', resolve))).toBe(0);
  }, 60_000);
});

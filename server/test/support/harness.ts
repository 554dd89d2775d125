import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { startServer, type RunningServer } from '../../src/index.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export const TWO_STORES_YAML = `
stores:
  - id: S001
    name: Madrid Gran Vía
    city: Madrid
    timezone: Europe/Madrid
    currency: EUR
    tills: [T1, T2, T3]
    hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
    provider: pilot
    conversion: 0.22
    avgBasket: 48
  - id: S002
    name: Vladivostok Central
    city: Vladivostok
    timezone: Asia/Vladivostok
    currency: RUB
    tills: [T1, T2]
    hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
    provider: other
`;

export interface Harness {
  server: RunningServer;
  dir: string;
  /** fetch against the server with a Bearer token (the admin's unless given). */
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  issue(role: string, extra?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

/** Starts a real server (HTTP, socket.io, MQTT client, SQLite) in this process with a temp data dir. */
export async function startHarness(opts: { yaml?: string; env?: Record<string, string>; logger?: Logger } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-test-'));
  const config = join(dir, 'storepulse.yaml');
  writeFileSync(config, opts.yaml ?? TWO_STORES_YAML);
  const server = await startServer({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      STOREPULSE_CONFIG: config,
      STOREPULSE_DATA_DIR: join(dir, 'data'),
      STOREPULSE_ADMIN_TOKEN: ADMIN_TOKEN,
      STOREPULSE_WEB_DIR: join(dir, 'no-web'),
      ...opts.env,
    },
    logger: opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const api = (path: string, init: RequestInit & { token?: string | null } = {}) => {
    const { token = ADMIN_TOKEN, headers, ...rest } = init;
    const h = new Headers(headers);
    if (token) h.set('authorization', `Bearer ${token}`);
    if (rest.body && !h.has('content-type')) h.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...rest, headers: h, redirect: 'manual' });
  };
  return {
    server,
    dir,
    api,
    async issue(role, extra = {}) {
      const res = await api('/api/tokens', { method: 'POST', body: JSON.stringify({ role, label: `test ${role}`, ...extra }) });
      if (res.status !== 201) throw new Error(`token issue failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { token: string }).token;
    },
    close: () => server.close(),
  };
}

/** A status payload with every component ok except the ones given. */
export function status(seq: number, patch: Record<string, string> = {}, ts = new Date().toISOString()) {
  const c = (name: string) => ({ state: patch[name] ?? 'ok' });
  return JSON.stringify({ v: 1, ts, seq, components: { pos: c('pos'), printer: c('printer'), payment: c('payment'), network: c('network') } });
}

/** Reads one sample of a Prometheus metric from /metrics text. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([^{\s]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name && (m[2] ?? '') === want) return Number(m[3]);
  }
  return 0;
}

/** Picks the telemetry adapter: InfluxDB when INFLUX_URL is set, otherwise the embedded SQLite store. */
import { join } from 'node:path';
import { InfluxTelemetryStore } from './influx-store.js';
import { COMPONENT_NAMES, type Components } from '@storepulse/protocol';
import type { CityOf, TelemetryLog, TelemetryStore, TillStatusPoint } from './port.js';
import { SqliteTelemetryStore } from './sqlite-store.js';

export type * from './port.js';
export { HISTORY_METRICS, INCIDENT_PHASES } from './port.js';
export { ROLLUP_BIN_SECONDS } from './bins.js';
export { RAW_RETENTION_MS } from './retention.js';
export { SqliteTelemetryStore } from './sqlite-store.js';
export { InfluxTelemetryStore } from './influx-store.js';

/** The component states of a status payload, as `TillStatusPoint.components` takes them. */
export function componentStates(components: Components | null): TillStatusPoint['components'] {
  if (components === null) return null;
  return Object.fromEntries(COMPONENT_NAMES.map((name) => [name, components[name].state]));
}

export type TelemetryConfig =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'influx';
      url: string;
      db: string;
      token?: string;
      user?: string;
      password?: string;
      rawRp?: string;
      rollupRp: string;
      manageSchema: boolean;
      spoolDir: string;
      maxSpoolBytes: number;
    };

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** Reads the telemetry settings; throws an Error naming the bad variable. */
export function telemetryConfigFromEnv(env: Record<string, string | undefined>, dataDir: string): TelemetryConfig {
  const url = nonEmpty(env.INFLUX_URL);
  if (!url) return { kind: 'sqlite', path: join(dataDir, 'telemetry.db') };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The value is not echoed: it may carry credentials.
    throw new Error('INFLUX_URL is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('INFLUX_URL must be http:// or https://');
  // fetch refuses such a URL, quoting it whole in its error: every write would fail and log the password.
  if (parsed.username || parsed.password) throw new Error('INFLUX_URL must not carry a user or password: set INFLUX_USER and INFLUX_PASSWORD, or INFLUX_TOKEN');
  const token = nonEmpty(env.INFLUX_TOKEN);
  const user = nonEmpty(env.INFLUX_USER);
  if (token && user) throw new Error('set INFLUX_TOKEN or INFLUX_USER/INFLUX_PASSWORD, not both');
  const spoolMb = Number(nonEmpty(env.INFLUX_SPOOL_MAX_MB) ?? 512);
  if (!Number.isFinite(spoolMb) || spoolMb <= 0) throw new Error('INFLUX_SPOOL_MAX_MB must be a positive number');
  const manage = nonEmpty(env.INFLUX_MANAGE_SCHEMA) ?? 'true';
  if (manage !== 'true' && manage !== 'false') throw new Error('INFLUX_MANAGE_SCHEMA must be true or false');
  const config: TelemetryConfig = {
    kind: 'influx',
    url,
    db: nonEmpty(env.INFLUX_DB) ?? 'storepulse',
    rollupRp: nonEmpty(env.INFLUX_ROLLUP_RP) ?? 'rollup',
    manageSchema: manage === 'true',
    spoolDir: join(dataDir, 'influx-spool'),
    maxSpoolBytes: Math.round(spoolMb * 1024 * 1024),
  };
  const rawRp = nonEmpty(env.INFLUX_RAW_RP);
  if (rawRp) config.rawRp = rawRp;
  if (token) config.token = token;
  if (user) {
    config.user = user;
    config.password = env.INFLUX_PASSWORD ?? '';
  }
  return config;
}

/** Opens the configured store. `cityOf` feeds the city tag; `log` hears rejections and outages. */
export async function openTelemetryStore(config: TelemetryConfig, deps: { cityOf?: CityOf; log?: TelemetryLog } = {}): Promise<TelemetryStore> {
  if (config.kind === 'sqlite') return new SqliteTelemetryStore({ path: config.path, ...deps });
  const { kind: _kind, ...influx } = config;
  return InfluxTelemetryStore.open({ ...influx, ...deps });
}

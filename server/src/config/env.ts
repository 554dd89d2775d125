import Type, { type Static } from 'typebox';
import envSchema from 'env-schema';
import type { ErrorObject } from 'ajv';
import { ConfigError, formatAjvErrors } from './config-error.js';
import { telemetryConfigFromEnv, type TelemetryConfig } from '../telemetry/index.js';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';
import { parseAllowedOrigins } from './allowed-origins.js';
import { parseWebhookAllowHosts } from '../notify/destination.js';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** Environment variables of the server. Everything else lives in the YAML file named by STOREPULSE_CONFIG. */
export const EnvSchema = Type.Object({
  PORT: Type.Optional(Port),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  STOREPULSE_CONFIG: Type.Optional(Type.String({ minLength: 1 })),
  STOREPULSE_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  STOREPULSE_ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 24, maxLength: 256 })),
  STOREPULSE_WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
  MQTT_URL: Type.Optional(Type.String({ pattern: '^(mqtt|mqtts|tcp|tls|ws|wss)://' })),
  MQTT_USERNAME: Type.Optional(Type.String()),
  MQTT_PASSWORD: Type.Optional(Type.String()),
  MQTT_CLIENT_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
  MQTT_PORT: Type.Optional(Port),
  MQTT_HOST: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Optional(Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  RATE_LIMIT_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  SOCKET_RATE_LIMIT_MAX: Type.Optional(Type.Integer({ minimum: 1 })),
  TRUST_PROXY: Type.Optional(Type.String({ minLength: 1 })),
  ALLOWED_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
  WEBHOOK_ALLOW_HOSTS: Type.Optional(Type.String({ minLength: 1 })),
  // InfluxDB telemetry (read by telemetryConfigFromEnv); without INFLUX_URL the embedded SQLite store serves.
  INFLUX_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  INFLUX_DB: Type.Optional(Type.String({ minLength: 1 })),
  INFLUX_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  INFLUX_USER: Type.Optional(Type.String({ minLength: 1 })),
  INFLUX_PASSWORD: Type.Optional(Type.String()),
  INFLUX_RAW_RP: Type.Optional(Type.String({ minLength: 1 })),
  INFLUX_ROLLUP_RP: Type.Optional(Type.String({ minLength: 1 })),
  INFLUX_MANAGE_SCHEMA: Type.Optional(Type.Enum(['true', 'false'])),
  INFLUX_SPOOL_MAX_MB: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  // Email for ticket notifications; the URL may carry credentials, so it is never echoed.
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  SMTP_FROM: Type.Optional(Type.String({ minLength: 3 })),
});

type RawEnv = Static<typeof EnvSchema>;

export interface Env {
  port: number;
  host: string;
  configPath: string;
  dataDir: string;
  adminToken: string | undefined;
  webDir: string | undefined;
  mqtt:
    | { mode: 'external'; url: string; username: string | undefined; password: string | undefined; clientId: string | null }
    | { mode: 'embedded'; host: string; port: number; portExplicit: boolean; clientId: string | null };
  logLevel: string;
  rateLimitMax: number;
  /** socket.io handshakes per minute per client address. */
  socketRateLimitMax: number;
  trustProxy: TrustProxy;
  /** Origins, besides the server's own, whose pages may use the session cookie and open the socket. */
  allowedOrigins: string[];
  /** Internal receivers (host names, addresses, CIDR ranges) webhooks may reach; any other internal address is refused. */
  webhookAllowHosts: string[];
  telemetry: TelemetryConfig;
  smtp: { url: string; from: string } | null;
}

const NAMES = new Set(Object.keys(EnvSchema.properties));

/** Validates the environment; throws a ConfigError naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined>): Env {
  const data = Object.fromEntries(Object.entries(source).filter(([k, v]) => NAMES.has(k) && v !== undefined && v !== ''));
  let raw: RawEnv;
  try {
    raw = envSchema<RawEnv>({ schema: EnvSchema, data, env: false, dotenv: false });
  } catch (err) {
    const errors = (err as { errors?: ErrorObject[] }).errors;
    if (!errors) throw err;
    throw new ConfigError('environment', formatAjvErrors(errors, '', (e) => {
      const name = e.instancePath.split('/')[1];
      // Never echoed: secrets, and the URLs that may carry one (MQTT_URL may hold the server's broker password).
      return name && !/TOKEN|PASSWORD|INFLUX_URL|SMTP_URL|MQTT_URL/.test(name) ? data[name] : undefined;
    }));
  }
  // Refused rather than ignored: a setup that looks complete would run without what it was meant to set up.
  const ignored = [
    raw.INFLUX_PASSWORD !== undefined && !raw.INFLUX_USER && 'INFLUX_PASSWORD is set without INFLUX_USER, so it would be ignored; set INFLUX_USER too, or remove it',
    (raw.MQTT_USERNAME !== undefined || raw.MQTT_PASSWORD !== undefined) && !raw.MQTT_URL &&
      'MQTT_USERNAME/MQTT_PASSWORD are set without MQTT_URL, so the embedded broker would run and they would be ignored; set MQTT_URL to the broker they are for, or remove them',
    raw.SMTP_FROM !== undefined && !raw.SMTP_URL && 'SMTP_FROM is set without SMTP_URL, so no email would be sent; set SMTP_URL too, or remove it',
  ].filter((p) => typeof p === 'string');
  if (ignored.length > 0) throw new ConfigError('environment', ignored);
  // Unset: one made once and kept in the data directory (adapters/mqtt/server-client-id.ts).
  const clientId = raw.MQTT_CLIENT_ID ?? null;
  const dataDir = raw.STOREPULSE_DATA_DIR ?? './data';
  let telemetry: TelemetryConfig;
  try {
    telemetry = telemetryConfigFromEnv(data, dataDir);
  } catch (err) {
    throw new ConfigError('environment', [(err as Error).message]);
  }
  const trustProxy = parseTrustProxy(raw.TRUST_PROXY);
  if ('problem' in trustProxy) throw new ConfigError('environment', [trustProxy.problem]);
  const allowedOrigins = parseAllowedOrigins(raw.ALLOWED_ORIGINS);
  if ('problems' in allowedOrigins) throw new ConfigError('environment', allowedOrigins.problems);
  const webhookAllowHosts = parseWebhookAllowHosts(raw.WEBHOOK_ALLOW_HOSTS);
  if ('problems' in webhookAllowHosts) throw new ConfigError('environment', webhookAllowHosts.problems);
  return {
    port: raw.PORT ?? 8080,
    host: raw.HOST ?? '0.0.0.0',
    configPath: raw.STOREPULSE_CONFIG ?? 'config/storepulse.yaml',
    dataDir,
    adminToken: raw.STOREPULSE_ADMIN_TOKEN,
    webDir: raw.STOREPULSE_WEB_DIR,
    mqtt: raw.MQTT_URL
      ? { mode: 'external', url: raw.MQTT_URL, username: raw.MQTT_USERNAME, password: raw.MQTT_PASSWORD, clientId }
      : { mode: 'embedded', host: raw.MQTT_HOST ?? '0.0.0.0', port: raw.MQTT_PORT ?? 1883, portExplicit: raw.MQTT_PORT !== undefined, clientId },
    logLevel: raw.LOG_LEVEL ?? 'info',
    rateLimitMax: raw.RATE_LIMIT_MAX ?? 1200,
    socketRateLimitMax: raw.SOCKET_RATE_LIMIT_MAX ?? 120,
    trustProxy: trustProxy.value,
    allowedOrigins: allowedOrigins.value,
    webhookAllowHosts: webhookAllowHosts.value,
    telemetry,
    smtp: raw.SMTP_URL ? { url: raw.SMTP_URL, from: raw.SMTP_FROM ?? 'storepulse@localhost' } : null,
  };
}

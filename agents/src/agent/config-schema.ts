import type { XStatic } from 'typebox/schema';
import { ID_PATTERN } from '@storepulse/protocol';

/*
 * The agent's config as a plain JSON Schema object: ajv checks it at start-up, and TypeBox infers the
 * config type from it at compile time only, so the running agent never loads a schema builder.
 */

const id = { type: 'string', pattern: ID_PATTERN } as const;
const port = { type: 'integer', minimum: 1, maximum: 65535 } as const;
const httpUrl = { type: 'string', pattern: '^https?://' } as const;
const path = { type: 'string', minLength: 1 } as const;
const text = { type: 'string', minLength: 1 } as const;
const timeoutMs = { type: 'integer', minimum: 100, maximum: 30_000 } as const;
const intervalSec = { type: 'integer', minimum: 5, maximum: 3600 } as const;

const broker = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^(mqtts?|wss?)://[^\\s]+$' },
    username: text,
    passwordFile: path,
    caFile: path,
    keepaliveSec: { type: 'integer', minimum: 5, maximum: 600 },
  },
} as const;

const posProbe = {
  type: 'object',
  additionalProperties: false,
  required: ['process'],
  properties: {
    process: text,
    healthUrl: httpUrl,
    heartbeatFile: path,
    maxAgeSec: { type: 'integer', minimum: 1, maximum: 86_400 },
    intervalSec: { type: 'integer', minimum: 1, maximum: 3600 },
  },
} as const;

const printerProbe = {
  type: 'object',
  additionalProperties: false,
  properties: { host: text, port, device: path, timeoutMs, intervalSec },
} as const;

const paymentProbe = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port'],
  properties: { host: text, port, statusUrl: httpUrl, timeoutMs, intervalSec },
} as const;

const networkProbe = {
  type: 'object',
  additionalProperties: false,
  properties: { degradedMs: { type: 'integer', minimum: 1, maximum: 60_000 }, intervalSec },
} as const;

const salesProbe = {
  type: 'object',
  additionalProperties: false,
  required: ['currency'],
  properties: {
    csv: path,
    url: httpUrl,
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    intervalSec: { type: 'integer', minimum: 10, maximum: 900 },
    timezone: text,
  },
} as const;

const counter = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type'],
  properties: {
    id,
    type: { enum: ['axis', 'axis-push', 'xovis', 'generic'] },
    url: httpUrl,
    username: text,
    passwordFile: path,
    timezone: text,
    intervalSec: { type: 'integer', minimum: 10, maximum: 900 },
    lines: { type: 'array', minItems: 1, maxItems: 32, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

export const AgentConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['storeId', 'tillId', 'broker', 'spool'],
  properties: {
    storeId: id,
    tillId: id,
    broker,
    heartbeatSec: intervalSec,
    spool: {
      type: 'object',
      additionalProperties: false,
      required: ['dir'],
      properties: {
        dir: path,
        maxMB: { type: 'number', exclusiveMinimum: 0, maximum: 100_000 },
        maxAgeH: { type: 'number', exclusiveMinimum: 0, maximum: 24 * 365 },
      },
    },
    probes: {
      type: 'object',
      additionalProperties: false,
      properties: { pos: posProbe, printer: printerProbe, payment: paymentProbe, network: networkProbe, sales: salesProbe },
    },
    counters: { type: 'array', items: counter },
    push: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'tokenFile'],
      properties: { port, host: text, tokenFile: path },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] } },
    },
  },
} as const;

export type AgentConfig = XStatic<typeof AgentConfigSchema>;
export type CounterConfig = XStatic<typeof counter>;

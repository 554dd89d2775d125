import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { parseDocument } from 'yaml';
import { ID_PATTERN } from '@storepulse/protocol';
import { AgentConfigSchema, type AgentConfig } from './config-schema.js';

export type { AgentConfig, CounterConfig } from './config-schema.js';

/** A config that cannot run, with every problem found (one line per field). */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`${source}: invalid config\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function field(e: ErrorObject): string {
  const path = e.instancePath.slice(1).replaceAll('/', '.');
  return path === '' ? '(top level)' : path;
}

/** One readable line per schema error. */
function describe(e: ErrorObject): string {
  const where = field(e);
  const inside = where === '(top level)' ? '' : `${where}.`;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${inside}${String(e.params.additionalProperty)}: unknown key`;
    case 'required':
      return `${inside}${String(e.params.missingProperty)}: is required`;
    case 'pattern':
      return `${where}: ${describePattern(e.params.pattern as string)}`;
    case 'enum':
      return `${where}: must be one of ${(e.params.allowedValues as string[]).join(', ')}`;
    default:
      return `${where}: ${e.message ?? 'is invalid'}`;
  }
}

function describePattern(pattern: string): string {
  if (pattern === ID_PATTERN) return 'must be 1-64 letters, digits, "_" or "-"';
  if (pattern.startsWith('^(mqtts?')) return 'must be an mqtt://, mqtts://, ws:// or wss:// URL';
  if (pattern === '^https?://') return 'must be an http:// or https:// URL';
  if (pattern === '^[A-Z]{3}$') return 'must be an ISO 4217 currency code such as EUR';
  return `must match ${pattern}`;
}

/** Checks that the schema cannot express: cross-field rules. */
function crossChecks(c: AgentConfig): string[] {
  const problems: string[] = [];
  const printer = c.probes?.printer;
  if (printer && !printer.host === !printer.device) problems.push('probes.printer: give either host (network printer) or device (local port), not both or neither');
  if (printer?.port !== undefined && !printer.host) problems.push('probes.printer.port: only applies with host');
  const sales = c.probes?.sales;
  if (sales && !sales.csv === !sales.url) problems.push('probes.sales: give either csv or url');
  if (sales?.timezone && !isZone(sales.timezone)) problems.push(`probes.sales.timezone: ${sales.timezone} is not an IANA time zone`);
  if (sales?.timezone && !sales.csv) problems.push('probes.sales.timezone: only applies with csv (an endpoint is asked in UTC)');
  const seen = new Set<string>();
  (c.counters ?? []).forEach((k, i) => {
    if (seen.has(k.id)) problems.push(`counters.${i}.id: ${k.id} is used twice`);
    seen.add(k.id);
    if (k.type === 'axis' && !k.url) problems.push(`counters.${i}.url: an axis counter is polled, so it needs the device URL`);
    if (k.type !== 'axis' && !c.push) problems.push(`counters.${i}.type: ${k.type} pushes to the agent, so the config needs a push section`);
    if (k.timezone && !isZone(k.timezone)) problems.push(`counters.${i}.timezone: ${k.timezone} is not an IANA time zone`);
    if (k.lines && k.type !== 'xovis') problems.push(`counters.${i}.lines: only applies to a xovis counter`);
  });
  if (c.broker.passwordFile && !c.broker.username) problems.push('broker.username: is required with passwordFile');
  problems.push(...brokerUrlProblems(c.broker.url));
  return problems;
}

/** What the schema's pattern lets through but a connection cannot use; the URL itself is never repeated (it may hold a password). */
function brokerUrlProblems(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return ['broker.url: is not a URL'];
  }
  const problems: string[] = [];
  if (url.hostname === '') problems.push('broker.url: names no host');
  if (url.username || url.password) problems.push('broker.url: must not carry a user or password: give broker.username and broker.passwordFile');
  return problems;
}

function isZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Validates parsed config data; throws ConfigError listing every bad field. */
export function checkConfig(data: unknown, source = 'config'): AgentConfig {
  // Compiled per call and then dropped: a config is checked once, and the agent keeps its memory small.
  const validate = new Ajv({ allErrors: true, strict: true }).compile<AgentConfig>(AgentConfigSchema);
  if (!validate(data)) throw new ConfigError(source, (validate.errors ?? []).map(describe));
  const problems = crossChecks(data);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return data;
}

/** Reads and validates a YAML config file. */
export async function loadConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(path, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  return checkConfig(doc.toJS(), path);
}

/** Defaults filled in, in one place so that `check` and `run` agree. */
export function withDefaults(c: AgentConfig) {
  return {
    ...c,
    heartbeatSec: c.heartbeatSec ?? 30,
    keepaliveSec: c.broker.keepaliveSec ?? 30,
    spoolMaxBytes: (c.spool.maxMB ?? 200) * 1024 * 1024,
    spoolMaxAgeMs: (c.spool.maxAgeH ?? 72) * 3_600_000,
  };
}

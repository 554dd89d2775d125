import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { tillClientId } from '@storepulse/protocol';
import { AGENT_VERSION } from '../version.js';
import { mqttOptions, probesFor } from '../agent/agent.js';
import { brokerForLogs, connectBroker } from '../agent/broker-connection.js';
import { loadConfig, withDefaults, type AgentConfig } from '../agent/config.js';
import { readSecretFile } from '../agent/credentials.js';
import { basicAuth, fetchLiveSum } from '../agent/counters/axis-poller.js';
import { runProbe } from '../agent/probes/probe.js';
import { peekBacklog } from '../agent/spool.js';
import { TillStatus } from '../agent/status.js';

export interface CheckLine {
  item: string;
  ok: boolean;
  text: string;
}

async function brokerLine(cfg: AgentConfig): Promise<CheckLine> {
  const logger = pino({ level: 'silent' });
  try {
    const opts = await mqttOptions(cfg, logger);
    // Its own client id and no will: checking must not knock the running agent off the broker.
    const started = performance.now();
    const client = connectBroker(cfg.broker.url, { ...opts, clientId: tillClientId(cfg.storeId, cfg.tillId, 'check'), will: undefined, reconnectPeriod: 0 });
    let ms: number;
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
        client.once('close', () => reject(new Error('the broker closed the connection')));
      });
      ms = Math.round(performance.now() - started);
    } finally {
      await client.endAsync();
    }
    return { item: 'broker', ok: true, text: `connected to ${brokerForLogs(cfg.broker.url)} in ${ms} ms` };
  } catch (err) {
    return { item: 'broker', ok: false, text: `cannot connect to ${brokerForLogs(cfg.broker.url)}: ${(err as Error).message}` };
  }
}

/** Everything `check` looks at, one line each. */
export async function checkAll(cfg: AgentConfig): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const d = withDefaults(cfg);
  for (const [item, file] of [['credentials', cfg.broker.passwordFile], ['push token', cfg.push?.tokenFile]] as const) {
    if (!file) continue;
    const r = await readSecretFile(file).catch((err: Error) => ({ error: err.message }));
    if ('error' in r) lines.push({ item, ok: false, text: `cannot read ${file}: ${r.error}` });
    else lines.push({ item, ok: r.exposed === null, text: r.exposed ?? `${file} readable by its owner only` });
  }
  lines.push(await brokerLine(cfg));
  const spool = await peekBacklog(cfg.spool.dir);
  const limit = `${cfg.spool.maxMB ?? 200} MB`;
  lines.push(spool === null
    ? { item: 'spool', ok: true, text: `${cfg.spool.dir} does not exist yet; the agent creates it (limit ${limit})` }
    : { item: 'spool', ok: spool.bytes < d.spoolMaxBytes * 0.8, text: `${waiting(spool.backlog)} (${(spool.bytes / 1024).toFixed(1)} KiB of ${limit})` });
  // Each component as the status message will report it, so the network line carries the backlog as HQ sees it.
  const probes = probesFor(cfg);
  const status = new TillStatus(probes.map((p) => p.component));
  const results = await Promise.all(probes.map((p) => runProbe(p)));
  probes.forEach((p, i) => status.set(p.component, results[i]!));
  const reported = status.components(spool?.backlog ?? 0);
  for (const p of probes) {
    const r = reported[p.component];
    lines.push({ item: p.component, ok: r.state === 'ok', text: `${r.state}${r.detail ? ` (${r.detail})` : ''}` });
  }
  for (const c of cfg.counters ?? []) {
    if (c.type !== 'axis') {
      lines.push({ item: `counter ${c.id}`, ok: true, text: `${c.type} pushes to port ${cfg.push?.port}/push/${c.id}` });
      continue;
    }
    const r = await fetchLiveSum(c.url!, await basicAuth(c.username, c.passwordFile), AbortSignal.timeout(10_000));
    lines.push('error' in r
      ? { item: `counter ${c.id}`, ok: false, text: `unknown (${r.error})` }
      : { item: `counter ${c.id}`, ok: true, text: `in ${r.in}, out ${r.out} today (device time ${r.timestamp})` });
  }
  return lines;
}

function waiting(backlog: number): string {
  if (backlog === 0) return 'nothing waiting to be sent';
  return `${backlog} message${backlog === 1 ? '' : 's'} waiting to be sent to the broker`;
}

export function formatReport(cfg: AgentConfig, source: string, lines: CheckLine[]): string {
  const width = Math.max(...lines.map((l) => l.item.length), 6);
  const out = [`storepulse-agent ${AGENT_VERSION}: store ${cfg.storeId}, till ${cfg.tillId}`, `${'config'.padEnd(width)}  OK    ${source}`];
  for (const l of lines) out.push(`${l.item.padEnd(width)}  ${l.ok ? 'OK  ' : 'FAIL'}  ${l.text}`);
  const bad = lines.filter((l) => !l.ok).length;
  out.push(bad === 0 ? 'All checks passed.' : `${bad} check(s) need attention.`);
  return out.join('\n');
}

/** Exit code: 0 all good, 1 the config does not load, 3 something needs attention. */
export async function checkCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) throw new Error('--config is required');
  const cfg = await loadConfig(values.config);
  const lines = await checkAll(cfg);
  process.stdout.write(`${formatReport(cfg, values.config, lines)}\n`);
  return lines.every((l) => l.ok) ? 0 : 3;
}

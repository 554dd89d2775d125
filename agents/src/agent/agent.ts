import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { tillClientId, topics, type ComponentName, type FootfallPayload, type SalesPayload, type StatusPayload } from '@storepulse/protocol';
import type { TillComponents } from '../components.js';
import { AGENT_VERSION } from '../version.js';
import { brokerForLogs, connectBroker } from './broker-connection.js';
import { withDefaults, type AgentConfig } from './config.js';
import { readSecretFile } from './credentials.js';
import { binProblem, SentBins, type FootfallBin } from './counters/bins.js';
import type { PushServer, PushType } from './counters/push-server.js';
import { networkProbe } from './probes/network.js';
import { paymentProbe } from './probes/payment.js';
import { posProbe } from './probes/pos.js';
import { printerProbe } from './probes/printer.js';
import { runProbe, type Probe } from './probes/probe.js';
import { RefusedConnectRetry } from './refused-connect.js';
import { startSalesFeed, type SalesFeed } from './sales-feed.js';
import { Sender } from './sender.js';
import { Spool, type SpoolStats } from './spool.js';
import { TillStatus } from './status.js';

/** A live counter reading further behind the agent's clock than this was taken by a wrong clock or zone. */
const COUNTER_BEHIND_MS = 5 * 60_000;
const COUNTER_CLOCK_WARNING_EVERY_MS = 60 * 60_000;

export interface AgentStats {
  connected: boolean;
  published: number;
  /** CONNECTs the broker refused (wrong or revoked password), since the agent started. */
  brokerRefusals: number;
  spool: SpoolStats;
  components: Record<ComponentName, { state: string; detail?: string }>;
  /**
   * Input refused (bad counter bins and pushes, bad POS export lines), by reason; with POS export lines whose sales were
   * counted in the bin being filled because their time could not be used (sales_time_*).
   */
  rejected: Record<string, number>;
}

export interface AgentHandle {
  stop(): Promise<void>;
  stats(): AgentStats;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** What the agent builds per topic kind (the protocol's Components type is spelled out in TillComponents). */
interface Built {
  status: Omit<StatusPayload, 'components'> & { components: TillComponents };
  footfall: FootfallPayload;
  sales: SalesPayload;
}
const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The probes a config asks for; the network probe always runs, against the broker. */
export function probesFor(cfg: AgentConfig): Probe[] {
  const p = cfg.probes ?? {};
  const list: Probe[] = [];
  if (p.pos) list.push(posProbe(p.pos));
  if (p.printer) list.push(printerProbe(p.printer));
  if (p.payment) list.push(paymentProbe(p.payment));
  list.push(networkProbe(cfg.broker.url, p.network));
  return list;
}

/** MQTT options of the agent: client id, keepalive, TLS CA, credentials and the last will. */
export async function mqttOptions(cfg: AgentConfig, logger: Logger): Promise<IClientOptions> {
  const d = withDefaults(cfg);
  const opts: IClientOptions = {
    clientId: tillClientId(cfg.storeId, cfg.tillId),
    keepalive: d.keepaliveSec,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    clean: true,
    // Without this MQTT.js pre-builds a buffer for each of the 65,536 packet ids (≈ 6 MB of heap) on first publish.
    writeCache: false,
    will: { topic: topics.online(cfg.storeId, cfg.tillId), payload: Buffer.from(JSON.stringify({ v: 1, online: false })), qos: 1, retain: true },
  };
  if (cfg.broker.username) opts.username = cfg.broker.username;
  if (cfg.broker.passwordFile) {
    const { secret, exposed } = await readSecretFile(cfg.broker.passwordFile);
    if (exposed) logger.warn({ file: cfg.broker.passwordFile }, exposed);
    opts.password = secret;
  }
  if (cfg.broker.caFile) opts.ca = await readFile(cfg.broker.caFile);
  return opts;
}

/** Starts the agent. The config must already be valid (loadConfig). */
export async function startAgent(cfg: AgentConfig, opts: { logger?: Logger } = {}): Promise<AgentHandle> {
  const logger = opts.logger ?? pino({ level: cfg.log?.level ?? 'info' });
  const d = withDefaults(cfg);
  const spool = await Spool.open({ dir: cfg.spool.dir, maxBytes: d.spoolMaxBytes, maxAgeMs: d.spoolMaxAgeMs, logger });
  const rejected = new Map<string, number>();
  const reject = (reason: string, o: object, msg: string) => {
    rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
    logger.warn({ reason, ...o }, msg);
  };
  let stopping = false;
  /** Set once the spool is about to close: nothing may be spooled after. */
  let closing = false;
  /**
   * Spools a message; resolves once it is on disk. Payloads are typed per kind rather than checked
   * with the protocol's validators at run time, which would cost a till several MB for no gain.
   */
  const enqueue = async <K extends keyof Built>(kind: K, topic: string, build: (seq: number) => Built[K]) => {
    if (closing) throw new Error('agent is stopping');
    try {
      await spool.append(kind, topic, kind === 'status', (seq) => ({ ...build(seq) }));
    } catch (err) {
      logger.error({ err: (err as Error).message, kind }, 'could not spool a message');
      throw err;
    }
  };

  const timers = new Set<NodeJS.Timeout>();
  /** Runs `fn` now and then every `ms`, never overlapping itself. */
  const every = (ms: number, fn: () => Promise<void>, runNow = true) => {
    const loop = async () => {
      if (stopping) return;
      await fn().catch((err: Error) => logger.error({ err: err.message }, 'periodic task failed'));
      if (stopping) return;
      const t = setTimeout(() => { timers.delete(t); void loop(); }, ms);
      timers.add(t);
    };
    if (runNow) void loop();
    else {
      const t = setTimeout(() => { timers.delete(t); void loop(); }, ms);
      timers.add(t);
    }
  };

  // Status: on every change, and on the heartbeat.
  const probes = probesFor(cfg);
  const status = new TillStatus(probes.map((p) => p.component));
  const statusTopic = topics.status(cfg.storeId, cfg.tillId);
  const publishStatus = () => {
    // The backlog as it stands before this status joins it.
    const backlog = spool.stats().backlog;
    void enqueue('status', statusTopic, (seq) => ({ v: 1, ts: iso(Date.now()), seq, components: status.components(backlog) }))
      .catch(() => undefined);
  };

  const client: MqttClient = connectBroker(cfg.broker.url, await mqttOptions(cfg, logger));
  const broker = brokerForLogs(cfg.broker.url);
  const refusedRetry = new RefusedConnectRetry(client, logger, broker);
  let wasConnected = false;
  client.on('connect', () => {
    wasConnected = true;
    logger.info({ broker, backlog: spool.stats().backlog }, 'connected to the broker');
    client.publish(topics.online(cfg.storeId, cfg.tillId), JSON.stringify({ v: 1, online: true, agent: { version: AGENT_VERSION } }), { qos: 1, retain: true });
  });
  client.on('close', () => {
    if (wasConnected) logger.warn({ backlog: spool.stats().backlog }, 'lost the broker; spooling');
    wasConnected = false;
  });
  client.on('error', (err) => {
    if (!refusedRetry.waiting) logger.warn({ err: err.message }, 'MQTT error');
  });
  const sender = new Sender(client, spool);
  const stopSender = sender.start();

  // One full round first, so the first status carries every probe's answer; then each on its own interval.
  void Promise.all(probes.map((p) => runProbe(p))).then((first) => {
    if (stopping) return;
    probes.forEach((p, i) => status.set(p.component, first[i]!));
    publishStatus();
    for (const probe of probes) {
      every(probe.intervalMs, async () => {
        const r = await runProbe(probe);
        if (status.set(probe.component, r)) {
          logger.info({ component: probe.component, ...r }, 'component state changed');
          publishStatus();
        }
      }, false);
    }
    every(d.heartbeatSec * 1000, async () => publishStatus(), false);
  });
  every(60_000, () => spool.sweep(), false);

  // Door counters.
  const sent = new SentBins();
  /** Spools the new bins; resolves once they are on disk, with the reason for each bin refused (counted and logged). */
  const emitBins = async (counterId: string, bins: FootfallBin[]): Promise<string[]> => {
    const refused: string[] = [];
    const writes: Array<Promise<void>> = [];
    for (const b of bins) {
      const problem = binProblem(b);
      if (problem) {
        reject('bad_bin', { counter: counterId }, `counter bin refused: ${problem}`);
        refused.push(problem);
        continue;
      }
      if (!sent.isNew(counterId, b)) continue;
      // Remembered as sent once on disk only: a device answered 503 sends the bin again, and that must not be dropped.
      writes.push(enqueue('footfall', topics.footfall(cfg.storeId, counterId), (seq) => ({
        v: 1, seq, binStart: iso(b.binStart), binEnd: iso(b.binEnd), in: b.in, out: b.out,
      })).then(() => sent.record(counterId, b)));
    }
    await Promise.all(writes);
    return refused;
  };
  // Counter drivers (and Luxon with them) load only when configured: most tills have no counter.
  const axisCounters = (cfg.counters ?? []).filter((c) => c.type === 'axis');
  // A live reading far behind the agent's clock: the device's clock or time zone is wrong, and its bins land early.
  // Sent all the same (the counts are real), counted each time and logged at most hourly per counter.
  const clockWarnedAt = new Map<string, number>();
  const checkCounterClock = (counterId: string, readAt: number) => {
    const now = Date.now();
    if (now - readAt <= COUNTER_BEHIND_MS) return;
    rejected.set('counter_clock', (rejected.get('counter_clock') ?? 0) + 1);
    if (now - (clockWarnedAt.get(counterId) ?? Number.NEGATIVE_INFINITY) < COUNTER_CLOCK_WARNING_EVERY_MS) return;
    clockWarnedAt.set(counterId, now);
    logger.warn({ reason: 'counter_clock', counter: counterId, readAt: iso(readAt) },
      `counter reading ${Math.round((now - readAt) / 60_000)} min behind the agent's clock: check the device's clock and counters[].timezone; its bins are sent at the device's time`);
  };
  if (axisCounters.length > 0) {
    const { AxisPoller, basicAuth } = await import('./counters/axis-poller.js');
    for (const c of axisCounters) {
      const poller = new AxisPoller(c.url!, c.timezone ?? localZone(), await basicAuth(c.username, c.passwordFile), join(cfg.spool.dir, `axis-${c.id}.json`));
      const unused = await poller.restore();
      if (unused) reject('counter_state', { counter: c.id }, `counter state not used: ${unused}`);
      every((c.intervalSec ?? 60) * 1000, async () => {
        const step = await poller.poll(AbortSignal.timeout(10_000));
        if (step.kind === 'error') reject('counter_unreadable', { counter: c.id }, `counter unreadable: ${step.reason}`);
        else if (step.kind === 'ignored') reject('counter_reading', { counter: c.id }, `counter reading ignored: ${step.reason}`);
        else if (step.kind === 'baseline' && step.reason) reject('counter_reading', { counter: c.id }, `counter re-based: ${step.reason}`);
        else if (step.kind === 'gap') {
          reject('counter_gap', { counter: c.id, from: iso(step.from), to: iso(step.to), in: step.in, out: step.out },
            `counter unread for ${Math.round((step.to - step.from) / 60_000)} min: its ${step.in} in / ${step.out} out over that time are not sent, as the device gives only their total`);
        }
        else if (step.kind === 'bin') {
          if (step.note) logger.info({ counter: c.id, note: step.note }, 'counter reset handled');
          checkCounterClock(c.id, step.bin.binEnd);
          try {
            await emitBins(c.id, [step.bin]);
          } catch {
            // enqueue logged why; the poller keeps the reading before, so the next bin carries these counts.
            return;
          }
          await poller.spooled().catch((err: Error) => reject('counter_state', { counter: c.id }, `counter state not saved: ${err.message}`));
        }
      });
    }
  }
  const pushCounters = (cfg.counters ?? []).filter((c) => c.type !== 'axis');
  let push: PushServer | null = null;
  if (pushCounters.length > 0 && cfg.push) {
    const { secret, exposed } = await readSecretFile(cfg.push.tokenFile);
    if (exposed) logger.warn({ file: cfg.push.tokenFile }, exposed);
    const { PushServer } = await import('./counters/push-server.js');
    push = new PushServer({
      host: cfg.push.host ?? '0.0.0.0',
      port: cfg.push.port,
      token: secret,
      counters: pushCounters.map((c) => ({ id: c.id, type: c.type as PushType, timezone: c.timezone ?? localZone(), ...(c.lines ? { lines: c.lines } : {}) })),
      onBins: emitBins,
      logger,
    });
    const port = await push.listen();
    logger.info({ port }, 'listening for counter pushes');
  }

  // Sales from the POS export or endpoint.
  const salesCfg = cfg.probes?.sales;
  let sales: SalesFeed | null = null;
  if (salesCfg) {
    sales = await startSalesFeed(salesCfg, {
      stateFile: join(cfg.spool.dir, 'sales.json'), maxAgeMs: d.spoolMaxAgeMs, zone: localZone(), logger, reject,
      spoolBin: (bin) => enqueue('sales', topics.sales(cfg.storeId, cfg.tillId), (seq) => ({
        v: 1, seq, binStart: iso(bin.binStart), binEnd: iso(bin.binEnd), transactions: bin.transactions,
        revenue: Math.round(bin.revenue * 100) / 100, currency: salesCfg.currency,
      })).then(() => true, () => false),
    });
    every((salesCfg.intervalSec ?? 60) * 1000, sales.round, false);
  }

  logger.info({ storeId: cfg.storeId, tillId: cfg.tillId, version: AGENT_VERSION, probes: probes.map((p) => p.component) }, 'agent started');

  return {
    stats: () => ({
      connected: client.connected,
      published: sender.published,
      brokerRefusals: refusedRetry.refusals,
      spool: spool.stats(),
      components: status.components(spool.stats().backlog),
      rejected: Object.fromEntries([
        ...rejected,
        ...(push ? [...push.rejected].map(([k, v]) => [`push_${k}`, v] as const) : []),
        ...(sales?.counts ?? []),
      ]),
    }),
    async stop() {
      if (stopping) return;
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await push?.close();
      // The sales since the last round go out now, or at the next start, rather than wait for a long stop to end.
      await sales?.stop();
      stopSender();
      refusedRetry.stop();
      if (client.connected) {
        // A deliberate stop sends no will: say goodbye ourselves.
        await client.publishAsync(topics.online(cfg.storeId, cfg.tillId), JSON.stringify({ v: 1, online: false }), { qos: 1, retain: true }).catch(() => undefined);
      }
      await client.endAsync(!client.connected).catch(() => undefined);
      closing = true;
      await spool.close();
      logger.info({}, 'agent stopped');
    },
  };
}

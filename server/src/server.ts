import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { openDatabase } from './adapters/sqlite/database.js';
import { IncidentRepository } from './adapters/sqlite/incident-repository.js';
import { StoreRepository } from './adapters/sqlite/store-repository.js';
import { TokenRepository } from './adapters/sqlite/token-repository.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './adapters/mqtt/embedded-broker.js';
import { connectIngestClient } from './adapters/mqtt/mqtt-ingest-client.js';
import { serverClientId } from './adapters/mqtt/server-client-id.js';
import { LiveGateway } from './adapters/socketio/live-gateway.js';
import { TelemetrySink } from './adapters/telemetry/telemetry-sink.js';
import { openTelemetryStore, type TelemetryStore } from './telemetry/index.js';
import { loadEnv } from './config/env.js';
import { loadConfigFile } from './config/file.js';
import { createFleet, tick, type Fleet } from './domain/fleet.js';
import { webhookUrlProblems } from './domain/sla/providers.js';
import { WebhookDestinations } from './notify/destination.js';
import { EventBus } from './event-bus.js';
import { buildHttpApp } from './http/app.js';
import { Ingest } from './ingest/ingest.js';
import { RejectionLog } from './ingest/rejection-log.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { ConfigError } from './config/config-error.js';
import { listenConfigError } from './config/listen-error.js';
import { AuthService } from './services/auth-service.js';
import { IncidentBroadcaster } from './services/incidents/incident-broadcaster.js';
import { IncidentService } from './services/incidents/incident-service.js';
import { ticketOf } from './services/incidents/ticket-of.js';
import { StoreService } from './services/store-service.js';
import { StoreAccess } from './services/access.js';
import { StoreConfigView, TicketService, attachTicketLive } from './services/tickets/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const VERSION = (JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')) as { version: string }).version;
const DEFAULT_WEB_DIR = resolve(here, '../../web/build');
const TICK_MS = 5_000;
/**
 * Shutdown runs phase by phase, whatever the order things started in: agent data and requests stop coming in, state
 * is saved, then network clients are let go (which can take seconds) and the database is closed.
 */
const PHASES = ['intake', 'save', 'network', 'database'] as const;
type Phase = (typeof PHASES)[number];
/** Inside Docker's default 10 s grace: a step still running then is left behind, so the ones after it still run. */
const SHUTDOWN_DEADLINE_MS = 8_000;
/** How long requests in flight at shutdown get before their connections are closed under them. */
const HTTP_GRACE_MS = 2_000;

export interface StartOptions {
  /** Environment variables (process.env in production; explicit values in tests). */
  env: Record<string, string | undefined>;
  logger?: Logger;
}

export interface RunningServer {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Where agents publish: the embedded broker's address, or MQTT_URL. */
  mqttUrl: string;
  /** Set when the embedded broker could not take the asked-for default port and took another. */
  mqttPortFellBack: boolean;
  /** An admin token generated at first start (no STOREPULSE_ADMIN_TOKEN and no admin yet); null otherwise. */
  generatedAdminToken: string | null;
  auth: AuthService;
  fleet: Fleet;
  bus: EventBus;
  metrics: Metrics;
  telemetry: TelemetryStore;
  incidents: IncidentService;
  tickets: TicketService;
  log: Logger;
  close(): Promise<void>;
}

/** The state database; a data directory the server cannot write is named as the setting to mend, not as an errno. */
function openStateDatabase(dataDir: string) {
  try {
    return openDatabase(dataDir);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !/^(EACCES|EPERM|EROFS|ENOTDIR|EEXIST|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM)/.test(code)) throw err;
    throw new ConfigError('the environment', [`STOREPULSE_DATA_DIR: the server cannot write its state in ${dataDir} (${(err as Error).message}); make it a directory the server's user can write`]);
  }
}

/**
 * Fastify's close waits for every keep-alive connection, up to its 72 s timeout: idle ones are closed as the requests
 * on them end, and whatever is left at the grace deadline with them.
 */
async function closeHttp(app: { server: HttpServer; close(): PromiseLike<unknown> }, graceMs: number): Promise<void> {
  const reap = setInterval(() => app.server.closeIdleConnections(), 100);
  const force = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(reap);
    clearTimeout(force);
  }
}

/** Whether `work` settles before `deadline` (epoch ms). */
async function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

const loopback = (host: string) => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** The composition root: validates config, wires every adapter to the domain, and starts listening. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const env = loadEnv(options.env);
  const destinations = new WebhookDestinations(env.webhookAllowHosts);
  const file = loadConfigFile(env.configPath);
  const webhookProblems = file.providers.flatMap((p, i) => webhookUrlProblems(p, `providers[${i}].`, (url) => destinations.urlProblem(url)));
  if (webhookProblems.length > 0) throw new ConfigError(env.configPath, webhookProblems);
  const log = options.logger ?? createLogger(env.logLevel);

  const db = openStateDatabase(env.dataDir);
  const bus = new EventBus();
  const auth = new AuthService(new TokenRepository(db), bus);
  try {
    // Refused before anything starts; the token itself is installed (or the first one generated) once all runs.
    auth.checkAdminToken(env.adminToken);
  } catch (err) {
    db.close();
    throw err;
  }

  const fleet = createFleet(file.tillRules, file.staleAfterMs);
  const metrics = createMetrics(fleet);
  const access = new StoreAccess();
  const stores = new StoreService(fleet, new StoreRepository(db), bus, access);
  stores.load(file.stores);

  const ingest = new Ingest({ fleet, bus, metrics, rejections: new RejectionLog(log.child({ component: 'ingest' })) });
  bus.on('store:removed', (id) => ingest.forgetStore(id));

  const steps: { phase: Phase; name: string; run: () => unknown }[] = [];
  const onClose = (phase: Phase, name: string, run: () => unknown) => void steps.push({ phase, name, run });
  onClose('database', 'state database', () => db.close());
  // One shutdown, however often it is asked for: a second call waits for the first rather than returning at once
  // (a second signal would otherwise exit while the first was still flushing).
  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      const deadline = Date.now() + SHUTDOWN_DEADLINE_MS;
      // The sort is stable: within a phase, steps run in reverse start order.
      const ordered = steps.splice(0).reverse().sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
      for (const step of ordered) {
        // A failing step must not skip the ones after it, nor a hanging one hold them past the deadline.
        const done = Promise.resolve()
          .then(step.run)
          .catch((err: unknown) => log.error({ err, step: step.name }, 'a shutdown step failed'));
        if (!(await beforeDeadline(done, deadline))) log.error({ step: step.name }, 'a shutdown step did not finish in time; going on without it');
      }
    })());

  try {
    const telemetry = await openTelemetryStore(env.telemetry, {
      cityOf: (id) => fleet.stores.get(id)?.config.city,
      log: log.child({ component: 'telemetry' }),
    });
    const sink = new TelemetrySink(telemetry, fleet, bus, log.child({ component: 'telemetry' }));
    onClose('save', 'telemetry flush', () => sink.close());
    TelemetrySink.registerMetrics(metrics.registry, () => telemetry.stats());

    // Listening before the incident service starts, so incidents it replays at start reach the tickets.
    const tickets = new TicketService({
      db,
      stores: new StoreConfigView(fleet.stores),
      providers: file.providers,
      config: file.tickets,
      log: log.child({ component: 'tickets' }),
      registry: metrics.registry,
      smtp: env.smtp,
      webhookAllowHosts: env.webhookAllowHosts,
    });
    bus.on('incident:opened', (incident) => tickets.onIncident('incident.opened', { incident }));
    bus.on('incident:updated', (incident) => tickets.onIncident('incident.updated', { incident }));
    bus.on('incident:closed', (incident) => tickets.onIncident('incident.closed', { incident }));
    bus.on('store:removed', (_id, config) => tickets.onStoreRemoved(config));
    // Sending is network work: it waits for the deliveries in flight, after the saves.
    onClose('network', 'notification outbox', () => tickets.stop());
    tickets.start();
    access.useProviders(() => tickets.providerCoverage());
    access.useTicketHolders((storeId) => tickets.providersHoldingAt(storeId));

    // Before the MQTT client connects: retained till states replayed at start must reach the engine.
    const incidents = new IncidentService({
      bus,
      fleet,
      access,
      repo: new IncidentRepository(db),
      telemetry,
      metrics,
      log: log.child({ component: 'incidents' }),
      timings: file.incidents,
      fileWindows: file.maintenance,
      ticketOf: ticketOf(tickets),
    });
    onClose('save', 'incident engine save', () => incidents.close());
    incidents.start();
    stores.useMaintenance((storeId) => incidents.maintenanceOf(storeId));
    const dropped = stores.announceDropped();
    if (dropped.length > 0) log.info({ storeIds: dropped }, 'stores removed: the config file no longer lists them');

    const mqttClientId = env.mqtt.clientId ?? serverClientId(env.dataDir);
    let broker: EmbeddedBroker | null = null;
    let mqttUrl: string;
    let ingestCredentials: { username?: string | undefined; password?: string | undefined };
    if (env.mqtt.mode === 'embedded') {
      const serverUser = { username: 'storepulse-server', password: randomBytes(24).toString('base64url') };
      broker = await startEmbeddedBroker({
        host: env.mqtt.host,
        port: env.mqtt.port,
        portExplicit: env.mqtt.portExplicit,
        auth,
        serverUser,
        serverClientId: mqttClientId,
        log: log.child({ component: 'broker' }),
        onAuthFailure: () => metrics.authFailures.inc({ channel: 'mqtt' }),
        bus,
        onPublishDenied: (reason) => metrics.publishDenied.inc({ reason }),
        knownTill: (storeId, tillId) => fleet.stores.get(storeId)?.tills.has(tillId) ?? false,
      });
      const b = broker;
      onClose('intake', 'embedded MQTT broker', () => b.close());
      mqttUrl = `mqtt://${loopback(env.mqtt.host)}:${broker.port}`;
      ingestCredentials = serverUser;
      if (broker.fellBack) {
        log.warn({ asked: env.mqtt.port, port: broker.port }, `MQTT port ${env.mqtt.port} is taken; the embedded broker listens on ${broker.port} instead (set MQTT_PORT to choose)`);
      }
    } else {
      mqttUrl = env.mqtt.url;
      ingestCredentials = { username: env.mqtt.username, password: env.mqtt.password };
    }

    const client = await connectIngestClient({
      url: mqttUrl,
      clientId: mqttClientId,
      ...ingestCredentials,
      log: log.child({ component: 'mqtt' }),
      onMessage: (topic, payload, retained) => ingest.handle(topic, payload, retained),
      onSessionLost: () => metrics.mqttSessionsLost.inc(),
    });
    onClose('intake', 'MQTT ingest client', () => client.close());
    // Agents only while the server's client reads: taken in once it has subscribed, let go before it leaves.
    if (broker) {
      const b = broker;
      b.acceptAgents();
      onClose('intake', 'MQTT agents', () => b.closeToAgents());
    }

    const http = await buildHttpApp({
      log,
      auth,
      stores,
      incidents,
      tickets,
      telemetry,
      hq: file.hq,
      registry: metrics.registry,
      health: { mqttConnected: () => client.connected() },
      webDir: env.webDir ?? DEFAULT_WEB_DIR,
      rateLimitMax: env.rateLimitMax,
      trustProxy: env.trustProxy,
      allowedOrigins: env.allowedOrigins,
      onAuthFailure: () => metrics.authFailures.inc({ channel: 'http' }),
      version: VERSION,
    });
    await http.ready();
    const live = new LiveGateway({
      httpServer: http.server,
      fleet,
      bus,
      auth,
      access,
      maintenanceOf: (storeId) => incidents.maintenanceOf(storeId),
      log: log.child({ component: 'live' }),
      onAuthFailure: () => metrics.authFailures.inc({ channel: 'socket' }),
      allowedOrigins: env.allowedOrigins,
      trustProxy: env.trustProxy,
      handshakesPerMinute: env.socketRateLimitMax,
      onHandshakeLimited: () => metrics.liveHandshakesLimited.inc(),
    });
    const broadcaster = new IncidentBroadcaster(live.io, bus, fleet, incidents, access, file.hq);
    // A provider given or losing a ticket at a store it does not serve gets that store and its incidents afresh.
    const ticketLive = {
      io: live.io,
      refreshStores: (storeIds: readonly string[]) => live.refreshStores(storeIds),
      resendSnapshot: (providerId: string) => live.resendSnapshot(providerId),
      resendIncidents: (providerId: string) => broadcaster.resendSnapshot(providerId),
      sees: (providerId: string, storeId: string) => live.providerSees(providerId, storeId),
    };
    onClose('network', 'ticket live updates', attachTicketLive(ticketLive, tickets));
    // New requests are refused from the start of the shutdown; those in flight are waited for with the network.
    let httpClosed: Promise<void> | null = null;
    onClose('network', 'HTTP server', () => httpClosed);
    onClose('intake', 'HTTP requests', () => void (httpClosed = closeHttp(http, HTTP_GRACE_MS)));
    onClose('network', 'socket.io', () => live.close());
    onClose('network', 'incident broadcaster', () => broadcaster.close());
    await http.listen({ port: env.port, host: env.host }).catch((err: NodeJS.ErrnoException) => {
      throw listenConfigError(err, { name: 'PORT', value: env.port }, { name: 'HOST', value: env.host }) ?? err;
    });
    const port = (http.server.address() as { port: number }).port;

    // Last, once everything runs: a first admin token generated by a start that then failed would never be shown.
    const { generated } = auth.ensureAdmin(env.adminToken);

    const ticker = setInterval(() => {
      const changes = tick(fleet, Date.now());
      if (changes.length > 0) bus.emit('fleet:changes', changes);
    }, TICK_MS);
    ticker.unref();
    onClose('intake', 'fleet ticker', () => clearInterval(ticker));

    return {
      url: `http://${loopback(env.host)}:${port}`,
      mqttUrl,
      mqttPortFellBack: broker?.fellBack ?? false,
      generatedAdminToken: generated,
      auth,
      fleet,
      bus,
      metrics,
      telemetry,
      incidents,
      tickets,
      log,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

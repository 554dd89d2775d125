import { StoreAccess } from '../../src/services/access.js';
import type { IncidentService } from '../../src/services/incidents/incident-service.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySensible from '@fastify/sensible';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { io as connectSocket, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@storepulse/protocol';
import { openDatabase, type Db } from '../../src/adapters/sqlite/database.js';
import { StoreRepository } from '../../src/adapters/sqlite/store-repository.js';
import { TokenRepository } from '../../src/adapters/sqlite/token-repository.js';
import { LiveGateway } from '../../src/adapters/socketio/live-gateway.js';
import { createFleet } from '../../src/domain/fleet.js';
import type { ProviderConfig } from '../../src/domain/sla/providers.js';
import type { StoreConfig } from '../../src/domain/store.js';
import type { TicketsConfigInput } from '../../src/domain/tickets/config.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';
import { EventBus } from '../../src/event-bus.js';
import { authPlugin } from '../../src/http/plugins/auth.js';
import { providerRoutes } from '../../src/http/routes/api/providers.js';
import { reportRoutes } from '../../src/http/routes/api/reports.js';
import { ticketRoutes } from '../../src/http/routes/api/tickets.js';
import { AuthService } from '../../src/services/auth-service.js';
import { StoreService } from '../../src/services/store-service.js';
import { StoreConfigView, TicketService, attachTicketLive, parseTicketSections } from '../../src/services/tickets/index.js';

/** This node runs no incident engine: the lost-revenue report, which reads one, says so (the SLA report is the tickets'). */
const noIncidentEngine: Pick<IncidentService, 'lossReport' | 'lossReportCsv'> = {
  lossReport: () => {
    throw new Error('this ticket node runs no incident engine');
  },
  lossReportCsv: () => {
    throw new Error('this ticket node runs no incident engine');
  },
};

export const everyDay = (spec: string | null) => ({ mon: spec, tue: spec, wed: spec, thu: spec, fri: spec, sat: spec, sun: spec });

export function storeConfig(over: Partial<StoreConfig> & { id: string }): StoreConfig {
  return {
    name: over.id,
    city: 'Madrid',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    tills: ['T1', 'T2', 'T3', 'T4'],
    hours: everyDay('09:00-21:00'),
    holidays: [],
    provider: null,
    conversion: 0.2,
    avgBasket: 30,
    ...over,
  };
}

/** Two providers, each with its own store, and a third store nobody covers. */
export function providerConfigs(hookUrl: (provider: string) => string): ProviderConfig[] {
  const sla = {
    P1: { response: '15m', onSite: '4h', resolve: '8h', clock: '24x7' as const },
    P2: { response: '1h', onSite: '8h', resolve: '1d', clock: 'store_hours' as const },
    P3: { response: '4h', resolve: '2d', clock: 'store_hours' as const },
  };
  return [
    {
      id: 'pilot',
      name: 'Pilot Service',
      categories: ['all'],
      stores: ['S001'],
      webhooks: [{ url: hookUrl('pilot'), secret: ['new-secret', 'change-me'] }],
      sla,
      escalation: [{ after: '15m', notify: 'duty-manager@pilot.example', repeat: '30m' }],
    },
    {
      id: 'other',
      name: 'Other Service',
      categories: ['pos', 'printer'],
      stores: ['S002'],
      webhooks: [{ url: hookUrl('other'), secret: 'other-secret' }],
      sla,
    },
  ];
}

export const STORES: StoreConfig[] = [
  storeConfig({ id: 'S001', provider: 'pilot' }),
  storeConfig({ id: 'S002', provider: 'other', city: 'Sevilla' }),
  storeConfig({ id: 'S003', city: 'Bilbao' }),
];

export interface TicketNodeOptions {
  dir: string;
  clock: { now: number };
  providers: ProviderConfig[];
  tickets?: TicketsConfigInput;
  stores?: StoreConfig[];
  /** WEBHOOK_ALLOW_HOSTS; the test receivers listen on 127.0.0.1, which is refused unless allow-listed. */
  webhookAllowHosts?: string[];
}

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * One server's worth of the tickets feature on a real SQLite file: the service, the real auth plugin
 * and routes on a listening Fastify, and the real live gateway with the ticket events attached.
 * The engine's clock is `clock.now`; the outbox runs in real time with quick retries.
 */
export async function startTicketNode(opts: TicketNodeOptions) {
  const db: Db = openDatabase(opts.dir);
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const bus = new EventBus();
  const auth = new AuthService(new TokenRepository(db), bus);
  const fleet = createFleet(DEFAULT_TILL_RULES, 120_000);
  const access = new StoreAccess();
  new StoreService(fleet, new StoreRepository(db), bus, access).load(opts.stores ?? STORES);
  const sections = parseTicketSections({ providers: opts.providers, ...(opts.tickets ? { tickets: opts.tickets } : {}) });
  if (!sections.ok) throw new Error(sections.errors.join('\n'));
  const registry = new Registry();
  const tickets = new TicketService({
    db,
    stores: new StoreConfigView(fleet.stores),
    providers: sections.value.providers,
    config: sections.value.tickets,
    log,
    registry,
    now: () => opts.clock.now,
    // Ticks are driven by the tests, through the clock.
    tickMs: 3_600_000,
    outbox: { retryDelaysMs: [150, 300, 600, 1200, 2400], pollMs: 50, leaseMs: 10_000 },
    webhookAllowHosts: opts.webhookAllowHosts ?? ['127.0.0.1'],
  });

  const app = Fastify({ loggerInstance: log, ajv: { customOptions: { allErrors: false, removeAdditional: false } } }).withTypeProvider<TypeBoxTypeProvider>();
  await app.register(fastifySensible);
  await app.register(fastifyCookie);
  // The OpenAPI document the routes' schemas make, as the server publishes it at /api/docs/json.
  await app.register(fastifySwagger, { openapi: { info: { title: 'storepulse API', version: 'test' } } });
  await app.register(authPlugin, { auth, onFailure: () => undefined });
  await app.register(ticketRoutes, { tickets });
  await app.register(reportRoutes, { tickets, incidents: noIncidentEngine as IncidentService });
  await app.register(providerRoutes, { tickets });
  await app.ready();
  access.useProviders(() => tickets.providerCoverage());
  access.useTicketHolders((storeId) => tickets.providersHoldingAt(storeId));
  const live = new LiveGateway({ httpServer: app.server, fleet, bus, auth, access, maintenanceOf: () => null, log, flushMs: 50, handshakesPerMinute: 1000 });
  // This node runs no incident engine: there are no incidents to send a provider afresh.
  const detach = attachTicketLive(
    {
      io: live.io,
      refreshStores: (ids) => live.refreshStores(ids),
      resendSnapshot: (id) => live.resendSnapshot(id),
      resendIncidents: () => undefined,
      sees: (providerId, storeId) => live.providerSees(providerId, storeId),
    },
    tickets,
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  tickets.start();

  const api = (path: string, init: RequestInit & { token: string }) => {
    const { token, headers, ...rest } = init;
    const h = new Headers(headers);
    h.set('authorization', `Bearer ${token}`);
    if (rest.body && !h.has('content-type')) h.set('content-type', 'application/json');
    return fetch(`${url}${path}`, { ...rest, headers: h });
  };
  const sockets: LiveClient[] = [];
  return {
    db,
    url,
    tickets,
    registry,
    api,
    issue: (role: 'hq-admin' | 'hq-viewer' | 'provider' | 'agent', providerId?: string) =>
      auth.issue({ role, label: `test ${role} ${providerId ?? ''}`.trim(), providerId: providerId ?? null }).token,
    /** The routes' OpenAPI document. */
    openapi: () => app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> },
    /** A store's own agent token: what its staff use to report "staff fixed it". */
    issueStore: (storeId: string) => auth.issue({ role: 'agent', label: `store ${storeId}`, storeId }).token,
    /** A socket.io client that has received its ticket snapshot. */
    async connect(token: string) {
      const socket: LiveClient = connectSocket(url, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      const snapshot = await new Promise<Parameters<ServerToClientEvents['tickets:snapshot']>[0]>((resolve, reject) => {
        socket.once('tickets:snapshot', resolve);
        socket.once('connect_error', reject);
      });
      return { socket, snapshot };
    },
    /** Stops everything and closes the database, leaving undelivered notifications in it. */
    async close() {
      for (const s of sockets) s.disconnect();
      detach();
      await tickets.stop();
      await live.close();
      await app.close();
      db.close();
    },
  };
}

export type TicketNode = Awaited<ReturnType<typeof startTicketNode>>;

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'storepulse-tickets-'));
}

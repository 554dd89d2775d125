import Fastify, { LogController, type FastifyError, type FastifyReply } from 'fastify';
import type { HqCurrency } from '@storepulse/protocol';
import type { Logger } from 'pino';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySensible from '@fastify/sensible';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Counter, type Registry } from 'prom-client';
import type { AuthService } from '../services/auth-service.js';
import type { IncidentService } from '../services/incidents/incident-service.js';
import type { StoreService } from '../services/store-service.js';
import type { TelemetryStore } from '../telemetry/index.js';
import type { TicketService } from '../services/tickets/index.js';
import { authPlugin } from './plugins/auth.js';
import { originPlugin } from './plugins/origin.js';
import { webPlugin } from './plugins/web.js';
import { healthRoutes, type HealthProbe } from './routes/api/health.js';
import { incidentRoutes } from './routes/api/incidents.js';
import { maintenanceRoutes } from './routes/api/maintenance.js';
import { sessionRoutes } from './routes/api/session.js';
import { storeRoutes } from './routes/api/stores.js';
import { summaryRoutes } from './routes/api/summary.js';
import { tokenRoutes } from './routes/api/tokens.js';
import { metricsRoutes } from './routes/metrics.js';
import { providerRoutes } from './routes/api/providers.js';
import { reportRoutes } from './routes/api/reports.js';
import { ticketRoutes } from './routes/api/tickets.js';
import { tillHistoryRoutes } from './routes/api/till-history.js';
import type { App } from './types.js';
import { strictDateTime } from './strict-date-time.js';
import { buildValidator } from './validator.js';
import type { TrustProxy } from '../config/trust-proxy.js';

export interface HttpDeps {
  hq: HqCurrency | null;
  log: Logger;
  auth: AuthService;
  stores: StoreService;
  incidents: IncidentService;
  tickets: TicketService;
  telemetry: TelemetryStore;
  registry: Registry;
  health: HealthProbe;
  webDir: string;
  rateLimitMax: number;
  /** Which proxies' X-Forwarded-* to believe: the rate limit, the Secure cookie and the own origin go by them. */
  trustProxy: TrustProxy;
  /** Origins besides the server's own whose pages may make state-changing calls with the session cookie. */
  allowedOrigins: readonly string[];
  onAuthFailure(): void;
  version: string;
}

/** The Fastify app: security plugins, OpenAPI, every route, and the web app. */
export async function buildHttpApp(deps: HttpDeps): Promise<App> {
  // Refused requests are counted by route pattern (bounded), never by path, which can carry ids or a token.
  const refused = new Counter({
    name: 'storepulse_http_refused_total',
    help: 'API requests answered with a 4xx (bad input, auth, scope, not found), by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [deps.registry],
  });
  const failed = new Counter({
    name: 'storepulse_http_failed_total',
    help: 'API requests answered with a 5xx (a fault of the server), by method and route pattern',
    labelNames: ['method', 'route'] as const,
    registers: [deps.registry],
  });
  const app = Fastify({
    loggerInstance: deps.log,
    // Request logging is ours (below): it logs paths without query strings, which can carry a wall token.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    trustProxy: deps.trustProxy,
    ajv: { customOptions: { allErrors: false, removeAdditional: false }, onCreate: strictDateTime },
    schemaController: { compilersFactory: { buildValidator } },
    // An incident id runs to 200 characters; the default of 100 answered a real incident's page with a 414.
    routerOptions: { maxParamLength: 256 },
    // A path the router cannot read is answered before any hook runs: counted and logged here like any refusal.
    frameworkErrors: (err, req, reply) => {
      const status = err.statusCode ?? 400;
      refused.inc({ method: req.method, route: 'unmatched', status });
      req.log.info({ method: req.method, path: req.url.split('?')[0], status }, 'request refused');
      void (reply as FastifyReply).code(status).send({ statusCode: status, code: err.code, error: 'Bad Request', message: err.message });
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Fastify logs a failure's cause only with its own request logging, which is off: it is logged here, with the path
  // but not the query string, and the client gets no internal detail (a database error code, a stack).
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status < 500) return reply.send(err);
    req.log.error({ err, method: req.method, path: req.url.split('?')[0] }, 'request failed with an error');
    return reply.code(status).send({ statusCode: status, error: 'Internal Server Error', message: 'The server failed to answer this request; the cause is in its log.' });
  });
  app.addHook('onResponse', async (req, reply) => {
    const line = { method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) {
      failed.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched' });
      req.log.error(line, 'request failed');
    } else if (reply.statusCode >= 400) {
      refused.inc({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode });
      req.log.info(line, 'request refused');
    } else req.log.debug(line, 'request');
  });
  await app.register(fastifySensible);
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // SvelteKit boots the app with one inline script.
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // Helmet's default would have the browser fetch every script over https: a server reached over plain http
        // by address (a LAN, before TLS is put in front) showed a blank page. Behind TLS, nothing is plain http.
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(fastifyRateLimit, { max: deps.rateLimitMax, timeWindow: '1 minute' });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'storepulse API', version: deps.version, description: 'Real-time monitoring for retail chains' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(originPlugin, { allowed: deps.allowedOrigins, onRefused: deps.onAuthFailure });
  await app.register(authPlugin, { auth: deps.auth, onFailure: deps.onAuthFailure });
  await app.register(webPlugin, { webDir: deps.webDir });

  await app.register(healthRoutes, { probe: deps.health });
  await app.register(storeRoutes, { stores: deps.stores });
  await app.register(tillHistoryRoutes, { stores: deps.stores, telemetry: deps.telemetry });
  await app.register(incidentRoutes, { incidents: deps.incidents, stores: deps.stores, telemetry: deps.telemetry });
  await app.register(summaryRoutes, { incidents: deps.incidents, stores: deps.stores, hq: deps.hq });
  await app.register(maintenanceRoutes, { incidents: deps.incidents });
  const scope = { stores: deps.stores, providerIds: () => deps.tickets.providerCoverage().map((p) => p.id) };
  await app.register(tokenRoutes, { auth: deps.auth, scope });
  await app.register(sessionRoutes, { auth: deps.auth, onAuthFailure: deps.onAuthFailure });
  await app.register(ticketRoutes, { tickets: deps.tickets });
  await app.register(reportRoutes, { tickets: deps.tickets, incidents: deps.incidents });
  await app.register(providerRoutes, { tickets: deps.tickets });
  await app.register(metricsRoutes, { registry: deps.registry });
  return app;
}

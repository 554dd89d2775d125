import type { Registry } from 'prom-client';
import { HQ, type App } from '../types.js';

/** Prometheus scrape endpoint; Prometheus sends the token with `authorization: {credentials: …}`. */
export async function metricsRoutes(app: App, opts: { registry: Registry }) {
  app.get('/metrics', { config: { roles: HQ }, schema: { hide: true } }, async (_req, reply) => {
    reply.type(opts.registry.contentType);
    return opts.registry.metrics();
  });
}

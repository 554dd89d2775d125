import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../session-cookie.js';
import { loggedOrigin, originAllowed, ownOrigin } from '../origin.js';
import type { App } from '../types.js';
import { bearer } from './auth.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing API calls that may carry the session cookie come from the server's own origin or ALLOWED_ORIGINS
 * (403 otherwise). A Bearer header without the cookie is not checked: no page can make a browser send one.
 */
export const originPlugin = fp(async (app: App, opts: { allowed: readonly string[]; onRefused(): void }) => {
  const allowed = new Set(opts.allowed);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    // By route pattern, not path: a percent-encoded path still reaches its /api route.
    if (SAFE_METHODS.has(request.method) || !request.routeOptions.url?.startsWith('/api/')) return;
    if (bearer(request) && request.cookies[SESSION_COOKIE] === undefined) return;
    const { origin } = request.headers;
    if (originAllowed(origin, ownOrigin(request.protocol, request.host), allowed)) return;
    opts.onRefused();
    request.log.warn({ origin: loggedOrigin(origin), method: request.method, route: request.routeOptions.url }, 'refused a cross-origin API request');
    return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'cross-origin request refused: this page\'s origin is neither the server\'s own nor listed in ALLOWED_ORIGINS' });
  });
}, { name: 'storepulse-origin', dependencies: ['@fastify/cookie'] });

import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../../services/auth-service.js';
import { SESSION_COOKIE } from '../session-cookie.js';
import type { App } from '../types.js';

export function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (!h) return undefined;
  const [scheme, token] = h.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

/**
 * Closed by default: every route needs a valid token (Bearer header or the session cookie) unless it is marked
 * `config.public`; `config.roles` narrows who may call it. 401 for missing or wrong credentials, 403 for a wrong role,
 * except where `config.optionalPrincipal` lets a browser without a usable session through.
 */
export const authPlugin = fp(async (app: App, opts: { auth: AuthService; onFailure(): void }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    const header = bearer(request);
    const token = header ?? request.cookies[SESSION_COOKIE];
    const principal = opts.auth.authenticate(token);
    request.principal = principal;
    // Unknown paths only ever answer index.html or a JSON 404, so they need no token.
    if (config.public || request.is404) return;
    const allowed = principal !== null && (!config.roles || config.roles.includes(principal.role));
    if (!allowed && header === undefined && config.optionalPrincipal?.(request)) {
      request.principal = null;
      if (token !== undefined) {
        // A cookie the server no longer accepts is of no use to the browser; it counts as a refused credential.
        if (!principal) opts.onFailure();
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
      }
      return;
    }
    if (!principal) {
      opts.onFailure();
      return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: token ? 'invalid or revoked token' : 'a Bearer token is required' });
    }
    if (!allowed) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `role ${principal.role} may not do this` });
    }
  });
}, { name: 'storepulse-auth', dependencies: ['@fastify/cookie'] });

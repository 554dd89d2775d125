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
 * `config.public`; `config.roles` narrows who may call it. 401 for missing or wrong credentials, 403 for a wrong role.
 */
export const authPlugin = fp(async (app: App, opts: { auth: AuthService; onFailure(): void }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    const token = bearer(request) ?? request.cookies[SESSION_COOKIE];
    request.principal = opts.auth.authenticate(token);
    // Unknown paths only ever answer index.html or a JSON 404, so they need no token.
    if (config.public || request.is404) return;
    if (!request.principal) {
      opts.onFailure();
      return reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: token ? 'invalid or revoked token' : 'a Bearer token is required' });
    }
    if (config.roles && !config.roles.includes(request.principal.role)) {
      return reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: `role ${request.principal.role} may not do this` });
    }
  });
}, { name: 'storepulse-auth', dependencies: ['@fastify/cookie'] });

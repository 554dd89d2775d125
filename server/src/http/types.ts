import type { Logger } from 'pino';
import type { FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Role } from '@storepulse/protocol';
import type { Principal } from '../services/auth-service.js';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger, TypeBoxTypeProvider>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answers without a token (health, the web's static files, the wall link). */
    public?: boolean;
    /** Roles allowed on this route; every signed-in role when absent. */
    roles?: readonly Role[];
    /**
     * For the requests it returns true for, and that bring no Bearer header, a missing, stale or not allowed session
     * is no refusal: the route runs with `principal` null (a session cookie it did not accept is cleared).
     */
    optionalPrincipal?: (request: FastifyRequest) => boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const HQ: readonly Role[] = ['hq-admin', 'hq-viewer'];
export const HQ_ADMIN: readonly Role[] = ['hq-admin'];
export const PEOPLE: readonly Role[] = ['hq-admin', 'hq-viewer', 'provider'];

import Type from 'typebox';
import { ID_PATTERN, ROLES } from '@storepulse/protocol';
import { toPrincipal, type AuthService } from '../../../services/auth-service.js';
import { SCOPE_WARNING_CODES, tokenScopeWarnings, type ScopeSources } from '../../../services/token-scope.js';
import { HQ_ADMIN, type App } from '../../types.js';

const Role = Type.Enum(ROLES);
const TokenInfo = Type.Object({
  id: Type.String(),
  role: Role,
  label: Type.String(),
  providerId: Type.Union([Type.String(), Type.Null()]),
  storeId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const NewToken = Type.Object({
  role: Role,
  label: Type.String({ minLength: 1, maxLength: 200 }),
  providerId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Required for the provider role' })),
  storeId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Agent role only: limits publishing to this store' })),
}, { additionalProperties: false });

const Issued = Type.Object({
  ...TokenInfo.properties,
  token: Type.String(),
  warnings: Type.Array(Type.Object({ code: Type.Enum([...SCOPE_WARNING_CODES]), message: Type.String() }), {
    description: 'Why the token would do other than expected: its provider or store is not configured yet, or an agent token bound to no store may publish for all (it is issued anyway)',
  }),
});

export async function tokenRoutes(app: App, opts: { auth: AuthService; scope: ScopeSources }) {
  app.post('/api/tokens', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['tokens'],
      summary: 'Issue a token; the secret is returned this once and only its hash is stored',
      body: NewToken,
      response: { 201: Issued },
    },
  }, async (req, reply) => {
    const { role, label, providerId, storeId } = req.body;
    if (role === 'provider' && !providerId) return reply.badRequest('providerId is required for the provider role');
    if (role !== 'provider' && providerId) return reply.badRequest('providerId only goes with the provider role');
    if (role !== 'agent' && storeId) return reply.badRequest('storeId only goes with the agent role');
    const { token, record } = opts.auth.issue({ role, label, providerId: providerId ?? null, storeId: storeId ?? null });
    const warnings = tokenScopeWarnings(toPrincipal(record), opts.scope);
    if (warnings.length > 0) {
      req.log.warn({ tokenId: record.id, role, label, warnings: warnings.map((w) => w.message) }, 'token issued with a scope warning');
    }
    else req.log.info({ tokenId: record.id, role, label }, 'token issued');
    return reply.code(201).send({ ...record, token, warnings });
  });

  app.get('/api/tokens', {
    config: { roles: HQ_ADMIN },
    schema: { tags: ['tokens'], summary: 'Every token, without secrets', response: { 200: Type.Array(TokenInfo) } },
  }, async () => opts.auth.list());

  app.delete('/api/tokens/:id', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['tokens'],
      summary: 'Revoke a token (409 for the last active hq-admin token: issue another first)',
      params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
    },
  }, async (req, reply) => {
    const result = opts.auth.revokeKeepingAnAdmin(req.params.id);
    if (result === 'not_found') return reply.notFound('no such active token');
    if (result === 'last_admin') return reply.conflict('this is the last active hq-admin token: issue another hq-admin token first, or nobody could manage tokens');
    return reply.code(204).send();
  });
}

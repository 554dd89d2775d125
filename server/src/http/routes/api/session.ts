import Type from 'typebox';
import { ROLES } from '@storepulse/protocol';
import type { AuthService } from '../../../services/auth-service.js';
import { SESSION_COOKIE } from '../../session-cookie.js';
import { PEOPLE, type App } from '../../types.js';

const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 400 * 24 * 3600 } as const;

const Session = Type.Object({
  signedIn: Type.Literal(true),
  role: Type.Enum(ROLES),
  providerId: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
  tokenId: Type.String({ description: 'The token this browser or caller is signed in with, as `GET /api/tokens` lists it' }),
});
const SignedOut = Type.Object({ signedIn: Type.Literal(false) });
const Refusal = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

/** Browser sign-in: a token becomes an httpOnly cookie, so page scripts never hold it. */
export async function sessionRoutes(app: App, opts: { auth: AuthService; onAuthFailure(): void }) {
  app.post('/api/session', {
    config: { public: true },
    schema: {
      tags: ['session'],
      summary: 'Sign a browser in with a token (sets an httpOnly cookie)',
      security: [],
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
    },
  }, async (req, reply) => {
    const who = opts.auth.authenticate(req.body.token);
    if (!who || who.role === 'agent') {
      opts.onAuthFailure();
      return reply.unauthorized('invalid or revoked token');
    }
    return reply.setCookie(SESSION_COOKIE, req.body.token, COOKIE_OPTIONS).code(204).send();
  });

  // With ?optional=true a signed-out browser gets 200 {signedIn: false} instead of the 401 every other route gives
  // (which a browser logs as an error on every signed-out page). Without it, the answers are as for any route.
  app.get('/api/session', {
    config: { roles: PEOPLE, optionalPrincipal: (req) => (req.query as { optional?: unknown }).optional === 'true' },
    schema: {
      tags: ['session'],
      summary: 'Who this browser or token is',
      description:
        'Without valid credentials: 401, or with `optional=true` 200 `{"signedIn": false}` (a stale session cookie is then cleared). ' +
        'An explicit Bearer token that is not valid is refused with 401 either way.',
      querystring: Type.Object({
        optional: Type.Optional(Type.Boolean({ description: 'Answer 200 {signedIn: false} rather than 401 when not signed in' })),
      }),
      security: [{ bearer: [] }, {}],
      response: { 200: Type.Union([Session, SignedOut]), 401: Refusal, 403: Refusal },
    },
  }, async (req) => {
    const who = req.principal;
    return who ? { signedIn: true as const, role: who.role, providerId: who.providerId, label: who.label, tokenId: who.tokenId } : { signedIn: false as const };
  });

  app.delete('/api/session', {
    config: { public: true },
    schema: { tags: ['session'], summary: 'Sign the browser out', security: [] },
  }, async (_req, reply) => reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send());

  // The wall link: a screen opens /wall?token=<hq-viewer token> once, then keeps the cookie; the token leaves the URL.
  app.get('/wall', {
    config: { public: true },
    schema: { hide: true, querystring: Type.Object({ token: Type.Optional(Type.String({ maxLength: 512 })) }) },
  }, async (req, reply) => {
    const { token } = req.query;
    if (token === undefined) return reply.sendWebApp();
    const who = opts.auth.authenticate(token);
    if (!who || who.role === 'agent') {
      opts.onAuthFailure();
      return reply.redirect('/login?error=token', 302);
    }
    // A provider's engineer lands on the provider view; everyone else on the wall. Only the token leaves
    // the address: a kiosk link's other options (kiosk, group, rotate) stay.
    const rest = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
    rest.delete('token');
    const query = rest.size > 0 ? `?${rest}` : '';
    return reply.setCookie(SESSION_COOKIE, token, COOKIE_OPTIONS).redirect(`${who.role === 'provider' ? '/provider' : '/wall'}${query}`, 302);
  });
}

import Type from 'typebox';
import { ROLES } from '@storepulse/protocol';
import type { AuthService } from '../../../services/auth-service.js';
import { SESSION_COOKIE } from '../../session-cookie.js';
import { PEOPLE, type App } from '../../types.js';

const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: 400 * 24 * 3600 } as const;

const Session = Type.Object({
  role: Type.Enum(ROLES),
  providerId: Type.Union([Type.String(), Type.Null()]),
  label: Type.String(),
});

/** Browser sign-in: a token becomes an httpOnly cookie, so page scripts never hold it. */
export async function sessionRoutes(app: App, opts: { auth: AuthService }) {
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
    if (!who || who.role === 'agent') return reply.unauthorized('invalid or revoked token');
    return reply.setCookie(SESSION_COOKIE, req.body.token, COOKIE_OPTIONS).code(204).send();
  });

  app.get('/api/session', {
    config: { roles: PEOPLE },
    schema: { tags: ['session'], summary: 'Who this browser or token is', response: { 200: Session } },
  }, async (req) => ({ role: req.principal!.role, providerId: req.principal!.providerId, label: req.principal!.label }));

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
    if (!who || who.role === 'agent') return reply.redirect('/login?error=token', 302);
    // A provider's engineer lands on the provider view; everyone else on the wall. Only the token leaves
    // the address: a kiosk link's other options (kiosk, group, rotate) stay.
    const rest = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1));
    rest.delete('token');
    const query = rest.size > 0 ? `?${rest}` : '';
    return reply.setCookie(SESSION_COOKIE, token, COOKIE_OPTIONS).redirect(`${who.role === 'provider' ? '/provider' : '/wall'}${query}`, 302);
  });
}

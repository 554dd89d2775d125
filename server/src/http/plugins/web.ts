import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import type { App } from '../types.js';

declare module 'fastify' {
  interface FastifyReply {
    /** Sends the single-page web app (its index.html); the browser router takes the path from there. */
    sendWebApp(): FastifyReply;
  }
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>storepulse</title>
<p>The web app is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds) and reload.</p>`;

/**
 * Serves the built SvelteKit app from `webDir` without a token (it holds no data), and index.html for every
 * other non-API path so deep links work. Unknown API paths stay JSON 404s.
 */
export const webPlugin = fp(async (app: App, opts: { webDir: string }) => {
  const built = existsSync(join(opts.webDir, 'index.html'));
  app.decorateReply('sendWebApp', function (this: FastifyReply) {
    if (!built) return this.type('text/html').send(NOT_BUILT);
    return this.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(join(opts.webDir, 'index.html')));
  });

  if (built) {
    await app.register(async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), public: true };
        route.schema = { ...(route.schema ?? {}), hide: true };
      });
      await scope.register(fastifyStatic, {
        root: opts.webDir,
        wildcard: true,
        setHeaders(res, path) {
          res.header('cache-control', path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  }

  app.setNotFoundHandler((req, reply) => {
    const api = req.url.startsWith('/api/') || req.url === '/api' || req.url.startsWith('/socket.io');
    if (req.method === 'GET' && !api) return reply.sendWebApp();
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
}, { name: 'storepulse-web' });

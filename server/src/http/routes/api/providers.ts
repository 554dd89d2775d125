import Type from 'typebox';
import { ID_PATTERN } from '@storepulse/protocol';
import { ProviderSchema, WebhookSchema } from '../../../domain/sla/providers.js';
import type { TicketService } from '../../../services/tickets/index.js';
import { HQ_ADMIN, PEOPLE, type App } from '../../types.js';

const WebhookView = Type.Object({
  url: Type.String(),
  events: Type.Optional(WebhookSchema.properties.events),
  format: Type.Optional(WebhookSchema.properties.format),
  secrets: Type.Integer({ description: 'How many secrets sign deliveries (2 while rotating); secrets are never returned' }),
});
const ProviderView = Type.Object({
  ...ProviderSchema.properties,
  webhooks: Type.Array(WebhookView),
  source: Type.Enum(['file', 'api'], { description: 'file: reset to the config file at each start' }),
});
const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });
const NotFound = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

export async function providerRoutes(app: App, opts: { tickets: TicketService }) {
  app.get('/api/providers', {
    config: { roles: PEOPLE },
    schema: { tags: ['providers'], summary: 'Service providers and their SLA policies (a provider sees itself)', response: { 200: Type.Array(ProviderView) } },
  }, async (req) => opts.tickets.providers(req.principal!));

  app.get('/api/providers/:id', {
    config: { roles: PEOPLE },
    schema: { tags: ['providers'], summary: 'One provider', params: IdParams, response: { 200: ProviderView, 404: NotFound } },
  }, async (req, reply) => {
    const p = opts.tickets.providers(req.principal!).find((x) => x.id === req.params.id);
    return p ?? reply.notFound(`no provider ${req.params.id}`);
  });

  app.put('/api/providers/:id', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['providers'],
      summary: 'Create or replace a provider (kept across restarts; one also in the config file is reset to it at start). Open tickets keep the SLA they opened with.',
      params: IdParams,
      body: ProviderSchema,
      response: { 200: ProviderView, 201: ProviderView },
    },
  }, async (req, reply) => {
    if (req.body.id !== req.params.id) return reply.badRequest(`body id ${req.body.id} differs from the path's ${req.params.id}`);
    const r = opts.tickets.putProvider(req.body);
    if (!r.ok) return reply.badRequest(r.errors.join('; '));
    req.log.info({ providerId: r.provider.id, created: r.created }, 'provider saved');
    return reply.code(r.created ? 201 : 200).send(r.provider);
  });

  app.delete('/api/providers/:id', {
    config: { roles: HQ_ADMIN },
    schema: { tags: ['providers'], summary: 'Remove a provider (its open tickets keep their SLA; new ones route elsewhere)', params: IdParams, response: { 204: Type.Null(), 404: NotFound } },
  }, async (req, reply) => (opts.tickets.deleteProvider(req.params.id) ? reply.code(204).send(null) : reply.notFound(`no provider ${req.params.id}`)));
}

import Type from 'typebox';
import { ID_PATTERN, STORE_STATES, TILL_STATES } from '@storepulse/protocol';
import { StoreInput } from '../../../config/store-schema.js';
import { storeProblems, toStoreConfig } from '../../../config/store-input.js';
import type { StoreService } from '../../../services/store-service.js';
import { HQ_ADMIN, PEOPLE, type App } from '../../types.js';

const TillCounts = Type.Object({
  total: Type.Integer(),
  up: Type.Integer(),
  degraded: Type.Integer(),
  down: Type.Integer(),
  offline: Type.Integer(),
  unknown: Type.Integer(),
});
const Summary = {
  id: Type.String(),
  name: Type.String(),
  city: Type.String(),
  region: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  currency: Type.String(),
  state: Type.Enum(STORE_STATES),
  since: Type.String(),
  maintenance: Type.Union([Type.Object({ windowId: Type.String(), until: Type.String({ format: 'date-time' }) }), Type.Null()], {
    description: 'The maintenance window the store is in now (its faults open no incidents) and when that stretch ends',
  }),
};
const StoreSummary = Type.Object({ ...Summary, tills: TillCounts });
const Component = Type.Object({ state: Type.String(), detail: Type.Optional(Type.String()) });
const TillView = Type.Object({
  id: Type.String(),
  state: Type.Enum(TILL_STATES),
  online: Type.Boolean(),
  components: Type.Union([
    Type.Object({ pos: Component, printer: Component, payment: Component, network: Component }),
    Type.Null(),
  ]),
  lastSeen: Type.Union([Type.String(), Type.Null()]),
  since: Type.String(),
  agentVersion: Type.Union([Type.String(), Type.Null()]),
});
const StoreDetail = Type.Object({
  ...Summary,
  tillCounts: TillCounts,
  tills: Type.Array(TillView),
  hours: StoreInput.properties.hours,
  provider: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()], { description: "The staff's email, for whoever works on the store's tickets to reach them" }),
  providers: Type.Array(
    Type.Object({ id: Type.String(), name: Type.String(), categories: Type.Array(Type.String()) }),
    { description: 'Who serves the store (its config or contracts by id or city) and for which faults; a provider sees only itself' },
  ),
  settings: Type.Optional(
    Type.Object(
      { ...StoreInput.properties, holidays: Type.Array(Type.String()), provider: Type.Union([Type.String(), Type.Null()]) },
      { description: 'HQ only: the store as PUT takes it, defaults filled in. Send it back changed to edit the store.' },
    ),
  ),
});
const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });
const NotFound = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

export async function storeRoutes(app: App, opts: { stores: StoreService }) {
  app.get('/api/stores', {
    config: { roles: PEOPLE },
    schema: { tags: ['stores'], summary: 'Every store you may see, with its state and till counts', response: { 200: Type.Array(StoreSummary) } },
  }, async (req) => opts.stores.list(req.principal!));

  app.get('/api/stores/:id', {
    config: { roles: PEOPLE },
    schema: { tags: ['stores'], summary: 'One store with each till', params: IdParams, response: { 200: StoreDetail, 404: NotFound } },
  }, async (req, reply) => {
    const store = opts.stores.get(req.principal!, req.params.id);
    // A store outside a provider's scope is as absent as one that does not exist.
    return store ?? reply.notFound(`no store ${req.params.id}`);
  });

  app.put('/api/stores/:id', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['stores'],
      summary: 'Create or replace a store (kept across restarts; a store also listed in the config file is reset to it at start)',
      params: IdParams,
      body: StoreInput,
      response: { 200: StoreDetail, 201: StoreDetail },
    },
  }, async (req, reply) => {
    if (req.body.id !== req.params.id) return reply.badRequest(`body id ${req.body.id} differs from the path's ${req.params.id}`);
    const problems = storeProblems(req.body, 'body');
    if (problems.length > 0) return reply.badRequest(problems.join('; '));
    const { created, store } = opts.stores.put(req.principal!, toStoreConfig(req.body));
    return reply.code(created ? 201 : 200).send(store);
  });

  app.delete('/api/stores/:id', {
    config: { roles: HQ_ADMIN },
    schema: { tags: ['stores'], summary: 'Remove a store', params: IdParams, response: { 204: Type.Null(), 404: NotFound } },
  }, async (req, reply) => (opts.stores.delete(req.params.id) ? reply.code(204).send(null) : reply.notFound(`no store ${req.params.id}`)));
}

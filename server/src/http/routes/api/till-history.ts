import Type from 'typebox';
import { ID_PATTERN, TILL_STATES, type TillStateChangeView } from '@storepulse/protocol';
import type { StoreService } from '../../../services/store-service.js';
import type { TelemetryStore, TillStateChange } from '../../../telemetry/index.js';
import { PEOPLE, type App } from '../../types.js';

/** Longest range one request may ask for: a week of a store's tills is still a small answer. */
export const MAX_TILL_HISTORY_DAYS = 7;
const MAX_TILL_HISTORY_CHANGES = 2000;

const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 date-time with a zone, e.g. 2026-11-23T10:00:00Z' });
const HistoryQuery = Type.Object(
  {
    from: IsoTime,
    to: IsoTime,
    tillId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'Only this till' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TILL_HISTORY_CHANGES, default: 500, description: 'Most changes returned, the newest kept' })),
  },
  { additionalProperties: false },
);

const Change = Type.Object({
  at: Type.String(),
  tillId: Type.String(),
  state: Type.Enum(TILL_STATES),
  components: Type.Union([
    Type.Object({
      pos: Type.Optional(Type.String()),
      printer: Type.Optional(Type.String()),
      payment: Type.Optional(Type.String()),
      network: Type.Optional(Type.String()),
    }),
    Type.Null(),
  ]),
});
const TillHistory = Type.Object({
  storeId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  before: Type.Array(Change),
  changes: Type.Array(Change),
  truncated: Type.Boolean(),
});
const Problem = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

const view = (c: TillStateChange): TillStateChangeView => ({ ...c, at: new Date(c.at).toISOString() });

export async function tillHistoryRoutes(app: App, opts: { stores: StoreService; telemetry: TelemetryStore }) {
  app.get('/api/stores/:id/tills/history', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['stores'],
      summary: `Each till's state changes over [from, to) (at most ${MAX_TILL_HISTORY_DAYS} days), with its state before from`,
      params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }),
      querystring: HistoryQuery,
      response: { 200: TillHistory, 400: Problem, 404: Problem },
    },
  }, async (req, reply) => {
    // A store outside a provider's scope is as absent as one that does not exist.
    const store = opts.stores.get(req.principal!, req.params.id);
    if (!store) return reply.notFound(`no store ${req.params.id}`);
    const { tillId, limit = 500 } = req.query;
    if (tillId !== undefined && !store.tills.some((t) => t.id === tillId)) return reply.notFound(`no till ${tillId} in store ${store.id}`);
    const from = Date.parse(req.query.from);
    const to = Date.parse(req.query.to);
    if (from >= to) return reply.badRequest('from must be before to');
    if (to - from > MAX_TILL_HISTORY_DAYS * 86_400_000) return reply.badRequest(`a till history covers at most ${MAX_TILL_HISTORY_DAYS} days`);
    const states = await opts.telemetry.tillStates({ storeId: store.id, from, to, limit, ...(tillId ? { tillId } : {}) });
    return {
      storeId: store.id,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      before: states.before.map(view),
      changes: states.changes.map(view),
      truncated: states.truncated,
    };
  });
}

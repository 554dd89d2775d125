import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { ID_PATTERN, STILL_FAILING_CONDITIONS } from '@storepulse/protocol';
import { AssignRequestSchema, TransitionRequestSchema } from '../../../domain/tickets/requests.js';
import { CATEGORIES, PRIORITIES, TICKET_EVENT_TYPES, TICKET_STATUSES } from '../../../domain/tickets/types.js';
import { CHANNELS } from '../../../notify/outbox.js';
import type { TicketService } from '../../../services/tickets/index.js';
import { HQ_ADMIN, PEOPLE, type App } from '../../types.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(s: T) => Type.Union([s, Type.Null()]);
const Status = Type.Enum([...TICKET_STATUSES]);
const Location = Type.Object({ lat: Type.Number(), lon: Type.Number(), accuracyM: Type.Optional(Type.Number()) });
const LostRevenue = Type.Object({
  gross: Type.Number(),
  net: Type.Number(),
  low: Type.Number(),
  high: Type.Number(),
  currency: Type.String(),
  uncounted: Type.Optional(
    Type.Literal(true, {
      description:
        'Present while the incident is open with none of its loss counted yet (a store offline, whose tills may still be selling): gross is 0 until their sales come in, and high is the most it may be losing',
    }),
  ),
});
const SlaTarget = Type.Object({
  goalMs: Type.Number(),
  dueAt: Nullable(Type.String()),
  elapsedMs: Type.Number(),
  remainingMs: Type.Number(),
  percent: Type.Number(),
  stopped: Type.Boolean(),
  paused: Type.Boolean(),
  breached: Type.Boolean(),
});
const Sla = Type.Object({
  clock: Nullable(Type.Enum(['24x7', 'store_hours'])),
  responseDueAt: Nullable(Type.String()),
  onSiteDueAt: Nullable(Type.String()),
  resolveDueAt: Nullable(Type.String()),
  paused: Type.Boolean(),
  breached: Type.Boolean(),
  targets: Type.Object({ response: Nullable(SlaTarget), onSite: Nullable(SlaTarget), resolve: Nullable(SlaTarget) }),
});
const Summary = {
  id: Type.String(),
  incidentId: Type.String(),
  storeId: Type.String(),
  providerId: Nullable(Type.String()),
  category: Type.Enum([...CATEGORIES]),
  priority: Type.Enum([...PRIORITIES]),
  status: Status,
  openedAt: Type.String(),
  sla: Sla,
  lostRevenue: Nullable(LostRevenue),
  // The board and the provider's phone say a ticket recovered by itself from the list, before the live feed comes.
  recoveredAt: Nullable(Type.String()),
  resolutionProposedAt: Nullable(Type.String()),
  autoCloseAt: Type.Optional(Nullable(Type.String({ description: 'When the ticket closes itself if nothing changes (its fault recovered and nobody moved it since); null when it will not' }))),
};
const TicketSummary = Type.Object(Summary);
const AuditEntry = Type.Object({
  at: Type.String(),
  actor: Type.Object({ role: Type.Enum(['provider', 'hq', 'store', 'system']), id: Type.String() }),
  from: Nullable(Status),
  to: Status,
  reason: Nullable(Type.String()),
  note: Nullable(Type.String()),
  location: Type.Optional(Location),
  fromProvider: Type.Optional(Nullable(Type.String({ description: 'A handover (reason assigned or rerouted): the provider it came from (null: the unassigned queue)' }))),
  toProvider: Type.Optional(Type.String({ description: 'A handover (reason assigned or rerouted): the provider it went to' })),
});
export const TicketSchema = Type.Object({
  ...Summary,
  incidentIds: Type.Array(Type.String()),
  tillIds: Type.Array(Type.String()),
  kind: Type.String(),
  components: Nullable(Type.Record(Type.String(), Type.Object({ state: Type.String(), detail: Type.Optional(Type.String()) }))),
  details: Nullable(Type.String()),
  startedAt: Type.String(),
  assignedAt: Type.Optional(Nullable(Type.String({ description: 'When HQ last assigned the ticket to its provider: its SLA clocks count from then' }))),
  updatedAt: Type.String(),
  acknowledgedAt: Nullable(Type.String()),
  onSiteAt: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String()),
  failing: Type.Optional(Type.Array(Type.String(), { description: 'What of the incident still fails; while any does, a provider or the store cannot resolve (409), HQ can' })),
  stillFailing: Type.Optional(
    Type.Array(
      Type.Object({
        tillIds: Type.Array(Type.String()),
        components: Type.Array(Type.Object({ name: Type.String(), state: Type.String(), detail: Type.Optional(Type.String()) })),
        condition: Nullable(Type.Enum([...STILL_FAILING_CONDITIONS])),
      }),
      { description: "The same as `failing`, structured, one entry a group of tills at fault alike: the components they report not ok, or what they are when they report none. For wording in the reader's language" },
    ),
  ),
  visitors: Nullable(Type.Number()),
  pauses: Type.Array(Type.Object({ start: Type.String(), end: Nullable(Type.String()) })),
  onSiteLocation: Nullable(Location),
  audit: Type.Array(AuditEntry),
});
const Delivery = Type.Object({
  id: Type.String({ description: 'Sent as X-Storepulse-Delivery' }),
  eventId: Type.String(),
  eventType: Type.String({ description: TICKET_EVENT_TYPES.join(', ') }),
  ticketId: Nullable(Type.String()),
  providerId: Nullable(Type.String()),
  channel: Type.Enum([...CHANNELS]),
  target: Type.String(),
  status: Type.Enum(['pending', 'delivered', 'failed']),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.Number()),
  createdAt: Type.Number(),
  deliveredAt: Nullable(Type.Number()),
  lastError: Nullable(Type.String()),
  attemptLog: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      at: Type.Number(),
      durationMs: Type.Number(),
      ok: Type.Boolean(),
      statusCode: Nullable(Type.Integer()),
      error: Nullable(Type.String()),
    }),
  ),
});
const TicketDetail = Type.Object({ ...TicketSchema.properties, deliveries: Type.Array(Delivery) });
const Allowed = Type.Object({ to: Status, reasons: Type.Array(Type.String()) });
const Conflict = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Enum(['invalid_transition', 'invalid_reason']),
  allowed: Type.Array(Allowed),
});
const AssignConflict = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String(), code: Type.Literal('invalid_transition') });
/** Fastify's plain error body; 404s and an assignment's unknown provider (400) answer it. */
const NotFound = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });
const IdParams = Type.Object({ id: Type.String({ pattern: '^T-[0-9a-f]{12}$' }) });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    providerId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    storeId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    unassigned: Type.Optional(Type.Boolean({ description: 'Only tickets no provider covers (HQ queue)' })),
  },
  { additionalProperties: false },
);

/**
 * Who may read tickets: people, and a store (its agent token, scoped to that store). Who may move them: HQ admins,
 * providers (their own tickets) and the store (its own: acknowledge, "staff fixed it"); viewers only read.
 */
const READERS = [...PEOPLE, 'agent'] as const;
const ACTORS = ['hq-admin', 'provider', 'agent'] as const;

/** An agent token not bound to a store (a gateway, the simulator) speaks for no store. */
function storeless(req: FastifyRequest): boolean {
  return req.principal?.role === 'agent' && !req.principal.storeId;
}

export async function ticketRoutes(app: App, opts: { tickets: TicketService }) {
  app.get('/api/tickets', {
    config: { roles: READERS },
    schema: {
      tags: ['tickets'],
      summary: 'Live tickets you may see (active, or ended within the reopen window), newest first',
      querystring: ListQuery,
      response: { 200: Type.Array(TicketSummary) },
    },
  }, async (req, reply) => (storeless(req) ? reply.forbidden('this agent token is not bound to a store') : opts.tickets.list(req.principal!, req.query)));

  app.get('/api/tickets/:id', {
    config: { roles: READERS },
    schema: {
      tags: ['tickets'],
      summary: 'One ticket with its audit trail and notification deliveries (all for HQ, its own for a provider, none for a store, whose trail has no check-in locations nor HQ handover notes)',
      params: IdParams,
      response: { 200: TicketDetail, 404: NotFound },
    },
  }, async (req, reply) => {
    const found = opts.tickets.detail(req.principal!, req.params.id);
    // Another provider's ticket is as absent as one that does not exist.
    return found ? { ...found.ticket, deliveries: found.deliveries } : reply.notFound(`no ticket ${req.params.id}`);
  });

  app.post('/api/tickets/:id/status', {
    config: { roles: ACTORS },
    schema: {
      tags: ['tickets'],
      summary: 'Move a ticket (acknowledge, waiting_store, on_site with an optional location, resolve, close, cancel, reopen)',
      params: IdParams,
      body: TransitionRequestSchema,
      response: { 200: TicketSchema, 404: NotFound, 409: Conflict },
    },
  }, async (req, reply) => {
    if (storeless(req)) return reply.forbidden('this agent token is not bound to a store');
    const result = opts.tickets.transition(req.principal!, req.params.id, req.body);
    const r = result.rejection;
    if (r?.code === 'invalid_transition' || r?.code === 'invalid_reason') {
      return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: r.message, code: r.code, allowed: r.allowed ?? [] });
    }
    if (r) return reply.notFound(`no ticket ${req.params.id}`);
    return opts.tickets.detail(req.principal!, req.params.id)!.ticket;
  });

  app.post('/api/tickets/:id/assign', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['tickets'],
      summary: "Assign a ticket to a provider (from the unassigned queue, or from another provider, which is told it is withdrawn); the new provider's SLA clocks count from now",
      params: IdParams,
      body: AssignRequestSchema,
      response: { 200: TicketSchema, 400: NotFound, 404: NotFound, 409: AssignConflict },
    },
  }, async (req, reply) => {
    const r = opts.tickets.assign(req.principal!, req.params.id, req.body).rejection;
    if (r?.code === 'unknown_provider') return reply.badRequest(r.message);
    if (r?.code === 'invalid_transition') return reply.code(409).send({ statusCode: 409, error: 'Conflict', message: r.message, code: r.code });
    if (r) return reply.notFound(`no ticket ${req.params.id}`);
    return opts.tickets.detail(req.principal!, req.params.id)!.ticket;
  });
}

import Type from 'typebox';
import { ID_PATTERN, INCIDENT_KINDS, INCIDENT_SEVERITIES, TILL_STATES } from '@storepulse/protocol';
import { expectedVisitors } from '../../../domain/revenue/index.js';
import type { IncidentService } from '../../../services/incidents/incident-service.js';
import type { StoreService } from '../../../services/store-service.js';
import type { TelemetryStore } from '../../../telemetry/index.js';
import { PEOPLE, type App } from '../../types.js';

const IncidentIdPattern = '^[A-Za-z0-9_-]{1,200}$';
const IsoTime = Type.String({ format: 'date-time', description: 'ISO-8601 date-time with a zone, e.g. 2026-11-23T10:00:00Z' });

export const LostRevenue = Type.Object({
  gross: Type.Number(),
  net: Type.Number(),
  low: Type.Number(),
  high: Type.Number(),
  currency: Type.String(),
});

const incidentFields = {
  id: Type.String(),
  storeId: Type.String(),
  tillIds: Type.Array(Type.String()),
  kind: Type.Enum([...INCIDENT_KINDS]),
  severity: Type.Enum([...INCIDENT_SEVERITIES]),
  status: Type.Enum(['open', 'closed']),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  recoveringSince: Type.Union([Type.String(), Type.Null()]),
  visitors: Type.Number(),
  lostRevenue: LostRevenue,
  confidence: Type.Number(),
  flags: Type.Array(Type.String()),
  timeToBackupSec: Type.Union([Type.Integer(), Type.Null()]),
  method: Type.Enum(['gap', 'capacity', 'full', 'mixed', 'none']),
  final: Type.Boolean(),
  updatedAt: Type.String(),
};

export const IncidentSummary = Type.Object(incidentFields);

const TimelineEntry = Type.Object({
  at: Type.String(),
  event: Type.Enum(['fault', 'opened', 'till', 'flap', 'recovered', 'kind', 'backup', 'closed', 'settled']),
  tillId: Type.Optional(Type.String()),
  state: Type.Optional(Type.Enum([...TILL_STATES, 'silent'])),
  detail: Type.Optional(Type.String()),
});
const Component = Type.Object({ state: Type.String(), detail: Type.Optional(Type.String()) });

export const IncidentDetail = Type.Object({
  ...incidentFields,
  timeline: Type.Array(TimelineEntry),
  components: Type.Record(
    Type.String(),
    Type.Union([Type.Object({ pos: Component, printer: Component, payment: Component, network: Component }), Type.Null()]),
  ),
});

export const LostToday = Type.Object({ currency: Type.String(), gross: Type.Number(), net: Type.Number(), incidents: Type.Integer() });

export const NotFound = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });

const ListQuery = Type.Object(
  {
    storeId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    status: Type.Optional(Type.Enum(['open', 'closed'])),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

/** Bin widths the store chart can ask for; every one divides a day. */
const SERIES_BINS = [60, 300, 900, 3600] as const;
const MAX_SERIES_BINS = 2000;

const SeriesQuery = Type.Object(
  {
    from: IsoTime,
    to: IsoTime,
    bin: Type.Optional(Type.Enum(SERIES_BINS.map(String), { default: '900', description: 'Bin width in seconds' })),
  },
  { additionalProperties: false },
);

const nullableNumber = Type.Union([Type.Number(), Type.Null()]);
const SeriesBin = Type.Object({
  t: Type.String(),
  footfall: nullableNumber,
  tillsAvailable: nullableNumber,
  transactions: nullableNumber,
  revenue: nullableNumber,
  baseline: nullableNumber,
});
const Band = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  startedAt: Type.String(),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  lostRevenue: LostRevenue,
});
const Series = Type.Object({
  storeId: Type.String(),
  currency: Type.String(),
  binSeconds: Type.Integer(),
  bins: Type.Array(SeriesBin),
  incidents: Type.Array(Band),
});

const summaryOf = <T extends { timeline?: unknown; components?: unknown }>(inc: T) => {
  const { timeline: _t, components: _c, ...rest } = inc;
  return rest;
};

export interface IncidentRouteDeps {
  incidents: IncidentService;
  stores: StoreService;
  telemetry: TelemetryStore;
}

export async function incidentRoutes(app: App, opts: IncidentRouteDeps) {
  app.get('/api/incidents', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['incidents'],
      summary: 'Incidents you may see, newest first: those overlapping [from, to), of one store or status',
      querystring: ListQuery,
      response: { 200: Type.Array(IncidentSummary), 400: NotFound, 404: NotFound },
    },
  }, async (req, reply) => {
    const { storeId, status, from, to, limit = 200 } = req.query;
    const who = req.principal!;
    if (from && to && Date.parse(from) >= Date.parse(to)) return reply.badRequest('from must be before to');
    // A store outside a provider's scope is as absent as one that does not exist.
    if (storeId && who.role === 'provider' && !opts.stores.get(who, storeId)) return reply.notFound(`no store ${storeId}`);
    const iso = (t: string | undefined) => (t === undefined ? undefined : new Date(t).toISOString());
    const list = opts.incidents.list(who, {
      limit,
      ...(storeId ? { storeId } : {}),
      ...(status ? { status } : {}),
      ...(from ? { from: iso(from) } : {}),
      ...(to ? { to: iso(to) } : {}),
    });
    return list.map(summaryOf);
  });

  app.get('/api/incidents/:id', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['incidents'],
      summary: 'One incident with its timeline',
      params: Type.Object({ id: Type.String({ pattern: IncidentIdPattern }) }),
      response: { 200: IncidentDetail, 404: NotFound },
    },
  }, async (req, reply) => opts.incidents.get(req.principal!, req.params.id) ?? reply.notFound(`no incident ${req.params.id}`));

  app.get('/api/stores/:id/series', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['stores'],
      summary: 'The store chart: footfall, tills available, sales and baseline per bin over [from, to), with incident bands',
      params: Type.Object({ id: Type.String({ pattern: ID_PATTERN }) }),
      querystring: SeriesQuery,
      response: { 200: Series, 400: NotFound, 404: NotFound },
    },
  }, async (req, reply) => {
    const who = req.principal!;
    const store = opts.stores.get(who, req.params.id);
    if (!store) return reply.notFound(`no store ${req.params.id}`);
    const binSeconds = Number(req.query.bin ?? 900);
    const binMs = binSeconds * 1000;
    const from = Math.floor(Date.parse(req.query.from) / binMs) * binMs;
    const to = Math.ceil(Date.parse(req.query.to) / binMs) * binMs;
    if (from >= to) return reply.badRequest('from must be before to');
    if ((to - from) / binMs > MAX_SERIES_BINS) return reply.badRequest(`at most ${MAX_SERIES_BINS} bins; choose a wider bin or a shorter range`);
    const q = { storeId: store.id, from, to, binSeconds };
    const [footfall, tills, sales] = await Promise.all([
      opts.telemetry.footfallSeries(q),
      opts.telemetry.tillsAvailableSeries(q),
      opts.telemetry.salesSeries(q),
    ]);
    const model = opts.incidents.model(store.id);
    const bins = footfall.map((f, i) => {
      const expected = model?.baseline ? expectedVisitors(model.baseline, { start: f.t, end: f.t + binMs }, 1, null) : null;
      return {
        t: new Date(f.t).toISOString(),
        footfall: f.value,
        tillsAvailable: tills[i]?.value ?? null,
        transactions: sales[i]?.transactions ?? null,
        revenue: sales[i]?.revenue ?? null,
        baseline: expected && expected.missingShare === 0 ? Math.round(expected.visitors * 10) / 10 : null,
      };
    });
    const incidents = opts.incidents
      .list(who, { storeId: store.id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 500 })
      .map((i) => ({ id: i.id, kind: i.kind, severity: i.severity, startedAt: i.startedAt, endedAt: i.endedAt, lostRevenue: i.lostRevenue }));
    return { storeId: store.id, currency: store.currency, binSeconds, bins, incidents };
  });
}

import Type from 'typebox';
import { ID_PATTERN, INCIDENT_KINDS } from '@storepulse/protocol';
import { slaReportCsv } from '../../../domain/tickets/report.js';
import type { IncidentService } from '../../../services/incidents/incident-service.js';
import type { TicketService } from '../../../services/tickets/index.js';
import { PEOPLE, type App } from '../../types.js';

const Ms = Type.Union([Type.Number(), Type.Null()]);
const Row = Type.Object({
  providerId: Type.Union([Type.String(), Type.Null()], { description: 'null: the unassigned queue' }),
  tickets: Type.Object({ P1: Type.Integer(), P2: Type.Integer(), P3: Type.Integer(), total: Type.Integer() }, {
    description: 'Tickets it held last: a ticket that changed hands counts once, under its last provider',
  }),
  withdrawn: Type.Integer({
    description: 'Tickets taken from it (by HQ, or rerouted) that another provider holds last; its response and on-site times on them, and the targets it had breached by then, count in its means and breaches',
  }),
  mttaMs: Ms,
  mttoMs: Ms,
  mttrMs: Type.Union([Type.Number(), Type.Null()], {
    description: 'Mean time to resolve; a ticket whose fault recovered before HQ assigned it to this provider is left out',
  }),
  breaches: Type.Object({ response: Type.Integer(), onSite: Type.Integer(), resolve: Type.Integer(), total: Type.Integer() }),
  lostRevenue: Type.Record(
    Type.String(),
    Type.Object({
      gross: Type.Number(),
      net: Type.Number(),
      uncountedUpTo: Type.Optional(
        Type.Number({
          description:
            'Only when some tickets have a loss not counted yet (a store offline still open, lostRevenue.uncounted): the most they may add to gross, the sum of their bounds',
        }),
      ),
    }),
  ),
});
const lossFigures = {
  currency: Type.String(),
  incidents: Type.Integer(),
  downtimeMs: Type.Number({ description: "From each fault's start to its end, or now while open" }),
  visitors: Type.Integer(),
  gross: Type.Number(),
  net: Type.Number(),
  uncountedUpTo: Type.Optional(
    Type.Number({ description: 'Only when some are stores offline still open with none of their loss counted yet: the most they may add to gross' }),
  ),
};
const LossReport = Type.Object({
  stores: Type.Array(
    Type.Object({
      storeId: Type.String(),
      ...lossFigures,
      kinds: Type.Partial(Type.Record(Type.Enum([...INCIDENT_KINDS]), Type.Integer()), { description: 'Incidents by kind, only the kinds it had' }),
    }),
    { description: 'One line per store and currency: highest net loss first within each currency' },
  ),
  totals: Type.Array(Type.Object(lossFigures), { description: 'One line per currency: currencies are never added together' }),
});
const LossQuery = Type.Object(
  {
    month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: "YYYY-MM: each incident counts in its store's local month, where it began" }),
    format: Type.Optional(Type.Enum(['json', 'csv'])),
  },
  { additionalProperties: false },
);

const Query = Type.Object(
  {
    month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: "YYYY-MM: each ticket counts in its store's local month, where it opened" }),
    providerId: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    format: Type.Optional(Type.Enum(['json', 'csv'])),
  },
  { additionalProperties: false },
);

export async function reportRoutes(app: App, opts: { tickets: TicketService; incidents: IncidentService }) {
  app.get('/api/reports/lost-revenue', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['reports'],
      summary: "Monthly lost revenue per store: incidents, downtime, visitors during them, gross and net loss (a provider gets its own stores')",
      querystring: LossQuery,
      response: {
        200: {
          description: 'JSON, or CSV with format=csv (one line per store and currency, downtime in minutes)',
          content: { 'application/json': { schema: LossReport }, 'text/csv': { schema: Type.String() } },
        },
      },
    },
  }, async (req, reply) => {
    const report = opts.incidents.lossReport(req.principal!, req.query.month);
    if (!report) return reply.badRequest(`month ${req.query.month} is not a valid YYYY-MM`);
    if (req.query.format !== 'csv') return report;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="lost-revenue-${req.query.month}.csv"`)
      .send(opts.incidents.lossReportCsv(report));
  });

  app.get('/api/reports/sla', {
    config: { roles: PEOPLE },
    schema: {
      tags: ['reports'],
      summary: 'Monthly SLA report per provider: tickets by priority, MTTA, mean time to on-site, MTTR, breaches, lost revenue (a provider gets its own row)',
      querystring: Query,
      response: {
        200: {
          description: 'JSON rows, or CSV with format=csv (times in minutes)',
          content: { 'application/json': { schema: Type.Array(Row) }, 'text/csv': { schema: Type.String() } },
        },
      },
    },
  }, async (req, reply) => {
    const rows = opts.tickets.report(req.principal!, req.query);
    if (!rows) return reply.badRequest(`month ${req.query.month} is not a valid YYYY-MM`);
    if (req.query.format !== 'csv') return rows;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="sla-report-${req.query.month}.csv"`)
      .send(slaReportCsv(rows));
  });
}

import Type from 'typebox';
import { ID_PATTERN, MAINTENANCE_WARNING_CODES } from '@storepulse/protocol';
import { maintenanceInputProblem, toMaintenanceWindow } from '../../../config/incidents-input.js';
import { MaintenanceInput } from '../../../config/incidents-schema.js';
import { storeGroups } from '../../../domain/incidents/maintenance.js';
import type { IncidentService } from '../../../services/incidents/incident-service.js';
import { HQ, HQ_ADMIN, type App } from '../../types.js';
import { NotFound } from './incidents.js';

const WindowView = Type.Object({ ...MaintenanceInput.properties, source: Type.Enum(['file', 'api']) });
const WindowSaved = Type.Object({
  ...WindowView.properties,
  warnings: Type.Array(Type.Object({ code: Type.Enum([...MAINTENANCE_WARNING_CODES]), subject: Type.String(), message: Type.String() }), {
    description: 'Stores it names that are not configured, groups no configured store is in: saved all the same, it covers them once they are',
  }),
});
const StoreGroupView = Type.Object({ group: Type.String(), storeIds: Type.Array(Type.String()) });
const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });

export async function maintenanceRoutes(app: App, opts: { incidents: IncidentService }) {
  app.get('/api/maintenance', {
    config: { roles: HQ },
    schema: { tags: ['maintenance'], summary: 'Maintenance windows, from the config file and from the API', response: { 200: Type.Array(WindowView) } },
  }, async () => opts.incidents.windows().map(({ window, source }) => ({ ...window, source })));

  app.get('/api/maintenance/groups', {
    config: { roles: HQ },
    schema: { tags: ['maintenance'], summary: 'The groups stores are in (config file), each with its stores: what a window may name', response: { 200: Type.Array(StoreGroupView) } },
  }, async () => storeGroups(opts.incidents.maintenanceTargets()));

  app.put('/api/maintenance/:id', {
    config: { roles: HQ_ADMIN },
    schema: {
      tags: ['maintenance'],
      summary: 'Create or replace a maintenance window (local wall time of each store it covers; one-off or weekly)',
      params: IdParams,
      body: MaintenanceInput,
      response: { 200: WindowSaved, 201: WindowSaved, 400: NotFound, 409: NotFound },
    },
  }, async (req, reply) => {
    if (req.body.id !== req.params.id) return reply.badRequest(`body id ${req.body.id} differs from the path's ${req.params.id}`);
    const problem = maintenanceInputProblem(req.body, 'body');
    if (problem) return reply.badRequest(problem);
    if (opts.incidents.isFileWindow(req.params.id)) return reply.conflict(`window ${req.params.id} is defined in the config file`);
    const window = toMaintenanceWindow(req.body);
    const created = opts.incidents.putWindow(window);
    const warnings = opts.incidents.windowWarnings(window, 'api');
    return reply.code(created ? 201 : 200).send({ ...window, source: 'api' as const, warnings });
  });

  app.delete('/api/maintenance/:id', {
    config: { roles: HQ_ADMIN },
    schema: { tags: ['maintenance'], summary: 'Remove a maintenance window made through the API', params: IdParams, response: { 204: Type.Null(), 404: NotFound, 409: NotFound } },
  }, async (req, reply) => {
    if (opts.incidents.isFileWindow(req.params.id)) return reply.conflict(`window ${req.params.id} is defined in the config file`);
    return opts.incidents.deleteWindow(req.params.id) ? reply.code(204).send(null) : reply.notFound(`no window ${req.params.id}`);
  });
}

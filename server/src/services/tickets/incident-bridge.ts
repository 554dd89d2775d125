import type { Components } from '@storepulse/protocol';
import type { Incident } from '../../domain/incidents/types.js';
import type { TicketIncident } from '../../domain/tickets/incident.js';

/** How the incident engine's effects arrive on the bus: `incident:opened|updated|closed` with `{incident}`. */
export interface IncidentEvent {
  incident: Incident & { suppressed?: boolean };
}

type ComponentView = Record<string, { state: string; detail?: string }>;

/**
 * The incident keeps components per till; a ticket wants one set: for each component, the first
 * affected till reporting it not ok (else the first report), so the ticket names the actual fault.
 */
function mergedComponents(incident: Incident): ComponentView | null {
  const reports = incident.tillIds.map((id) => incident.components[id]).filter((c): c is Components => c != null);
  if (reports.length === 0) return null;
  const out: ComponentView = {};
  for (const name of Object.keys(reports[0]!) as (keyof Components)[]) {
    const bad = reports.find((r) => r[name].state !== 'ok');
    const c = (bad ?? reports[0]!)[name];
    out[name] = c.detail === undefined ? { state: c.state } : { state: c.state, detail: c.detail };
  }
  return out;
}

/** One line for people: which tills and which components are not ok. */
function detailsOf(incident: Incident, components: ComponentView | null): string | null {
  const bad = Object.entries(components ?? {})
    .filter(([, c]) => c.state !== 'ok')
    .map(([name, c]) => `${name} ${c.state}${c.detail ? ` (${c.detail})` : ''}`);
  const tills = incident.tillIds.length > 0 ? `${incident.tillIds.join(', ')}: ` : '';
  return bad.length > 0 ? `${tills}${bad.join('; ')}` : incident.tillIds.length > 0 ? `${tills}${incident.kind}` : null;
}

/** The ticket engine's view of an incident record. */
export function toTicketIncident(incident: IncidentEvent['incident']): TicketIncident {
  const components = mergedComponents(incident);
  return {
    id: incident.id,
    storeId: incident.storeId,
    kind: incident.kind,
    tillIds: [...incident.tillIds],
    startedAt: incident.startedAt,
    endedAt: incident.endedAt,
    suppressed: incident.suppressed === true,
    components,
    details: detailsOf(incident, components),
    visitors: incident.visitors,
    lostRevenue: incident.lostRevenue,
    flags: [...incident.flags],
  };
}

import type { Incident } from '../../domain/incidents/index.js';
import type { IncidentPhase, IncidentPoint } from '../../telemetry/index.js';

/** What an incident's resolution point takes from the ticket it opened or joined. */
export interface IncidentTicket {
  /** The provider the ticket was routed to; null in HQ's unassigned queue. */
  providerId: string | null;
  /** Null when the ticket has no SLA (no provider took it), so nothing could be breached. */
  slaBreached: boolean | null;
}

/** The incident's ticket as it stands now; null when it has none (fixed within the grace, or suppressed). */
export type TicketOf = (incidentId: string) => IncidentTicket | null;

/** The telemetry point of one incident event; `ticket` only matters on resolution. */
export function incidentPoint(inc: Incident, phase: IncidentPhase, at: number, ticket: IncidentTicket | null): IncidentPoint {
  const start = Date.parse(inc.startedAt);
  const end = inc.endedAt ? Date.parse(inc.endedAt) : null;
  return {
    at,
    storeId: inc.storeId,
    tillId: inc.tillIds.length === 1 && !inc.kind.startsWith('store_') ? inc.tillIds[0]! : null,
    incidentId: inc.id,
    kind: inc.kind,
    phase,
    title: `${inc.kind} ${inc.tillIds.join(',')}`.trim(),
    provider: ticket?.providerId ?? null,
    lostRevenue: inc.lostRevenue.gross,
    ...(phase === 'resolved' && end !== null ? { durationSeconds: Math.round((end - start) / 1000) } : {}),
    ...(ticket?.slaBreached != null ? { slaBreached: ticket.slaBreached } : {}),
  };
}

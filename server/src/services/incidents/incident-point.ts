import type { Incident } from '../../domain/incidents/index.js';
import type { IncidentPhase, IncidentPoint } from '../../telemetry/index.js';

/** What an incident's resolution point takes from the ticket it opened or joined. */
export interface IncidentTicket {
  /** Shared by the incidents of a fault that recurred within the ticket's reopen window. */
  ticketId: string;
  /** The provider the ticket was routed to; null in HQ's unassigned queue. */
  providerId: string | null;
  /** Null when the ticket has no SLA (no provider took it), so nothing could be breached. */
  slaBreached: boolean | null;
}

/** The incident's ticket as it stands now; null when it has none (fixed within the grace, or suppressed). */
export type TicketOf = (incidentId: string) => IncidentTicket | null;

/** Only an incident of one till is tagged with it. */
const tillTag = (inc: Incident) => (inc.tillIds.length === 1 && !inc.kind.startsWith('store_') ? inc.tillIds[0]! : null);
const titleOf = (inc: Incident) => `${inc.kind} ${inc.tillIds.join(',')}`.trim();

/** The telemetry point of one incident event; `ticket` only matters on resolution. */
export function incidentPoint(inc: Incident, phase: IncidentPhase, at: number, ticket: IncidentTicket | null): IncidentPoint {
  const start = Date.parse(inc.startedAt);
  const end = inc.endedAt ? Date.parse(inc.endedAt) : null;
  return {
    at,
    storeId: inc.storeId,
    tillId: tillTag(inc),
    incidentId: inc.id,
    kind: inc.kind,
    phase,
    title: titleOf(inc),
    provider: ticket?.providerId ?? null,
    lostRevenue: inc.lostRevenue.gross,
    lostRevenueNet: inc.lostRevenue.net,
    ...(phase === 'resolved' && end !== null ? { durationSeconds: Math.round((end - start) / 1000) } : {}),
    ...(ticket?.slaBreached != null ? { slaBreached: ticket.slaBreached } : {}),
    ...(ticket ? { ticketId: ticket.ticketId } : {}),
  };
}

/**
 * When an open incident's kind or tills change (till_down on T1 becoming store_down), its points move to another
 * series: this closes the one it leaves, or Grafana would count that series open for ever. Null if it stays.
 */
export function leftSeriesPoint(before: Incident, after: Incident, at: number): IncidentPoint | null {
  if (before.kind === after.kind && tillTag(before) === tillTag(after)) return null;
  return { at, storeId: before.storeId, tillId: tillTag(before), incidentId: before.id, kind: before.kind, phase: 'reclassified', title: titleOf(before) };
}

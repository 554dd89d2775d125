import type { Principal } from '../auth-service.js';
import type { TicketService } from '../tickets/index.js';
import type { TicketOf } from './incident-point.js';

/** Tickets are read as HQ reads them: all of them. */
const HQ: Principal = { tokenId: 'incident-telemetry', role: 'hq-viewer', providerId: null, storeId: null, label: 'incident telemetry' };

/**
 * The incident service's view of the ticket service: the ticket holding an incident (a recurrence joins an earlier
 * ticket), with its SLA as of now. Read once per resolution, so a pass over the live tickets is cheap enough.
 */
export function ticketOf(tickets: Pick<TicketService, 'visibleTickets'>): TicketOf {
  return (incidentId) => {
    const t = tickets.visibleTickets(HQ).find((x) => x.incidentIds.includes(incidentId));
    if (!t) return null;
    return { providerId: t.providerId, slaBreached: t.sla.clock === null ? null : t.sla.breached };
  };
}

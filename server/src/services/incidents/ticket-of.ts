import type { TicketService } from '../tickets/index.js';
import type { TicketOf } from './incident-point.js';

/** The incident service's view of the ticket service: the ticket holding an incident, with its SLA as of now. */
export function ticketOf(tickets: Pick<TicketService, 'incidentTicket'>): TicketOf {
  return (incidentId) => {
    const t = tickets.incidentTicket(incidentId);
    if (!t) return null;
    return { ticketId: t.id, providerId: t.providerId, slaBreached: t.sla.clock === null ? null : t.sla.breached };
  };
}

export { TicketService, TICKET_TICK_MS, actorOf, type TicketServiceOptions, type TicketChange, type TicketFilter, type DeliveryView, type ProviderView } from './ticket-service.js';
export { attachTicketLive, type LiveIo } from './ticket-live.js';
export { StoreConfigView } from './store-view.js';
export { toTicketIncident, type IncidentEvent } from './incident-bridge.js';
export { ProvidersSectionSchema, TicketsSectionSchema, parseTicketSections, type TicketSections } from './config.js';

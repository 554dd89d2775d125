import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, TicketChangedEvent } from '@storepulse/protocol';
import { scopedToProvider } from '../../domain/tickets/requests.js';
import type { Principal } from '../auth-service.js';
import type { TicketChange, TicketService } from './ticket-service.js';

/** The live gateway's socket.io server: sockets carry their principal and sit in `hq` or `provider:<id>`. */
export type LiveIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

const HQ_ROOM = 'hq';
const PROVIDER_PREFIX = 'provider:';
const providerRoom = (id: string) => PROVIDER_PREFIX + id;

/**
 * Pushes tickets over the live gateway's socket.io server: a snapshot of the visible tickets on each
 * connection, then every change to HQ and to the ticket's own provider only, and to a provider whose ticket went to
 * another, that it is withdrawn; a store where a ticket changed hands goes again to whoever sees it now,
 * and a provider that sees a store no longer (its ticket there taken, closed or cancelled) gets its screens afresh, as
 * does every provider when HQ changes a provider (which stores it serves by id or city).
 * Returns a function that detaches it.
 */
export interface TicketLiveGateway {
  io: LiveIo;
  refreshStores(storeIds: readonly string[]): void;
  resendSnapshot(providerId: string): void;
  /** The provider's open incidents afresh: those of a store it now sees, or no longer sees, through a ticket. */
  resendIncidents(providerId: string): void;
  /** Whether a provider sees a store now (it serves it, or holds a ticket there in play). */
  sees(providerId: string, storeId: string): boolean;
}

export function attachTicketLive(live: TicketLiveGateway, tickets: TicketService): () => void {
  const { io } = live;
  const onConnection = (socket: LiveSocket) => {
    const who = socket.data.principal;
    if (!who) return;
    socket.emit('tickets:snapshot', { at: new Date().toISOString(), tickets: tickets.visibleTickets(who) });
  };
  /** A store the provider saw only through this ticket leaves its screens, with its incidents. */
  const lostSight = (providerId: string | null, storeId: string) => {
    if (!providerId || live.sees(providerId, storeId)) return;
    live.resendSnapshot(providerId);
    live.resendIncidents(providerId);
  };
  const onChange = (c: TicketChange) => {
    // The provider that had a reassigned ticket only hears that it is gone; HQ hears the assignment itself.
    if (c.type === 'ticket.withdrawn') {
      if (c.ticket.providerId) io.to(providerRoom(c.ticket.providerId)).emit('ticket:withdrawn', { at: c.at, id: c.ticket.id });
      lostSight(c.ticket.providerId, c.ticket.storeId);
      return;
    }
    // A provider given a ticket at a store it does not serve sees that store from now: send it.
    if (c.detail.change === 'assigned') {
      live.refreshStores([c.ticket.storeId]);
      if (c.ticket.providerId) live.resendIncidents(c.ticket.providerId);
    }
    const event: TicketChangedEvent = c;
    io.to(HQ_ROOM).emit('ticket:changed', event);
    // The provider does not read what another provider wrote on the ticket before HQ handed it over.
    if (c.ticket.providerId) io.to(providerRoom(c.ticket.providerId)).emit('ticket:changed', { ...event, ticket: scopedToProvider(c.ticket, c.ticket.providerId) });
    // Closed or cancelled, the ticket no longer gives its provider sight of the store.
    if (c.ticket.status === 'closed' || c.ticket.status === 'cancelled') lostSight(c.ticket.providerId, c.ticket.storeId);
  };
  // Tickets stay with their provider: only the stores and their incidents change hands.
  const onProviders = () => {
    for (const room of io.sockets.adapter.rooms.keys()) {
      if (!room.startsWith(PROVIDER_PREFIX)) continue;
      const id = room.slice(PROVIDER_PREFIX.length);
      live.resendSnapshot(id);
      live.resendIncidents(id);
    }
  };
  io.on('connection', onConnection);
  tickets.on('change', onChange);
  tickets.on('providers', onProviders);
  return () => {
    io.off('connection', onConnection);
    tickets.off('change', onChange);
    tickets.off('providers', onProviders);
  };
}

import type { TicketChangedEvent, TicketView, TicketWithdrawnEvent } from '@storepulse/protocol';
import { applyTicketChange, ticketCounts, type TicketCounts } from '$lib/tickets/tickets.js';
import { liveFleet, type LiveSocket } from './fleet.svelte.js';

/** The tickets the signed-in person may see, live over the app's socket. */
class LiveTickets {
  /** True once the server sent its tickets snapshot; a server without tickets never does. */
  loaded = $state(false);
  tickets = $state.raw<TicketView[]>([]);
  counts = $state.raw<TicketCounts>({ open: 0, breached: 0, unassigned: 0 });

  #map = new Map<string, TicketView>();
  #listeners = new Set<(event: TicketChangedEvent) => void>();
  #withdrawn = new Set<(event: TicketWithdrawnEvent) => void>();
  /** When HQ took each ticket from this provider: a copy from before then (a late move's answer) must not bring it back. */
  #withdrawnAt = new Map<string, number>();
  #listening = false;

  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    liveFleet.attach((socket: LiveSocket) => {
      socket.on('tickets:snapshot', (snapshot) => {
        this.#map = new Map(snapshot.tickets.map((t) => [t.id, t]));
        this.loaded = true;
        this.#publish();
      });
      socket.on('ticket:changed', (event) => {
        if (this.#predatesWithdrawal(event.ticket)) return;
        if (applyTicketChange(this.#map, event)) this.#publish();
        for (const fn of this.#listeners) fn(event);
      });
      // HQ gave one of this provider's tickets to another: it is no longer this reader's to see.
      socket.on('ticket:withdrawn', (event) => {
        this.#withdrawnAt.set(event.id, Date.parse(event.at));
        if (this.#map.delete(event.id)) this.#publish();
        for (const fn of this.#withdrawn) fn(event);
      });
    });
  }

  get(id: string): TicketView | undefined {
    return this.#map.get(id);
  }

  /** A ticket the page changed itself (the answer to a transition), without waiting for its event. */
  put(ticket: TicketView): void {
    if (this.#predatesWithdrawal(ticket)) return;
    if (applyTicketChange(this.#map, { ticket })) this.#publish();
  }

  onChange(fn: (event: TicketChangedEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  onWithdrawn(fn: (event: TicketWithdrawnEvent) => void): () => void {
    this.#withdrawn.add(fn);
    return () => this.#withdrawn.delete(fn);
  }

  /** A copy no newer than the ticket's withdrawal; a newer one (HQ gave it back) is taken, and the withdrawal forgotten. */
  #predatesWithdrawal(ticket: TicketView): boolean {
    const at = this.#withdrawnAt.get(ticket.id);
    if (at === undefined) return false;
    if (Date.parse(ticket.updatedAt) <= at) return true;
    this.#withdrawnAt.delete(ticket.id);
    return false;
  }

  #publish(): void {
    this.tickets = [...this.#map.values()];
    this.counts = ticketCounts(this.tickets);
  }
}

export const liveTickets = new LiveTickets();

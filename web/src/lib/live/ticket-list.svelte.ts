import { fetchTickets } from '$lib/api.js';
import { load, type Loaded } from '$lib/load.js';
import type { TicketSummary } from '$lib/tickets/tickets.js';
import { liveTickets } from './tickets.svelte.js';

/**
 * Tickets for a page: the live feed once its snapshot came, the list API until then. A server without the
 * tickets API reads as 'absent'. Call during a component's initialisation.
 */
export function useTickets() {
  let rest = $state<Loaded<TicketSummary[]>>({ status: 'loading' });
  $effect(() => {
    let current = true;
    void load(() => fetchTickets(), true).then((r) => {
      if (current) rest = r;
    });
    return () => (current = false);
  });
  return {
    get status(): Loaded<unknown>['status'] {
      return liveTickets.loaded ? 'ready' : rest.status;
    },
    get http(): number | null {
      return rest.status === 'error' ? rest.http : null;
    },
    get tickets(): TicketSummary[] {
      if (liveTickets.loaded) return liveTickets.tickets;
      if (rest.status !== 'ready') return [];
      // Before the live snapshot, the feed holds only the tickets this page moved or read again (a refused move):
      // their copies are newer than the list's.
      const newer = new Map(liveTickets.tickets.map((t) => [t.id, t]));
      return newer.size === 0 ? rest.data : rest.data.map((t) => newer.get(t.id) ?? t);
    },
  };
}

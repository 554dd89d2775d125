import { incidentEntry, maintenanceEntry, pushEntries, storeEntry, ticketEntry, type TickerEntry } from '$lib/ticker/ticker.js';
import { liveFleet } from './fleet.svelte.js';
import { liveIncidents } from './incidents.svelte.js';
import { liveTickets } from './tickets.svelte.js';

/** Entries gathered closer together than this are drawn together: a busy fleet must not redraw the ticker per event. */
const TICKER_FLUSH_MS = 500;

/** The wall's event ticker: store state changes, maintenance starting and ending, incidents opening and closing, tickets moving. */
class LiveTicker {
  entries = $state.raw<TickerEntry[]>([]);
  #pending: TickerEntry[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #listening = false;

  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    liveFleet.onStore((store, prev) => {
      this.#add(storeEntry(prev, store, Date.now()));
      this.#add(maintenanceEntry(prev, store, Date.now()));
    });
    liveIncidents.onIncident((incident, change) => {
      if (change !== 'updated') this.#add(incidentEntry(incident, change === 'opened', Date.now()));
    });
    liveTickets.onChange((event) => this.#add(ticketEntry(event, Date.now())));
  }

  #add(entry: TickerEntry | null): void {
    if (!entry) return;
    this.#pending.push(entry);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.entries = pushEntries(this.entries, this.#pending.splice(0));
    }, TICKER_FLUSH_MS);
  }
}

export const liveTicker = new LiveTicker();

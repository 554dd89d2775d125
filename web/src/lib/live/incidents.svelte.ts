import type { HqCurrency, IncidentView, LostRevenueToday } from '@storepulse/protocol';
import { applyIncident, applyIncidentsSnapshot, dropStoreIncidents, emptyIncidents, lossByStore, type StoreLoss } from '$lib/incidents/incidents.js';
import { liveFleet, type LiveSocket } from './fleet.svelte.js';

export type IncidentChange = 'opened' | 'updated' | 'closed';

/** Open incidents and today's lost revenue, live over the app's socket. */
class LiveIncidents {
  /** True once the server sent its incidents snapshot: until then the wall says nothing about losses. */
  loaded = $state(false);
  open = $state.raw<IncidentView[]>([]);
  today = $state.raw<LostRevenueToday[]>([]);
  /** HQ's currency and rates, as configured on the server; null when none. */
  hq = $state.raw<HqCurrency | null>(null);
  byStore = $state.raw<ReadonlyMap<string, StoreLoss>>(new Map());

  #state = emptyIncidents();
  #listeners = new Set<(incident: IncidentView, change: IncidentChange) => void>();
  #listening = false;

  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    liveFleet.attach((socket: LiveSocket) => {
      socket.on('incidents:snapshot', (snapshot) => {
        this.#state = applyIncidentsSnapshot(snapshot);
        this.hq = snapshot.hq;
        this.loaded = true;
        this.#publish();
      });
      socket.on('incident:opened', (i) => this.#apply(i, 'opened'));
      socket.on('incident:updated', (i) => this.#apply(i, 'updated'));
      socket.on('incident:closed', (i) => this.#apply(i, 'closed'));
      socket.on('store:removed', (e) => {
        if (dropStoreIncidents(this.#state, e.storeId)) this.#publish();
      });
      socket.on('lostRevenue:today', (e) => {
        this.#state.today = e.today;
        this.today = e.today;
      });
    });
  }

  onIncident(fn: (incident: IncidentView, change: IncidentChange) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #apply(incident: IncidentView, change: IncidentChange): void {
    applyIncident(this.#state, incident);
    this.#publish();
    for (const fn of this.#listeners) fn(incident, change);
  }

  #publish(): void {
    const open = [...this.#state.open.values()];
    this.open = open;
    this.today = this.#state.today;
    this.byStore = lossByStore(open);
  }
}

export const liveIncidents = new LiveIncidents();

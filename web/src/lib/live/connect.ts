import { liveFleet } from './fleet.svelte.js';
import { liveIncidents } from './incidents.svelte.js';
import { liveTickets } from './tickets.svelte.js';
import { liveTicker } from './ticker.svelte.js';

/** Opens the app's one socket with every live feed listening on it. */
export function connectLive(): () => void {
  liveIncidents.listen();
  liveTickets.listen();
  liveTicker.listen();
  liveFleet.connect();
  return () => liveFleet.disconnect();
}

import { logout } from '$lib/api.js';
import { liveFleet } from '$lib/live/fleet.svelte.js';

/**
 * Ends this browser's session: the live socket, the cookie, then the login page, even when the server cannot be
 * reached. The login page is loaded afresh, not navigated to: the live stores (ticker, tickets, incidents) hold what
 * this session saw, and whoever signs in next in this tab (a provider after HQ) must not see it.
 */
export async function signOut(): Promise<void> {
  liveFleet.disconnect();
  try {
    await logout();
  } finally {
    window.location.assign('/login');
  }
}

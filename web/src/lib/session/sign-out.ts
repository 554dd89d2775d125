import { logout } from '$lib/api.js';
import { liveFleet } from '$lib/live/fleet.svelte.js';

/**
 * Ends this browser's session: the cookie, the live socket, then the login page. The login page is loaded afresh,
 * not navigated to: the live stores (ticker, tickets, incidents) hold what this session saw, and whoever signs in next
 * in this tab (a provider after HQ) must not see it. When the server cannot be told, the cookie still signs this
 * browser in (on a shared phone, the next person would be let in): false, and the page stays, unless the token itself
 * is gone (`tokenGone`: just revoked), whose cookie lets nobody in.
 */
export async function signOut(opts: { tokenGone?: boolean } = {}): Promise<boolean> {
  try {
    await logout();
  } catch {
    if (!opts.tokenGone) return false;
  }
  liveFleet.disconnect();
  window.location.assign('/login');
  return true;
}

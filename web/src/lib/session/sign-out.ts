import { goto, invalidateAll } from '$app/navigation';
import { logout } from '$lib/api.js';
import { liveFleet } from '$lib/live/fleet.svelte.js';

/** Ends this browser's session: the live socket, the cookie, then the login page, even when the server cannot be reached. */
export async function signOut(): Promise<void> {
  liveFleet.disconnect();
  try {
    await logout();
  } finally {
    await invalidateAll();
    await goto('/login');
  }
}

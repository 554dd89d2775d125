import { redirect } from '@sveltejs/kit';
import { browser } from '$app/environment';
import { fetchSession } from '$lib/api.js';
import { connectLive } from '$lib/live/connect.js';
import { afterSignIn, loginHref } from '$lib/session/destination.js';
import type { LayoutLoad } from './$types';

// A single-page app: the server hands out index.html and the API; nothing renders on the server.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ fetch, url }) => {
  const session = await fetchSession(fetch);
  const onLogin = url.pathname === '/login';
  // Signed out: to the sign-in page, which comes back here afterwards. Signed in on it: where it would lead.
  if (!session && !onLogin) redirect(307, loginHref(url));
  if (session && onLogin) redirect(307, afterSignIn(session.role, url));
  // The socket opens now, while the page renders, rather than after (the layout keeps it open; a repeat is a no-op).
  if (session && browser) connectLive();
  return { session };
};

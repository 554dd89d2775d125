import { redirect } from '@sveltejs/kit';
import { browser } from '$app/environment';
import { fetchSession } from '$lib/api.js';
import { connectLive } from '$lib/live/connect.js';
import type { LayoutLoad } from './$types';

// A single-page app: the server hands out index.html and the API; nothing renders on the server.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ fetch, url }) => {
  const session = await fetchSession(fetch);
  const onLogin = url.pathname === '/login';
  if (!session && !onLogin) redirect(307, '/login');
  if (session && onLogin) redirect(307, '/wall');
  // The socket opens now, while the page renders, rather than after (the layout keeps it open; a repeat is a no-op).
  if (session && browser) connectLive();
  return { session };
};

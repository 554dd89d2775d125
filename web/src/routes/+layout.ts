import { redirect } from '@sveltejs/kit';
import { fetchSession } from '$lib/api.js';
import type { LayoutLoad } from './$types';

// A single-page app: the server hands out index.html and the API; nothing renders on the server.
export const ssr = false;
export const prerender = false;

export const load: LayoutLoad = async ({ fetch, url }) => {
  const session = await fetchSession(fetch);
  const onLogin = url.pathname === '/login';
  if (!session && !onLogin) redirect(307, '/login');
  if (session && onLogin) redirect(307, '/wall');
  return { session };
};

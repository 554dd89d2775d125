import { error } from '@sveltejs/kit';
import { fetchTicket, HttpError } from '$lib/api.js';
import { loadFailure } from '$lib/load.js';
import { m } from '$lib/paraglide/messages.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params, parent }) => {
  // After the layout has the session: signed out, it sends the browser to sign in, and this page's request
  // would only fail with a 401 that the console reports as an error. The session is asked for by index.html
  // while the app loads, so waiting for it costs next to nothing.
  await parent();
  try {
    return { ticket: await fetchTicket(params.id, fetch) };
  } catch (err) {
    // An id of the wrong form (400) names no ticket either: not found, as for any other.
    if (err instanceof HttpError && (err.status === 404 || err.status === 400)) error(404, m.ticket_not_found());
    if (err instanceof HttpError) error(err.status, m.load_error({ reason: loadFailure(err.status) }));
    throw err;
  }
};

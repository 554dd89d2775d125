import { error } from '@sveltejs/kit';
import { fetchTicket, HttpError } from '$lib/api.js';
import { m } from '$lib/paraglide/messages.js';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ fetch, params }) => {
  try {
    return { ticket: await fetchTicket(params.id, fetch) };
  } catch (err) {
    if (err instanceof HttpError) error(err.status, err.status === 404 || err.status === 400 ? m.ticket_not_found() : m.load_error({ status: err.status }));
    throw err;
  }
};

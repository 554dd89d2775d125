import { redirect } from '@sveltejs/kit';
import { homeOf } from '$lib/session/destination.js';
import type { PageLoad } from './$types';

/** A provider's engineer lands on their tickets; HQ on the wall. */
export const load: PageLoad = async ({ parent }) => {
  const { session } = await parent();
  redirect(307, session ? homeOf(session.role) : '/login');
};

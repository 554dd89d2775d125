import { HttpError } from './api.js';
import { m } from './paraglide/messages.js';

/** What a page section shows while its data loads, once it has it, or when it could not get it. */
export type Loaded<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; http: number | null } | { status: 'absent' };

/**
 * Runs a fetch into a Loaded state. A 404 from an API that is not there (yet) reads as 'absent', so a page can
 * say the feature is off instead of showing an error.
 */
export async function load<T>(fetcher: () => Promise<T>, absentOn404 = false): Promise<Loaded<T>> {
  try {
    return { status: 'ready', data: await fetcher() };
  } catch (err) {
    if (err instanceof HttpError) return absentOn404 && err.status === 404 ? { status: 'absent' } : { status: 'error', http: err.status };
    return { status: 'error', http: null };
  }
}

/** Why a section could not load, for its message: the server's HTTP status, or that no answer came at all (not "HTTP 0"). */
export function loadFailure(http: number | null): string {
  return http === null ? m.load_reason_unreachable() : m.load_reason_http({ status: http });
}

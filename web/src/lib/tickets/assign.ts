import type { StoreDetail } from '@storepulse/protocol';
import type { ProviderInfo } from '$lib/api.js';
import { ticketStatusLabel } from '$lib/i18n/labels.js';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, type Locale } from '$lib/paraglide/runtime.js';
import { isActive, type TicketSummary } from './tickets.js';

/** The server's limit on an assignment's note. */
export const ASSIGN_NOTE_MAX = 2000;

/** What the server's routing reads of the ticket's store: its city, and the provider its config names (null: none). */
export type AssignStore = Pick<StoreDetail, 'city' | 'provider'>;

/**
 * Whether a provider covers the ticket as the server's routing reads a provider: the ticket's category (or all), and
 * its store by id, by the store's city, or by the store's config naming it. A list without them (an older server)
 * covers nothing; without the store (its detail could not be read), only a provider listing it by id does.
 */
export function coversTicket(p: ProviderInfo, t: Pick<TicketSummary, 'storeId' | 'category'>, store?: AssignStore): boolean {
  const category = p.categories?.includes('all') || p.categories?.includes(t.category);
  const here = store?.city.trim().toLowerCase();
  const listed = !!p.stores?.some((s) => s === t.storeId || s.trim().toLowerCase() === here);
  return !!category && (listed || p.id === store?.provider);
}

/**
 * The providers HQ may hand the ticket to: any but the one it is with, those that cover its store and category
 * first, each group by name.
 */
export function assignChoices(
  providers: readonly ProviderInfo[],
  t: Pick<TicketSummary, 'storeId' | 'category' | 'providerId'>,
  store?: AssignStore,
): { covering: ProviderInfo[]; others: ProviderInfo[] } {
  const name = (p: ProviderInfo) => p.name ?? p.id;
  const open = providers.filter((p) => p.id !== t.providerId).sort((a, b) => name(a).localeCompare(name(b)) || a.id.localeCompare(b.id));
  return { covering: open.filter((p) => coversTicket(p, t, store)), others: open.filter((p) => !coversTicket(p, t, store)) };
}

/**
 * Why an assignment did not go through, from the answer's HTTP status (0: none came) and the ticket as read again
 * afterwards (null when it could not be): a 409 is a ticket that ended, or that is that provider's already.
 */
export function assignFailureText(
  status: number,
  now: Pick<TicketSummary, 'status' | 'providerId'> | null,
  wanted: string,
  name: (id: string) => string,
  locale: Locale = getLocale(),
): string {
  const o = { locale };
  if (status === 409 && now && !isActive(now.status)) return m.assign_error_ended({ status: ticketStatusLabel(now.status, locale) }, o);
  if (status === 409 && now?.providerId === wanted) return m.assign_error_already({ provider: name(wanted) }, o);
  if (status === 400) return m.assign_error_unknown({ provider: name(wanted) }, o);
  if (status === 403) return m.assign_error_forbidden({}, o);
  if (status === 404) return m.action_not_found({}, o);
  if (status === 0) return m.assign_error_network({}, o);
  return m.assign_error_http({ status }, o);
}

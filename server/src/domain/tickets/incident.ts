import { CATEGORIES, type Category, type LostRevenue } from './types.js';

/**
 * What the ticket engine needs from an incident. The incident engine's record carries these fields
 * (and more), so its effects can be passed as they are.
 */
export interface TicketIncident {
  id: string;
  storeId: string;
  /** till_down, till_degraded, store_down, store_offline, silent_till. */
  kind: string;
  tillIds: string[];
  /** ISO UTC: when the fault began. */
  startedAt: string;
  /** ISO UTC once the incident is over. */
  endedAt?: string | null;
  /** Dependency suppression or a maintenance window: no ticket. */
  suppressed?: boolean;
  category?: Category;
  /** The affected till's components, when the incident carries them. */
  components?: Record<string, { state: string; detail?: string }> | null;
  details?: string | null;
  visitors?: number | null;
  lostRevenue?: LostRevenue | null;
}

/** Most fundamental first: a dead network also makes payment unreachable, but the cause is the network. */
const CAUSE_ORDER: readonly Category[] = ['pos', 'network', 'payment', 'printer'];

/** The category a ticket is routed by: given by the incident, else its first faulty component, else its kind. */
export function incidentCategory(incident: Pick<TicketIncident, 'category' | 'components' | 'kind'>): Category {
  if (incident.category && (CATEGORIES as readonly string[]).includes(incident.category)) return incident.category;
  for (const c of CAUSE_ORDER) {
    const state = incident.components?.[c]?.state;
    if (state && state !== 'ok' && state !== 'unknown') return c;
  }
  return incident.kind === 'store_offline' ? 'network' : 'pos';
}

/** The same fault again means the same store, kind and tills. */
export function faultKey(incident: Pick<TicketIncident, 'storeId' | 'kind' | 'tillIds'>): string {
  return `${incident.storeId}|${incident.kind}|${[...incident.tillIds].sort().join(',')}`;
}

import { uncountedBound, type StillFailing } from '@storepulse/protocol';
import { CATEGORIES, type Category, type LostRevenue, type TicketLostRevenue } from './types.js';

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
  /** The most tills at the incident's kind at the same time: the priority's share (else every till in `tillIds`). */
  peakTills?: number;
  /**
   * What still fails, one line per fault ("T4 still reports printer paper_out"); empty once every till has recovered.
   * Absent when the incident does not say, and then nothing is assumed.
   */
  failing?: string[];
  /** The same, structured, for readers in other languages; given with `failing`. */
  stillFailing?: StillFailing[];
  /** ISO UTC: when a till last began to fail (again) in this incident; a ticket ended before then reopens. */
  faultAt?: string | null;
  visitors?: number | null;
  lostRevenue?: LostRevenue | null;
  /** The estimate's data-quality flags: `capacity_assumed` marks a store offline whose sales the server cannot see. */
  flags?: readonly string[];
}

/**
 * The ticket's copy of an incident's lost revenue: `uncounted` while the incident is open with none of its loss
 * counted yet (gross 0, flagged capacity_assumed, a bound above 0), as a store offline is until its tills' sales come
 * in. The web, webhooks and e-mails then say "none counted yet, up to high" instead of a plain 0, without the
 * incident's flags. Undefined when the incident says nothing of its loss.
 */
export function ticketLostRevenue(incident: Pick<TicketIncident, 'lostRevenue' | 'flags'>, open: boolean): TicketLostRevenue | null | undefined {
  const lost = incident.lostRevenue;
  if (lost == null) return lost;
  const { gross, net, low, high, currency } = lost;
  return uncountedBound(open, lost, incident.flags ?? []) !== null ? { gross, net, low, high, currency, uncounted: true } : { gross, net, low, high, currency };
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

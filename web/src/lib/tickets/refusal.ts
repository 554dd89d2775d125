import { severalTillsFailing, type TicketStatus } from '@storepulse/protocol';
import { reasonLabel, ticketStatusLabel } from '$lib/i18n/labels.js';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, type Locale } from '$lib/paraglide/runtime.js';
import { PROVIDER_ACTIONS } from './tickets.js';

/** Why a move did not go through, from the server's answer and the ticket as it was read again afterwards. */
export type MoveFailure =
  | {
      type: 'refused';
      code: 'invalid_transition' | 'invalid_reason';
      /** The moves the server allows now, as its 409 lists them. */
      allowed: readonly { to: TicketStatus; reasons: readonly string[] }[];
      /** The move asked for, the status the page showed, and the status now (null when it could not be read). */
      wanted: TicketStatus;
      shown: TicketStatus;
      now: TicketStatus | null;
      /** The moves this reader has buttons for; the provider's when not given. */
      offered?: readonly TicketStatus[];
    }
  /**
   * Resolving refused because the fault is live: what still fails, one line a fault as the server words it (the
   * ticket read again says it, else the server's refusal does). The fault came back, or was never gone, meanwhile.
   */
  | { type: 'still_failing'; failing: readonly string[] }
  | { type: 'http'; status: number };

// The server's words exactly (server/src/domain/tickets/engine.ts), lines joined by "; ".
const LIVE_FAULT = /^(.+): the ticket resolves itself once the (?:till has|tills have) recovered$/;

/**
 * What still fails, from the server's refusal to resolve a live fault ("T4 still reports printer paper_out: the
 * ticket resolves itself once the till has recovered"): its lines; empty for any other refusal.
 */
export function failingFromRefusal(message: string): string[] {
  const match = LIVE_FAULT.exec(message.trim());
  return match ? match[1]!.split('; ').filter((line) => line.length > 0) : [];
}

/** "Still failing: T4 (Receipt printer: paper out)", from the lines stillFailing gives. */
export function stillFailingText(failing: readonly string[], locale: Locale = getLocale()): string {
  return m.ticket_still_failing({ lines: failing.join('; ') }, { locale });
}

/**
 * Why a reader does not get "Resolve" (a provider) or what resolving now means (HQ) while the fault is live. Null
 * when nothing fails.
 */
export function liveFaultNote(failing: readonly string[], hq: boolean, locale: Locale = getLocale()): string | null {
  if (failing.length === 0) return null;
  const o = { locale };
  const many = severalTillsFailing(failing);
  if (hq) return many ? m.resolve_live_hq_many({}, o) : m.resolve_live_hq_one({}, o);
  return many ? m.resolve_withheld_many({}, o) : m.resolve_withheld_one({}, o);
}

/** The moves the page has buttons for, in the buttons' own words (the buttons take their labels from here too). */
export const ACTION_LABEL: Partial<Record<TicketStatus, (inputs?: Record<string, never>, options?: { locale?: Locale }) => string>> = {
  acknowledged: m.action_acknowledged,
  on_site: m.action_on_site,
  resolved: m.action_resolved,
  waiting_store: m.action_waiting_store,
  closed: m.action_close,
  open: m.action_reopen,
  cancelled: m.action_cancel_ticket,
};

/**
 * A refused or failed move in the reader's language, never the server's English: a 409 says that the ticket has
 * moved on (when the status read afterwards differs from the one shown) and which of the page's moves are possible now; a 403 that this
 * person may not move it; a 404 that it is gone from their view.
 */
export function moveFailureText(f: MoveFailure, locale: Locale = getLocale()): string {
  const o = { locale };
  if (f.type === 'still_failing') {
    const lines = f.failing.join('; ');
    return severalTillsFailing(f.failing) ? m.action_still_failing_many({ lines }, o) : m.action_still_failing_one({ lines }, o);
  }
  if (f.type === 'http') {
    if (f.status === 403) return m.action_forbidden({}, o);
    if (f.status === 404) return m.action_not_found({}, o);
    // No answer at all (offline, the server down): there is no HTTP status to give.
    if (f.status === 0) return m.action_failed_network({}, o);
    return m.action_failed({ status: f.status }, o);
  }
  const quote = (text: string) => m.quoted({ text }, o);
  const status = (s: TicketStatus) => ticketStatusLabel(s, locale);
  if (f.code === 'invalid_reason') {
    const reasons = f.allowed.find((a) => a.to === f.wanted)?.reasons ?? [];
    return m.action_bad_reason({ reasons: new Intl.ListFormat(locale, { type: 'disjunction' }).format(reasons.map((r) => quote(reasonLabel(r, locale)))) }, o);
  }
  const head =
    f.now !== null && f.now !== f.shown ? m.action_moved_meanwhile({ status: status(f.now) }, o) : m.action_not_from({ status: status(f.now ?? f.shown) }, o);
  const offered: readonly TicketStatus[] = f.offered ?? PROVIDER_ACTIONS;
  const moves = f.allowed.flatMap((a) => {
    const action = offered.includes(a.to) ? ACTION_LABEL[a.to] : undefined;
    return action ? [quote(action({}, o))] : [];
  });
  const next = moves.length === 0 ? m.action_nothing_possible({}, o) : m.action_possible({ actions: new Intl.ListFormat(locale, { type: 'disjunction' }).format(moves) }, o);
  return `${head} ${next}`;
}

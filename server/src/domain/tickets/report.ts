import type { SlaReportRow } from '@storepulse/protocol';
import { csvCell } from '../csv.js';
import { localMonth } from '../month.js';
import type { StoreConfig } from '../store.js';
import { ticketSla } from './sla-view.js';
import { PRIORITIES, SLA_TARGETS, type Priority, type ProviderStint, type SlaTargetName, type Ticket } from './types.js';
import { clockStartMs } from './assignment.js';

/** Adds to a map of lists in place: a month's tickets are many, and copying the list for each one is quadratic. */
function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const mean = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null);
/** A provider's times count from when it had the ticket: its assignment by HQ, else the opening. */
const since = (t: Ticket, iso: string | null) => (iso === null ? null : Date.parse(iso) - clockStartMs(t));
const during = (s: ProviderStint, iso: string | null) => (iso === null ? null : Date.parse(iso) - Date.parse(s.from));
const known = (x: number | null): x is number => x !== null;

/**
 * The monthly SLA report: per provider, the tickets opened in `month` (YYYY-MM) — each in its own store's local
 * month, so a Vladivostok ticket of 1 December 01:00 local counts in December — by priority, mean time to
 * acknowledge, to be on site and to resolve, breaches per target, and lost revenue. A ticket that changed hands
 * counts once, under its last provider; each provider it was taken from keeps its own times and breaches on it. Cancelled
 * tickets (false alarms, duplicates) are left out, and from MTTR a ticket resolved before its provider had it (its fault
 * recovered before HQ assigned it). Null for a malformed month.
 */
export function slaReport(
  tickets: Iterable<Ticket>,
  stores: ReadonlyMap<string, Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>>,
  month: string,
  nowMs: number,
  providerId?: string | null,
): SlaReportRow[] | null {
  const inMonth = localMonth(month);
  if (!inMonth) return null;
  const held = new Map<string | null, Ticket[]>();
  /** Each provider's earlier holds, with the ticket they were on. */
  const taken = new Map<string | null, { stint: ProviderStint; ticket: Ticket }[]>();
  for (const t of tickets) {
    if (!inMonth(Date.parse(t.openedAt), stores.get(t.storeId)?.timezone ?? 'UTC') || t.status === 'cancelled') continue;
    if (providerId === undefined || t.providerId === providerId) append(held, t.providerId, t);
    for (const stint of t.earlierHolders ?? []) {
      if (providerId === undefined || stint.providerId === providerId) append(taken, stint.providerId, { stint, ticket: t });
    }
  }
  const rows: SlaReportRow[] = [];
  for (const pid of new Set([...held.keys(), ...taken.keys()])) {
    const list = held.get(pid) ?? [];
    const stints = (taken.get(pid) ?? []).map((x) => x.stint);
    // Taken from it for good: another provider holds it last (a ticket taken twice counts once).
    const lost = new Set((taken.get(pid) ?? []).filter((x) => x.ticket.providerId !== pid).map((x) => x.ticket.id));
    const row: SlaReportRow = {
      providerId: pid,
      tickets: { P1: 0, P2: 0, P3: 0, total: list.length },
      withdrawn: lost.size,
      mttaMs: mean([...list.map((t) => since(t, t.acknowledgedAt)), ...stints.map((s) => during(s, s.acknowledgedAt))].filter(known)),
      mttoMs: mean([...list.map((t) => since(t, t.onSiteAt)), ...stints.map((s) => during(s, s.onSiteAt))].filter(known)),
      // A fault that recovered before HQ handed the ticket to this provider was not its to resolve: left out, rather
      // than counted as a negative time.
      mttrMs: mean(list.map((t) => since(t, t.resolvedAt ?? t.closedAt)).filter((x): x is number => x !== null && x >= 0)),
      breaches: { response: 0, onSite: 0, resolve: 0, total: 0 },
      lostRevenue: {},
    };
    for (const s of stints) {
      for (const name of s.breached) {
        row.breaches[name]++;
        row.breaches.total++;
      }
    }
    for (const t of list) {
      row.tickets[t.priority]++;
      const store = stores.get(t.storeId);
      if (store) {
        const sla = ticketSla(t, store, nowMs);
        for (const name of SLA_TARGETS) {
          if (sla.targets[name]?.breached) {
            row.breaches[name]++;
            row.breaches.total++;
          }
        }
      }
      if (t.lostRevenue) {
        const sum = (row.lostRevenue[t.lostRevenue.currency] ??= { gross: 0, net: 0 });
        sum.gross += t.lostRevenue.gross;
        sum.net += t.lostRevenue.net;
        if (t.lostRevenue.uncounted) sum.uncountedUpTo = (sum.uncountedUpTo ?? 0) + t.lostRevenue.high;
      }
    }
    rows.push(row);
  }
  return rows.sort((a, b) => (a.providerId ?? '').localeCompare(b.providerId ?? ''));
}

const minutes = (ms: number | null) => (ms === null ? '' : (ms / 60_000).toFixed(1));

/**
 * The report as CSV: one line per provider and currency, times in minutes. lost_revenue_uncounted_up_to is the most
 * the tickets whose loss is not counted yet (stores offline) may add to the gross; empty when there are none.
 * A provider whose tickets lost money in several currencies gets a line per currency; its ticket counts, mean times
 * and breaches are on its first line only and empty on the further ones, so that summing tickets_total in a
 * spreadsheet counts each ticket once. tickets_withdrawn (last, so that the columns before it keep their places)
 * counts a ticket that changed hands again under each provider it was taken from, and the breaches are each provider's own.
 */
export function slaReportCsv(rows: readonly SlaReportRow[]): string {
  const head = ['provider', ...PRIORITIES.map((p) => `tickets_${p}`), 'tickets_total', 'mtta_min', 'mean_to_onsite_min', 'mttr_min',
    'breaches_response', 'breaches_onsite', 'breaches_resolve', 'breaches_total', 'currency', 'lost_revenue_gross', 'lost_revenue_net', 'lost_revenue_uncounted_up_to', 'tickets_withdrawn'];
  const lines = [head.join(',')];
  for (const r of rows) {
    const money = Object.entries(r.lostRevenue);
    (money.length ? money : [['', null] as const]).forEach(([currency, sum], i) => {
      // Counted once: a further currency line of the same provider leaves its counts and times empty.
      const once = (v: string) => (i === 0 ? v : '');
      lines.push(
        [
          r.providerId ?? 'unassigned',
          ...PRIORITIES.map((p) => once(String(r.tickets[p]))),
          once(String(r.tickets.total)),
          once(minutes(r.mttaMs)),
          once(minutes(r.mttoMs)),
          once(minutes(r.mttrMs)),
          once(String(r.breaches.response)),
          once(String(r.breaches.onSite)),
          once(String(r.breaches.resolve)),
          once(String(r.breaches.total)),
          currency,
          sum ? sum.gross.toFixed(2) : '',
          sum ? sum.net.toFixed(2) : '',
          sum?.uncountedUpTo ? sum.uncountedUpTo.toFixed(2) : '',
          once(String(r.withdrawn)),
        ].map(csvCell).join(','),
      );
    });
  }
  return lines.join('\n') + '\n';
}

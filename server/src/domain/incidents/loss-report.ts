import { uncountedBound, type LossFigures, type LossReport, type LossReportRow } from '@storepulse/protocol';
import { csvCell } from '../csv.js';
import { roundMoney } from '../revenue/stats.js';
import { localMonth } from '../month.js';
import type { IncidentKind } from './types.js';

/** What the report needs of an incident: its figures, not its timeline. */
export interface IncidentFigures {
  storeId: string;
  kind: IncidentKind;
  status: 'open' | 'closed';
  /** ISO UTC. */
  startedAt: string;
  endedAt: string | null;
  /** While an open incident's recovery holds: where it began (the fault's end, unless it comes back). */
  recoveringSince: string | null;
  visitors: number;
  gross: number;
  net: number;
  high: number;
  currency: string;
  flags: readonly string[];
}

/**
 * Lost revenue per store over `month` (YYYY-MM): each incident in the local month of its store where it began (a
 * fault running past a month's end counts whole in the month it began), with the running figure of those still open.
 * `timezoneOf` gives a store's zone; a store no longer configured counts in UTC. Null for a malformed month.
 */
export function lossReport(incidents: Iterable<IncidentFigures>, timezoneOf: (storeId: string) => string | undefined, month: string, nowMs: number): LossReport | null {
  const inMonth = localMonth(month);
  if (!inMonth) return null;
  const rows = new Map<string, LossReportRow>();
  for (const inc of incidents) {
    const started = Date.parse(inc.startedAt);
    if (!inMonth(started, timezoneOf(inc.storeId) ?? 'UTC')) continue;
    const key = `${inc.storeId}\u0000${inc.currency}`;
    const row = rows.get(key) ?? { storeId: inc.storeId, currency: inc.currency, incidents: 0, kinds: {}, downtimeMs: 0, visitors: 0, gross: 0, net: 0 };
    rows.set(key, row);
    row.incidents += 1;
    row.kinds[inc.kind] = (row.kinds[inc.kind] ?? 0) + 1;
    const end = inc.endedAt ?? inc.recoveringSince;
    row.downtimeMs += Math.max(0, (end ? Date.parse(end) : nowMs) - started);
    row.visitors += inc.visitors;
    row.gross += inc.gross;
    row.net += inc.net;
    const bound = uncountedBound(inc.status === 'open' && !inc.endedAt, inc, inc.flags);
    if (bound !== null) row.uncountedUpTo = (row.uncountedUpTo ?? 0) + bound;
  }
  const stores = [...rows.values()].map(rounded).sort((a, b) => a.currency.localeCompare(b.currency) || b.net - a.net || a.storeId.localeCompare(b.storeId));
  const totals = new Map<string, LossFigures>();
  for (const r of stores) {
    const t = totals.get(r.currency) ?? { currency: r.currency, incidents: 0, downtimeMs: 0, visitors: 0, gross: 0, net: 0 };
    totals.set(r.currency, t);
    t.incidents += r.incidents;
    t.downtimeMs += r.downtimeMs;
    t.visitors += r.visitors;
    t.gross += r.gross;
    t.net += r.net;
    if (r.uncountedUpTo !== undefined) t.uncountedUpTo = (t.uncountedUpTo ?? 0) + r.uncountedUpTo;
  }
  return { stores, totals: [...totals.values()].map(rounded) };
}

function rounded<T extends { visitors: number; gross: number; net: number; uncountedUpTo?: number }>(r: T): T {
  const out = { ...r, visitors: Math.round(r.visitors), gross: roundMoney(r.gross), net: roundMoney(r.net) };
  if (r.uncountedUpTo !== undefined) out.uncountedUpTo = roundMoney(r.uncountedUpTo);
  return out;
}

const CSV_HEAD = ['store_id', 'store_name', 'city', 'currency', 'incidents', 'downtime_min', 'visitors', 'lost_revenue_gross', 'lost_revenue_net', 'lost_revenue_uncounted_up_to'];

/** One line per store and currency, for a spreadsheet; downtime in minutes. */
export function lossReportCsv(report: LossReport, storeOf: (storeId: string) => { name: string; city: string } | undefined): string {
  const lines = [CSV_HEAD.join(',')];
  for (const r of report.stores) {
    const store = storeOf(r.storeId);
    lines.push([
      csvCell(r.storeId), csvCell(store?.name ?? ''), csvCell(store?.city ?? ''), r.currency, String(r.incidents), (r.downtimeMs / 60_000).toFixed(1),
      String(r.visitors), r.gross.toFixed(2), r.net.toFixed(2), r.uncountedUpTo !== undefined ? r.uncountedUpTo.toFixed(2) : '',
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

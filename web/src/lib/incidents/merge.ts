import type { IncidentView } from '@storepulse/protocol';
import type { IncidentSummary } from '$lib/api.js';

/**
 * Folds a live incident into a store page's list (newest first). Other stores' incidents, a copy older than the
 * one shown (a live event that raced the page's own fetch) and the same copy again return the list itself.
 */
export function mergeIncident(list: readonly IncidentSummary[], incident: IncidentView, storeId: string): IncidentSummary[] {
  if (incident.storeId !== storeId) return list as IncidentSummary[];
  const { timeline: _timeline, ...summary } = incident;
  const i = list.findIndex((x) => x.id === incident.id);
  if (i !== -1) {
    const age = Date.parse(list[i]!.updatedAt) - Date.parse(incident.updatedAt);
    if (age > 0 || (age === 0 && JSON.stringify(list[i]) === JSON.stringify(summary))) return list as IncidentSummary[];
  }
  const next = i === -1 ? [summary, ...list] : list.with(i, summary);
  return next.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** Lost revenue of a store's incidents, gross and net, in its currency. */
export function sumLoss(list: readonly IncidentSummary[]): { gross: number; net: number } {
  return list.reduce((acc, i) => ({ gross: acc.gross + i.lostRevenue.gross, net: acc.net + i.lostRevenue.net }), { gross: 0, net: 0 });
}

import type { IncidentView } from '@storepulse/protocol';
import type { IncidentSummary } from '$lib/api.js';

/** Folds a live incident into a store page's list (newest first); other stores' incidents leave it untouched. */
export function mergeIncident(list: readonly IncidentSummary[], incident: IncidentView, storeId: string): IncidentSummary[] {
  if (incident.storeId !== storeId) return list as IncidentSummary[];
  const { timeline: _timeline, ...summary } = incident;
  const i = list.findIndex((x) => x.id === incident.id);
  const next = i === -1 ? [summary, ...list] : list.with(i, summary);
  return next.sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

/** Lost revenue of a store's incidents, gross and net, in its currency. */
export function sumLoss(list: readonly IncidentSummary[]): { gross: number; net: number } {
  return list.reduce((acc, i) => ({ gross: acc.gross + i.lostRevenue.gross, net: acc.net + i.lostRevenue.net }), { gross: 0, net: 0 });
}

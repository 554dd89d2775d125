import type { IncidentView, IncidentsSnapshot, LostRevenueToday } from '@storepulse/protocol';

/** Open incidents by id, and today's lost revenue per currency: what the wall knows of losses. */
export interface IncidentState {
  open: Map<string, IncidentView>;
  today: LostRevenueToday[];
}

export function emptyIncidents(): IncidentState {
  return { open: new Map(), today: [] };
}

/** A snapshot replaces everything: incidents missing from it closed while we were away. */
export function applyIncidentsSnapshot(snapshot: IncidentsSnapshot): IncidentState {
  return { open: new Map(snapshot.open.filter((i) => i.status === 'open').map((i) => [i.id, i])), today: snapshot.today };
}

/** Keeps an incident while open, forgets it once closed. Later news of an incident never loses to older news. */
export function applyIncident(state: IncidentState, incident: IncidentView): void {
  const prev = state.open.get(incident.id);
  if (prev && Date.parse(prev.updatedAt) > Date.parse(incident.updatedAt)) return;
  if (incident.status === 'open') state.open.set(incident.id, incident);
  else state.open.delete(incident.id);
}

export interface StoreLoss {
  currency: string;
  gross: number;
  incidents: number;
}

/** Lost revenue so far of each store's open incidents, in the store's currency. */
export function lossByStore(open: Iterable<IncidentView>): Map<string, StoreLoss> {
  const out = new Map<string, StoreLoss>();
  for (const inc of open) {
    const prev = out.get(inc.storeId);
    if (prev) {
      prev.gross += inc.lostRevenue.gross;
      prev.incidents += 1;
    } else {
      out.set(inc.storeId, { currency: inc.lostRevenue.currency, gross: inc.lostRevenue.gross, incidents: 1 });
    }
  }
  return out;
}

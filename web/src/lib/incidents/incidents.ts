import type { IncidentView, IncidentsSnapshot, LostRevenueToday, StoreState } from '@storepulse/protocol';
import { lostSoFar, lostUpTo } from './money.js';

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

/** A removed store's open incidents leave with it (their closure follows), so its loss leaves the totals. */
export function dropStoreIncidents(state: IncidentState, storeId: string): boolean {
  const before = state.open.size;
  for (const [id, inc] of state.open) if (inc.storeId === storeId) state.open.delete(id);
  return state.open.size < before;
}

export interface StoreLoss {
  currency: string;
  gross: number;
  incidents: number;
  /** What the store's uncounted incidents (a store offline) may be losing at most, beyond `gross`: see lostUpTo. */
  upTo: number;
  /** Every till of every open incident is back: the store looks fine while the incidents wait out their hold. */
  recovering: boolean;
}

/** Lost revenue so far of each store's open incidents, in the store's currency, and whether they are all recovering. */
export function lossByStore(open: Iterable<IncidentView>): Map<string, StoreLoss> {
  const out = new Map<string, StoreLoss>();
  for (const inc of open) {
    const recovering = inc.recoveringSince !== null;
    const upTo = lostUpTo(inc) ?? 0;
    const prev = out.get(inc.storeId);
    if (prev) {
      prev.gross += inc.lostRevenue.gross;
      prev.upTo += upTo;
      prev.incidents += 1;
      prev.recovering &&= recovering;
    } else {
      out.set(inc.storeId, { currency: inc.lostRevenue.currency, gross: inc.lostRevenue.gross, upTo, incidents: 1, recovering });
    }
  }
  return out;
}

/**
 * What a wall tile shows of its store's open incidents: the loss so far, formatted (null when none); else, for a
 * store offline with nothing counted yet, the most it may be losing ("up to …"), formatted; and the recovering mark.
 */
export interface TileIncident {
  lost: string | null;
  upTo: string | null;
  recovering: boolean;
}

/** The tiles' marks, for stores with a loss so far, a bound on an uncounted one, or a recovering incident. */
export function tileIncidents(byStore: ReadonlyMap<string, StoreLoss>, format: (amount: number, currency: string) => string): Map<string, TileIncident> {
  const out = new Map<string, TileIncident>();
  for (const [id, loss] of byStore) {
    const lost = lostSoFar(loss, format);
    // A counted loss is the tile's figure; the bound only stands in for a figure there is not yet.
    const upTo = lost === null && loss.upTo > 0 ? format(loss.upTo, loss.currency) : null;
    if (lost !== null || upTo !== null || loss.recovering) out.set(id, { lost, upTo, recovering: loss.recovering });
  }
  return out;
}

/**
 * The bounds of the open incidents with nothing counted yet (stores offline), per currency: what "lost today" may
 * still grow by once their sales come in. An open incident costs money today whenever it began (the server counts
 * today's share of one that began before its store's midnight), so each counts with its whole bound, an upper bound
 * either way; a store the wall does not know is left out, as the server leaves it out.
 */
export function uncountedToday(open: Iterable<IncidentView>, known: (storeId: string) => boolean): { currency: string; amount: number }[] {
  const out = new Map<string, number>();
  for (const inc of open) {
    const bound = lostUpTo(inc);
    // lostUpTo is null for anything but an open incident with nothing counted.
    if (bound === null || !known(inc.storeId)) continue;
    out.set(inc.lostRevenue.currency, (out.get(inc.lostRevenue.currency) ?? 0) + bound);
  }
  return [...out].map(([currency, amount]) => ({ currency, amount })).sort((a, b) => a.currency.localeCompare(b.currency));
}

/**
 * Whether a tile shows the recovering mark: only once its store's own state agrees. Incident and store updates
 * travel apart, and "Down … recovering" for the moment between them would contradict itself.
 */
export function showsRecovering(state: StoreState, mark: Pick<TileIncident, 'recovering'> | undefined): boolean {
  return (mark?.recovering ?? false) && (state === 'ok' || state === 'degraded');
}

import type { IncidentKind, IncidentView, StoreState, StoreSummary, TicketChangedEvent, TicketStatus } from '@storepulse/protocol';

/** One line of the wall's event ticker. Texts are built at render time, in the reader's language. */
export type TickerEntry =
  | { id: string; at: number; type: 'store'; storeId: string; from: StoreState | null; to: StoreState }
  | { id: string; at: number; type: 'incident'; storeId: string; opened: boolean; kind: IncidentKind; incidentId: string }
  | { id: string; at: number; type: 'ticket'; storeId: string; ticketId: string; event: TicketChangedEvent['type']; status: TicketStatus }
  | { id: string; at: number; type: 'maintenance'; storeId: string; windowId: string; started: boolean };

export const TICKER_SIZE = 40;

/** A store's state change; null when its state did not change (till counts moving alone are not news). */
export function storeEntry(prev: StoreSummary | undefined, next: StoreSummary, at: number): TickerEntry | null {
  if (!prev || prev.state === next.state) return null;
  return { id: `s:${next.id}:${next.since}:${next.state}`, at, type: 'store', storeId: next.id, from: prev.state, to: next.state };
}

/** A store entering a maintenance window (or passing to another) or leaving it; null when that did not change. */
export function maintenanceEntry(prev: StoreSummary | undefined, next: StoreSummary, at: number): TickerEntry | null {
  const was = prev?.maintenance ?? null;
  const now = next.maintenance;
  if (!prev || was?.windowId === now?.windowId) return null;
  const { windowId, until } = (now ?? was)!;
  return { id: `m:${next.id}:${windowId}:${until}:${now ? 's' : 'e'}`, at, type: 'maintenance', storeId: next.id, windowId, started: now !== null };
}

export function incidentEntry(incident: IncidentView, opened: boolean, at: number): TickerEntry {
  return {
    id: `i:${incident.id}:${opened ? 'o' : 'c'}`,
    at,
    type: 'incident',
    storeId: incident.storeId,
    opened,
    kind: incident.kind,
    incidentId: incident.id,
  };
}

/** Ticket changes that notify someone; quiet refreshes of live figures are not news. */
export function ticketEntry(event: TicketChangedEvent, at: number): TickerEntry | null {
  if (!event.notify) return null;
  const t = event.ticket;
  return { id: `t:${t.id}:${event.type}:${event.at}`, at, type: 'ticket', storeId: t.storeId, ticketId: t.id, event: event.type, status: t.status };
}

/** Newest first, at most `size`, each event once (a repeat after a reconnection is dropped). */
export function pushEntries(list: readonly TickerEntry[], fresh: readonly TickerEntry[], size = TICKER_SIZE): TickerEntry[] {
  if (fresh.length === 0) return list as TickerEntry[];
  const seen = new Set(list.map((e) => e.id));
  const added = fresh.filter((e) => !seen.has(e.id) && (seen.add(e.id), true)).reverse();
  return [...added, ...list].slice(0, size);
}

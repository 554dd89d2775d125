/** The typed socket.io event map shared by the server and the web. */
import type { HqCurrency, IncidentView, LostRevenueToday, StoreSummary, TicketEventType, TicketView, TillView } from './state.js';

export interface FleetSnapshot {
  at: string;
  stores: StoreSummary[];
}

export interface TillStateEvent {
  storeId: string;
  till: TillView;
}

export interface StoreRemovedEvent {
  at: string;
  storeId: string;
}

export interface ServerToClientEvents {
  /**
   * Sent on every (re)connection, so a client never stays stale after a blip; again to providers when the stores they
   * see change (a ticket given or taken, HQ changing a provider or a store's city or provider).
   */
  snapshot: (snapshot: FleetSnapshot) => void;
  'store:state': (store: StoreSummary) => void;
  'till:state': (event: TillStateEvent) => void;
  /** HQ removed a store: to HQ and to the providers who saw it, its incidents closing right after. */
  'store:removed': (event: StoreRemovedEvent) => void;
  /**
   * Open incidents and today's lost revenue the client may see: on every (re)connection, and to a provider given or
   * losing a ticket at a store it does not serve, and to every provider when HQ changes a provider or a store's city or provider.
   */
  'incidents:snapshot': (snapshot: IncidentsSnapshot) => void;
  'incident:opened': (incident: IncidentView) => void;
  /** Figures, tills or kind changed; sent at least every minute while open (the live running total). */
  'incident:updated': (incident: IncidentView) => void;
  'incident:closed': (incident: IncidentView) => void;
  /** Today's lost revenue per currency for what the client may see, after every incident change. */
  'lostRevenue:today': (totals: LostRevenueTodayEvent) => void;
  /** The tickets the client may see (live ones: active, or ended within the reopen window): on every (re)connection. */
  'tickets:snapshot': (snapshot: TicketsSnapshot) => void;
  /** A ticket opened, moved, escalated, warned, breached or closed, or its live figures changed (`notify: false`). */
  'ticket:changed': (event: TicketChangedEvent) => void;
  /** One of this provider's tickets went to another provider (HQ's assignment, or rerouted): no longer this reader's to see. */
  'ticket:withdrawn': (event: TicketWithdrawnEvent) => void;
}

export interface TicketWithdrawnEvent {
  at: string;
  id: string;
}

export interface TicketsSnapshot {
  at: string;
  tickets: TicketView[];
}

export interface TicketChangedEvent {
  type: TicketEventType;
  at: string;
  /** False for a quiet refresh (footfall, lost revenue) that sent no webhook. */
  notify: boolean;
  /**
   * SLA target and threshold, escalation step, or what changed (status, recovered, reopened, recurred, priority,
   * incident; `assigned` on a ticket.opened handed to a provider, by HQ or rerouted when the fault grew into the store
   * offline, with the provider it came from in `fromProvider`; `reason` tells which: `assigned` by HQ or `rerouted`,
   * also on the ticket.withdrawn sent to the provider that had it).
   */
  detail: { change?: string; fromProvider?: string; reason?: 'assigned' | 'rerouted'; target?: 'response' | 'onSite' | 'resolve'; percent?: 50 | 75; step?: number; notify?: string };
  ticket: TicketView;
}

export interface IncidentsSnapshot {
  at: string;
  open: IncidentView[];
  today: LostRevenueToday[];
  /** HQ's currency and rates from the config file; null when HQ configured none. */
  hq: HqCurrency | null;
}

export interface LostRevenueTodayEvent {
  at: string;
  today: LostRevenueToday[];
}

export interface ClientToServerEvents {
  /** Asks for a full snapshot again, e.g. after the tab wakes up. */
  sync: (ack: (snapshot: FleetSnapshot) => void) => void;
}

/** Roles of API tokens. */
export const ROLES = ['hq-admin', 'hq-viewer', 'provider', 'agent'] as const;
export type Role = (typeof ROLES)[number];

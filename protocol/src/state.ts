import type { ComponentName, ComponentState } from './components.js';
import type { StillFailing } from './failing.js';
import type { Components } from './schemas.js';

/** Till state derived on the server from its components and its agent's presence. */
export const TILL_STATES = ['up', 'degraded', 'down', 'offline', 'unknown'] as const;
export type TillState = (typeof TILL_STATES)[number];

/** Store state: `offline` means every agent is gone at once (most likely the store's network), not that it cannot sell. */
export const STORE_STATES = ['ok', 'degraded', 'down', 'offline', 'closed'] as const;
export type StoreState = (typeof STORE_STATES)[number];

/** Worst first: the order of tiles on the wall. */
export const STORE_STATE_SEVERITY: Record<StoreState, number> = { down: 0, offline: 1, degraded: 2, ok: 3, closed: 4 };

/** A store's tills by state; a backup till is counted only while it sells (up or degraded). */
export type TillCounts = { total: number } & Record<TillState, number>;

export interface TillView {
  id: string;
  state: TillState;
  online: boolean;
  components: Components | null;
  /** Last time anything was heard from this till's agent (ISO UTC), null if never. */
  lastSeen: string | null;
  /** When the till entered its current state (ISO UTC). */
  since: string;
  agentVersion: string | null;
}

export interface StoreSummary {
  id: string;
  name: string;
  city: string;
  /** A wider area than the city, for grouping the wall; null when the store has none. */
  region: string | null;
  timezone: string;
  currency: string;
  state: StoreState;
  since: string;
  tills: TillCounts;
  /** The maintenance window the store is in now (its faults open no incidents) and when that stretch ends; else null. */
  maintenance: StoreMaintenance | null;
}

export interface StoreMaintenance {
  windowId: string;
  /** ISO UTC: when the windows that hold the store, merged, end. */
  until: string;
}

/** A store as HQ configures it (config file or API), defaults filled in: what PUT /api/stores/:id takes. */
export interface StoreSettings {
  id: string;
  name: string;
  city: string;
  /** A wider area than the city (e.g. "Iberia"), only for grouping; provider scoping does not use it. */
  region?: string;
  /** IANA time zone, e.g. Europe/Madrid. */
  timezone: string;
  /** ISO 4217 code. */
  currency: string;
  /** Till ids expected in this store. */
  tills: string[];
  hours: WeekHours;
  /** Local dates (YYYY-MM-DD) on which the store is closed all day. */
  holidays: string[];
  provider: string | null;
  /** Share of visitors who buy, used until enough sales data is learned. */
  conversion: number;
  /** Average basket in the store's currency, used until enough sales data is learned. */
  avgBasket: number;
  /** Tills opened only to add capacity (listed in `tills` too): their faults open no incident, their selling counts. */
  backupTills?: string[];
  /** Groups that maintenance windows can name (a region, a POS version, a mall operator). */
  groups?: string[];
  /** Visitors per hour to assume where there is neither a door counter nor history. */
  defaultVisitorsPerHour?: number;
  /** Transactions one busy till completes in an hour: the capacity model's till speed when HQ knows it. */
  tillThroughput?: number;
  /** Where the store's staff hear that a ticket waits for them (the provider's note with it). */
  email?: string;
}

export interface StoreDetail extends Omit<StoreSummary, 'tills'> {
  tillCounts: TillCounts;
  tills: TillView[];
  hours: WeekHours;
  provider: string | null;
  /** The staff's email, for whoever works on the store's tickets to reach them; null when none is configured. */
  email: string | null;
  /** The service providers serving the store, by its config or by their contracts (ids or cities), and for which faults. */
  providers: { id: string; name: string; categories: string[] }[];
  /**
   * HQ only: the store's configuration, so an edit is a GET, a change and a PUT of this object that keeps
   * every other field. Providers do not see it: conversion and basket are the chain's business figures.
   */
  settings?: StoreSettings;
}

/** One change of a till's state or components, as the till history API carries it. */
export interface TillStateChangeView {
  at: string;
  tillId: string;
  state: TillState;
  /** Component states as reported; null when the agent had reported none. */
  components: Partial<Record<ComponentName, ComponentState>> | null;
}

/** GET /api/stores/:id/tills/history: a store's till state changes over [from, to). */
export interface TillHistory {
  storeId: string;
  from: string;
  to: string;
  /** Each till's last state before `from`, where known: where a timeline of the range starts. */
  before: TillStateChangeView[];
  /** Oldest first. */
  changes: TillStateChangeView[];
  /** More changes than `limit` fell in the range: the oldest were left out. */
  truncated: boolean;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** "HH:MM-HH:MM" local time per weekday, or null when closed all day. */
export type WeekHours = Record<Weekday, string | null>;

/**
 * A planned window in which faults do not become incidents (config file, `/api/maintenance`). Times are the store's
 * local wall time, so one chain-wide window ("every Sunday 02:00-04:00") lands at 02:00 in every store, DST or not.
 */
export interface MaintenanceWindow {
  id: string;
  /** Stores covered; a store matching `storeIds` or `groups` is covered. */
  storeIds?: string[];
  groups?: string[];
  /** One-off: "YYYY-MM-DDTHH:MM" local to each store, or an instant with Z or an offset. */
  start?: string;
  end?: string;
  /** Recurring: these weekdays, "HH:MM-HH:MM" local; an end at or before the start runs past midnight. */
  recurrence?: { weekdays: Weekday[]; hours: string };
}

/** Why a saved window covers less than it names: a store not configured, or a group no configured store is in. */
export const MAINTENANCE_WARNING_CODES = ['store_not_configured', 'group_without_stores'] as const;
/** A code for clients to word in their language, and the server's English for logs and scripts. */
export interface MaintenanceWarning {
  code: (typeof MAINTENANCE_WARNING_CODES)[number];
  /** The store id or the group it is about. */
  subject: string;
  message: string;
}

/** A store group that maintenance windows can name, with the stores in it. */
export interface StoreGroup {
  group: string;
  storeIds: string[];
}

/** Incident kinds, worst first. */
export const INCIDENT_KINDS = ['store_down', 'store_offline', 'till_down', 'silent_till', 'till_degraded'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
export const INCIDENT_SEVERITIES = ['critical', 'major', 'minor'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/** Estimated lost sales in the store's currency: net takes away customers who came back; low/high is the band. */
export interface LostRevenue {
  gross: number;
  net: number;
  low: number;
  high: number;
  currency: string;
}

/**
 * A ticket's lost revenue: its current incident's. `uncounted: true` (absent otherwise) while that incident is open
 * with none of its loss counted yet: a store offline (flagged `capacity_assumed`) whose tills may still be selling
 * behind their network, so `gross` stays 0 until their sales come in and `high` is the most it may be losing. Read
 * it as "none counted yet, up to `high`", never as a loss of 0; it goes once the sales are counted or the incident ends.
 */
export interface TicketLostRevenue extends LostRevenue {
  uncounted?: true;
}

export interface IncidentTimelineEntry {
  at: string;
  event: 'fault' | 'opened' | 'till' | 'flap' | 'recovered' | 'kind' | 'backup' | 'closed' | 'settled';
  tillId?: string;
  state?: TillState | 'silent';
  detail?: string;
}

/** An incident as the API and the live events carry it. */
export interface IncidentView {
  id: string;
  storeId: string;
  tillIds: string[];
  kind: IncidentKind;
  severity: IncidentSeverity;
  status: 'open' | 'closed';
  /** When the fault began (ISO UTC); losses count from here. */
  startedAt: string;
  endedAt: string | null;
  /** While open with every till back: when recovery began (ISO UTC); it closes once that has held for the hold period. Else null. */
  recoveringSince: string | null;
  /** Visitors who came in during the incident (measured, or the baseline where the counter was silent). */
  visitors: number;
  lostRevenue: LostRevenue;
  /** 0.1–1, lowered by each data-quality flag. */
  confidence: number;
  flags: string[];
  timeline: IncidentTimelineEntry[];
  timeToBackupSec: number | null;
  method: 'gap' | 'capacity' | 'full' | 'mixed' | 'none';
  /** True once net has taken in the hour after recovery: the figures will not change again. */
  final: boolean;
  updatedAt: string;
}

/**
 * HQ's reporting currency and what one unit of each other currency is worth in it (configured by HQ), so the wall
 * can add losses in several currencies into one total. Without a rate for a currency no total is made up.
 */
export interface HqCurrency {
  currency: string;
  rates: Record<string, number>;
}

/** Lost revenue of incidents that started today (each store's local day), per currency. */
export interface LostRevenueToday {
  currency: string;
  gross: number;
  net: number;
  incidents: number;
}

/** SLA tickets: what the tickets API and live ticket events carry. */
export const TICKET_STATUSES = ['open', 'acknowledged', 'waiting_store', 'on_site', 'resolved', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type TicketPriority = 'P1' | 'P2' | 'P3';
export type TicketCategory = 'pos' | 'printer' | 'payment' | 'network';
export type TicketEventType = 'ticket.opened' | 'ticket.updated' | 'ticket.escalated' | 'sla.warning' | 'sla.breached' | 'ticket.closed' | 'ticket.withdrawn';

export interface TicketSlaTarget {
  goalMs: number;
  dueAt: string | null;
  elapsedMs: number;
  remainingMs: number;
  /** Share of the goal used, 0–100+ with one decimal. */
  percent: number;
  /** Met, or the ticket ended. */
  stopped: boolean;
  paused: boolean;
  breached: boolean;
}

export interface TicketSla {
  clock: '24x7' | 'store_hours' | null;
  responseDueAt: string | null;
  onSiteDueAt: string | null;
  resolveDueAt: string | null;
  paused: boolean;
  breached: boolean;
  targets: { response: TicketSlaTarget | null; onSite: TicketSlaTarget | null; resolve: TicketSlaTarget | null };
}

export interface TicketAuditEntry {
  at: string;
  actor: { role: 'provider' | 'hq' | 'store' | 'system'; id: string };
  from: TicketStatus | null;
  to: TicketStatus;
  reason: string | null;
  note: string | null;
  location?: { lat: number; lon: number; accuracyM?: number };
  /**
   * On a handover (reason `assigned` by HQ, or `rerouted` by the system when the fault grew into the store offline):
   * the provider it came from (null: the unassigned queue) and the one it went to.
   */
  fromProvider?: string | null;
  toProvider?: string;
}

/** One notification of a ticket (webhook, chat or e-mail) as the ticket detail shows it; URLs show their origin only. */
export interface TicketDelivery {
  id: string;
  eventType: TicketEventType;
  channel: 'webhook' | 'slack' | 'teams' | 'email';
  target: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

/** A ticket with its live SLA view (computed when sent). `providerId` null: HQ's unassigned queue. */
export interface TicketView {
  id: string;
  incidentId: string;
  incidentIds: string[];
  storeId: string;
  tillIds: string[];
  kind: string;
  category: TicketCategory;
  components: Record<string, { state: string; detail?: string }> | null;
  details: string | null;
  providerId: string | null;
  priority: TicketPriority;
  status: TicketStatus;
  startedAt: string;
  openedAt: string;
  /** When HQ last assigned the ticket to its provider: its SLA clocks count from here. Absent or null: routed on opening. */
  assignedAt?: string | null;
  updatedAt: string;
  acknowledgedAt: string | null;
  onSiteAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  cancelledAt: string | null;
  recoveredAt: string | null;
  resolutionProposedAt: string | null;
  /** When the ticket closes itself if nothing changes (its fault recovered and nobody moved it since); null when it will not. */
  autoCloseAt?: string | null;
  /**
   * What of the incident still fails ("T4 still reports printer paper_out"), empty once it has recovered: until then
   * a provider or the store cannot resolve the ticket (409), HQ can. Absent on tickets from before it existed.
   */
  failing?: string[];
  /** The same, structured: what the web words in the reader's language. Absent on tickets from before it existed. */
  stillFailing?: StillFailing[];
  visitors: number | null;
  lostRevenue: TicketLostRevenue | null;
  pauses: { start: string; end: string | null }[];
  onSiteLocation: { lat: number; lon: number; accuracyM?: number } | null;
  audit: TicketAuditEntry[];
  sla: TicketSla;
}

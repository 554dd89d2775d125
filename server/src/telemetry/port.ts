/**
 * The telemetry port: what the domain writes as time series and what it reads back for charts and
 * baselines. Two adapters implement it (embedded SQLite, InfluxDB) and pass one contract suite.
 * Times are epoch milliseconds; stored at second precision.
 */
import type { ComponentName, ComponentState, StoreState, TillState } from '@storepulse/protocol';

export interface TillStatusPoint {
  at: number;
  storeId: string;
  tillId: string;
  state: TillState;
  /** Component states as last reported; null when the agent has not reported any. */
  components: Partial<Record<ComponentName, ComponentState>> | null;
  /**
   * A periodic repeat of the till's state for Grafana, which shows the last point within its range; not a change,
   * so till state histories leave it out. Only InfluxDB, which Grafana reads, is sent these.
   */
  keyframe?: boolean;
}

export interface TillOnlinePoint {
  at: number;
  storeId: string;
  tillId: string;
  online: boolean;
}

/** One counter bin. A bin sent again with the same key (store, sensor, start) replaces the earlier one. */
export interface FootfallBinPoint {
  storeId: string;
  sensorId: string;
  binStart: number;
  binEnd: number;
  in: number;
  out: number;
}

/** One sales bin of a till. A bin sent again with the same key (store, till, start) replaces the earlier one. */
export interface SalesBinPoint {
  storeId: string;
  tillId: string;
  binStart: number;
  binEnd: number;
  transactions: number;
  revenue: number;
  currency: string;
}

export interface StoreStatePoint {
  at: number;
  storeId: string;
  state: StoreState;
  tillsUp: number;
  tillsTotal: number;
}

/**
 * `resolved`: written at close, and again with the same time and tags whenever a closed incident's figures change
 * later (late bins, the settled net), replacing it. `reclassified`: the last point of a series an open incident left
 * when its kind or tills changed (the series key holds kind and till).
 */
export const INCIDENT_PHASES = ['opened', 'updated', 'resolved', 'reclassified'] as const;
export type IncidentPhase = (typeof INCIDENT_PHASES)[number];

/** The point's `open` (0/1): Grafana counts open incidents as the series whose last point is open. */
export function isOpenPhase(phase: IncidentPhase): boolean {
  return phase === 'opened' || phase === 'updated';
}

/** An incident event: an annotation on charts. Its id is a field, never a tag (ids grow without limit). */
export interface IncidentPoint {
  at: number;
  storeId: string;
  /** Null for store-wide incidents. */
  tillId: string | null;
  incidentId: string;
  kind: string;
  phase: IncidentPhase;
  title: string;
  /** The provider the incident's ticket was routed to (a bounded set, so a tag), when it has one. */
  provider?: string | null;
  /** Gross lost revenue estimated so far, in the store's currency. */
  lostRevenue?: number;
  /** Net of customers who came back after recovery: gross until the hour after it has passed, then settled. */
  lostRevenueNet?: number;
  /** Length of the incident, on resolution. */
  durationSeconds?: number;
  /** Whether the ticket's SLA was breached, once known. */
  slaBreached?: boolean;
  /** The incident's ticket: one ticket may hold several incidents (a fault that recurred), breached once. */
  ticketId?: string;
}

/** A dense range of bins: `from` and `to` must be multiples of `binSeconds` (UTC-aligned, like InfluxQL). */
export interface SeriesQuery {
  storeId: string;
  from: number;
  to: number;
  binSeconds: number;
}

/** `value` is null when nothing was recorded for the bin. */
export interface SeriesValue {
  t: number;
  value: number | null;
}

export interface SalesSeriesValue {
  t: number;
  transactions: number | null;
  revenue: number | null;
}

/** A store's 15-minute rollups over [from, to): both on quarter hours (UTC). */
export interface RollupQuery {
  storeId: string;
  from: number;
  to: number;
}

/** Only the quarters rolled up, oldest first. */
export interface Rollups {
  /** Visitors in, all sensors summed. */
  footfall: { t: number; in: number }[];
  /** All tills summed. */
  sales: { t: number; transactions: number; revenue: number }[];
}

export const HISTORY_METRICS = ['footfall', 'transactions', 'revenue', 'tills_available'] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

/**
 * The same weekday and local time of the 15-minute bin starting at `binStart`, 1 to `weeks` weeks back,
 * in the store's time zone (so a DST change in between still lands on the same local time).
 */
export interface HistoryQuery {
  storeId: string;
  metric: HistoryMetric;
  timezone: string;
  binStart: number;
  weeks: number;
}

export interface HistoryValue {
  weeksAgo: number;
  binStart: number;
  value: number | null;
}

/** A till's state changes over [from, to); without `tillId`, every till of the store. */
export interface TillStatesQuery {
  storeId: string;
  tillId?: string;
  from: number;
  to: number;
  /** At most this many changes, the newest kept (default and ceiling: MAX_TILL_STATE_CHANGES). */
  limit?: number;
}

export interface TillStateChange {
  at: number;
  tillId: string;
  state: TillState;
  components: Partial<Record<ComponentName, ComponentState>> | null;
}

export interface TillStates {
  /** Each till's last state before `from` (looked up as far back as raw points are kept), for a timeline's start. */
  before: TillStateChange[];
  /** Oldest first. A point repeating its till's previous state and components is not a change and is left out. */
  changes: TillStateChange[];
  /** More changes fell in the range than `limit`: the oldest were left out. */
  truncated: boolean;
}

export interface MaintenanceReport {
  /** 15-minute rollup bins (store × measurement × bin) written. */
  rolledUp: number;
  /** Raw rows deleted by retention (SQLite only; InfluxDB expires data itself). */
  expired: number;
}

export interface TelemetryStats {
  /** Points accepted from callers. */
  accepted: number;
  /** Points refused as invalid (bad id, not a finite number, bin inside out...). */
  rejected: number;
  /** Points durably written to the store. */
  written: number;
  /** Points that went to the disk spool because the store was unreachable (running total). */
  spooled: number;
  /** Points waiting in the spool now. */
  spoolPending: number;
  /** Points lost: spool full, or refused by the store itself. */
  dropped: number;
  /** Write attempts repeated after a failure. */
  retries: number;
}

export interface TelemetryStore {
  readonly kind: 'sqlite' | 'influx';
  /** Each write returns false when the point is refused as invalid (counted and logged). */
  writeTillStatus(p: TillStatusPoint): boolean;
  writeTillOnline(p: TillOnlinePoint): boolean;
  writeFootfall(b: FootfallBinPoint): boolean;
  writeSales(b: SalesBinPoint): boolean;
  writeStoreState(p: StoreStatePoint): boolean;
  writeIncident(e: IncidentPoint): boolean;

  /** Visitors in (all sensors summed) per bin. */
  footfallSeries(q: SeriesQuery): Promise<SeriesValue[]>;
  /** Tills up at the end of each bin: the last store state in the bin, carried forward over empty bins. */
  tillsAvailableSeries(q: SeriesQuery): Promise<SeriesValue[]>;
  /** Transactions and revenue (all tills summed) per bin. */
  salesSeries(q: SeriesQuery): Promise<SalesSeriesValue[]>;
  /** Baseline history from the 15-minute rollups; call `maintain` first so recent bins are rolled up. */
  history(q: HistoryQuery): Promise<HistoryValue[]>;
  /** Footfall and sales rollups in bulk, reaching back past the raw retention; call `maintain` first. */
  rollups(q: RollupQuery): Promise<Rollups>;
  /** The till status points written on each change, read back as a state history. */
  tillStates(q: TillStatesQuery): Promise<TillStates>;

  /** Rolls up bins touched since the last call and applies retention. Call every minute or so. */
  maintain(nowMs: number): Promise<MaintenanceReport>;
  /** Resolves once every point accepted so far is written or spooled. */
  flush(): Promise<void>;
  stats(): TelemetryStats;
  close(): Promise<void>;
}

/** Minimal logger shape (pino's Logger satisfies it). */
export interface TelemetryLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Looks up a store's city for the bounded `city` tag; unknown stores are tagged "unknown". */
export type CityOf = (storeId: string) => string | undefined;

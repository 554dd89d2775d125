import type { Components, TillState } from '@storepulse/protocol';
import type { BaselineProfile } from '../revenue/baseline.js';
import type { FootfallBin, SalesBin } from '../revenue/bins.js';
import type { BinLimits } from '../revenue/bin-quality.js';
import type { EstimatorOptions, LossMethod } from '../revenue/estimator.js';
import type { QualityFlag } from '../revenue/flags.js';
import type { RateTable } from '../revenue/rates.js';
import type { Moment } from '../revenue/time.js';
import type { StoreConfig } from '../store.js';
import type { MaintenanceWindow } from './maintenance.js';

// The incident vocabulary is the protocol's, shared with the web: one definition, re-exported for the domain.
export { INCIDENT_KINDS, INCIDENT_SEVERITIES as SEVERITIES } from '@storepulse/protocol';
export type { IncidentKind, IncidentSeverity as Severity, LostRevenue, IncidentTimelineEntry as TimelineEntry } from '@storepulse/protocol';
import type { IncidentKind, IncidentSeverity as Severity, LostRevenue, IncidentTimelineEntry as TimelineEntry } from '@storepulse/protocol';

/** An incident as the API, socket events, tickets and the wall see it. */
export interface Incident {
  /** Derived from (storeId, kind at opening, startedAt): replaying the same inputs gives the same id. */
  id: string;
  storeId: string;
  tillIds: string[];
  kind: IncidentKind;
  severity: Severity;
  status: 'open' | 'closed';
  /** When the fault began (or the store opened, if it began while closed), ISO UTC. */
  startedAt: string;
  /** When recovery began, once it has held for the hold period. */
  endedAt: string | null;
  /** While open: when recovery began, if it is holding now (the incident closes once it has held long enough). */
  recoveringSince: string | null;
  visitors: number;
  lostRevenue: LostRevenue;
  /** 0.1–1: lowered by each quality flag. */
  confidence: number;
  flags: string[];
  timeline: TimelineEntry[];
  /** Seconds from the start until a backup till was selling; null if none opened. */
  timeToBackupSec: number | null;
  method: LossMethod | 'mixed' | 'none';
  /**
   * The tills at fault right now (empty while recovering); `tillIds` is every till the incident has touched. Absent
   * in incidents saved before it existed.
   */
  activeTillIds?: string[];
  /**
   * The most tills at the incident's kind at the same time so far (for till_down, tills down, not those degraded beside
   * them): what the incident's severity and a ticket's priority follow.
   */
  peakTills?: number;
  /** When a till last began to fail (again) in this incident: a ticket ended before then is reopened. */
  faultAt?: string;
  /** Components of the affected tills as last reported. */
  components: Record<string, Components | null>;
  /** True once net has taken in the after-recovery window: the figures will not change again. */
  final: boolean;
  updatedAt: string;
}

/** A till's state as the server derived it (its agent being offline included). */
export interface TillStateInput {
  type: 'till';
  at: Moment;
  storeId: string;
  tillId: string;
  state: TillState;
  components?: Components | null;
}

export interface AgentPresenceInput {
  type: 'agent';
  at: Moment;
  storeId: string;
  tillId: string;
  online: boolean;
}

/** `at` is the server's receive time; bin times are the device's. */
export interface FootfallInput {
  type: 'footfall';
  at: Moment;
  storeId: string;
  sensorId: string;
  binStart: Moment;
  binEnd: Moment;
  in: number;
}

export interface SalesInput {
  type: 'sales';
  at: Moment;
  storeId: string;
  tillId: string;
  binStart: Moment;
  binEnd: Moment;
  transactions: number;
  revenue: number;
  currency: string;
}

/** The server's clock: call it every ~10 s. */
export interface TickInput {
  type: 'tick';
  at: Moment;
}

/** The store left the fleet: nothing watches it any more. */
export interface StoreRemovedInput {
  type: 'store_removed';
  at: Moment;
  storeId: string;
}

export type EngineInput = TillStateInput | AgentPresenceInput | FootfallInput | SalesInput | TickInput | StoreRemovedInput;

export type IncidentEffect = { type: 'incident.opened' | 'incident.updated' | 'incident.closed'; at: string; incident: Incident };

/** A fault that lasted beyond the pending period but never became an incident. */
export interface FaultRecordedEffect {
  type: 'fault.recorded';
  at: string;
  storeId: string;
  kind: IncidentKind;
  tillIds: string[];
  start: string;
  end: string;
  reason: 'outside_opening_hours' | 'maintenance';
}

/** Input the engine rejected, dropped or repaired: the server logs and counts each. */
export interface InputQualityEffect {
  type: 'input.quality';
  at: string;
  storeId: string;
  source: EngineInput['type'];
  /** Sensor or till id, when there is one. */
  sourceId: string | null;
  action: 'rejected' | 'ignored' | 'replaced';
  flag: QualityFlag | null;
  reason: string;
}

export type EngineEffect = IncidentEffect | FaultRecordedEffect | InputQualityEffect;

/** The engine's view of a store: its config, backup tills, groups and default visitors included. */
export type IncidentStore = StoreConfig;

/** Learned per store by the server (nightly): the baseline for today and the rates of the trailing weeks. */
export interface StoreModel {
  baseline: BaselineProfile | null;
  rates: RateTable | null;
}

export interface IncidentTimings {
  /** A fault must last this long before it is an incident. */
  pendingSec: number;
  /** Recovery must hold this long before the incident closes. */
  recoverSec: number;
}

export const DEFAULT_INCIDENT_TIMINGS: IncidentTimings = { pendingSec: 60, recoverSec: 120 };

export interface EngineOptions {
  /** Live lost-revenue updates while an incident is open. */
  updateEverySec: number;
  /** Net looks at sales this long after recovery. */
  recaptureMin: number;
  /** Silent till: no transaction for this long while the store is busy. */
  silentMinutes: number;
  /** …busy meaning at least this many entries per working till over those minutes. */
  silentVisitorsPerTill: number;
  /**
   * …and at least this many sales per working till over those minutes, the till's fair share: a till that merely
   * saw no customer by chance then sells nothing about once in e^6 ≈ 400 such windows.
   */
  silentSalesPerTill: number;
  /** A degraded till's share of a working till's capacity. */
  degradedCapacity: number;
  /** Footfall and sales kept before the oldest incident (today's level needs ~2 h). */
  keepMs: number;
  maxTimeline: number;
  estimator: Partial<EstimatorOptions>;
  limits: Partial<BinLimits>;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  updateEverySec: 60,
  recaptureMin: 60,
  silentMinutes: 20,
  silentVisitorsPerTill: 15,
  silentSalesPerTill: 6,
  degradedCapacity: 0.5,
  keepMs: 3 * 3600_000,
  maxTimeline: 100,
  estimator: {},
  limits: {},
};

export interface EngineConfig {
  incidents: IncidentTimings;
  stores: Record<string, IncidentStore>;
  maintenance: MaintenanceWindow[];
  models?: Record<string, StoreModel>;
  /**
   * The models are being learned (after a start): a store without its model yet keeps its incidents' figures as they
   * were saved and settles them later, rather than recomputing them from the configured defaults.
   */
  modelsLearning?: boolean;
  options?: Partial<EngineOptions>;
}

export interface TillTrack {
  state: TillState;
  /** The last state other than unknown: unknown (no fresh status) neither opens nor ends a fault. */
  known: TillState;
  since: number;
  components: Components | null;
}

export interface TillChange {
  at: number;
  tillId: string;
  state: TillState;
}

/** A store that is out of "ok", before and during its incident. */
export interface Fault {
  since: number;
  recoveringSince: number | null;
  /** What is wrong now, until an incident opens; from then on the worst it has been. */
  kind: IncidentKind;
  /** The worst it has been, for the record of a fault that never became an incident (absent in state saved before). */
  worst?: IncidentKind;
  tills: string[];
  /** Set when the fault outlasted the pending period while it could not become an incident. */
  suppressed: FaultRecordedEffect['reason'] | null;
  /** Since when what is wrong has been worse than its open incident's kind, with the store open (see escalated). */
  worseSince?: number | null;
}

export interface SalesFeed {
  /** End of the newest sales bin. */
  lastBinEnd: number;
  /** End of the newest bin with a transaction. */
  lastSaleEnd: number;
  /** Width of the newest bin: the feed's cadence, how far past its last bin silence may be assumed (absent in older saved state). */
  binMs?: number;
}

export interface StoreRuntime {
  tills: Record<string, TillTrack>;
  /** Till states as of `baseAt`; `changes` replays from there. */
  base: Record<string, TillState>;
  baseAt: number;
  changes: TillChange[];
  footfall: FootfallBin[];
  sales: SalesBin[];
  sensorsSeen: Record<string, number>;
  salesFeeds: Record<string, SalesFeed>;
  silent: string[];
  quality: { at: number; flag: QualityFlag }[];
  fault: Fault | null;
  open: Incident | null;
  lastUpdate: number;
  /** Closed incidents waiting for the after-recovery window, to settle net. */
  settling: Incident[];
  /**
   * When the store's recent incidents ended, kept as long as its bins: a new incident never starts inside one, nor
   * reaches back into one for a sales bin straddling its start. Filled from `settling` for state saved without it.
   */
  closedEnds: number[];
}

/** Plain JSON: the server persists it and restores it after a restart. */
export interface EngineState {
  version: 1;
  now: number;
  stores: Record<string, StoreRuntime>;
}

import type { Logger } from 'pino';
import type { LossReport, LostRevenueToday, MaintenanceWarning, StoreMaintenance } from '@storepulse/protocol';
import type { IncidentRepository, IncidentQuery } from '../../adapters/sqlite/incident-repository.js';
import type { Fleet, FleetChange } from '../../domain/fleet.js';
import {
  IncidentEngine,
  lossReport,
  lossReportCsv,
  maintenanceWarnings,
  type EngineEffect,
  type EngineInput,
  type EngineState,
  type Incident,
  type IncidentTimings,
  type MaintenanceTarget,
  type MaintenanceWindow,
  type StoreModel,
} from '../../domain/incidents/index.js';
import type { StoreConfig } from '../../domain/store.js';
import { monthFetchSpan } from '../../domain/month.js';
import type { EventBus, ServerEvents } from '../../event-bus.js';
import type { Metrics } from '../../metrics.js';
import type { IncidentPhase, TelemetryStore } from '../../telemetry/index.js';
import { seesEverything, type StoreAccess } from '../access.js';
import type { Principal } from '../auth-service.js';
import { engineConfig } from './engine-config.js';
import { incidentPoint, leftSeriesPoint, type TicketOf } from './incident-point.js';
import { lostRevenueToday, TODAY_LOOKBACK_MS } from './lost-today.js';
import { MaintenanceTracker } from './maintenance-tracker.js';
import { loadStoreModel } from './store-models.js';
import { RejectionLog } from '../../ingest/rejection-log.js';

const TICK_MS = 10_000;
/** The whole engine state is written at most this often (openings and closings at once): it grows with the fleet. */
const SAVE_EVERY_MS = 30_000;
const MODELS_EVERY_MS = 24 * 3600_000;
/** Past incidents left out of what a model learns: as far back as the baseline looks. */
const MODEL_HISTORY_MS = 43 * 24 * 3600_000;

export interface IncidentServiceDeps {
  access: StoreAccess;
  bus: EventBus;
  fleet: Fleet;
  repo: IncidentRepository;
  telemetry: TelemetryStore;
  metrics: Metrics;
  log: Logger;
  timings: IncidentTimings;
  /** Windows from the config file: read-only through the API. */
  fileWindows: MaintenanceWindow[];
  /** The ticket of an incident (ticketOf(TicketService)), for the provider and SLA outcome its resolution point carries. */
  ticketOf?: TicketOf;
  now?: () => number;
  tickMs?: number;
}

export type WindowSource = 'file' | 'api';

type FootfallMessage = ServerEvents['ingest:footfall'][0];
type SalesMessage = ServerEvents['ingest:sales'][0];

const footfallInput = (m: FootfallMessage): EngineInput => ({
  type: 'footfall', at: m.at, storeId: m.storeId, sensorId: m.sensorId, binStart: m.payload.binStart, binEnd: m.payload.binEnd, in: m.payload.in,
});
const salesInput = (m: SalesMessage): EngineInput => ({
  type: 'sales', at: m.at, storeId: m.storeId, tillId: m.tillId, binStart: m.payload.binStart, binEnd: m.payload.binEnd,
  transactions: m.payload.transactions, revenue: m.payload.revenue, currency: m.payload.currency,
});

/**
 * Whether telemetry should store a bin the engine was given: not when the engine refused it by its bin rules
 * (overlapping another) or dropped it as the same bin again. A store the engine does not know yet, or an engine
 * failure, keeps it: telemetry must not lose data to the incident side's trouble.
 */
function keepsBin(effects: EngineEffect[] | null): boolean {
  return !effects?.some((e) => e.type === 'input.quality' && e.flag !== null && (e.action === 'rejected' || e.action === 'ignored'));
}

type Handlers = { [K in keyof ServerEvents]?: (...args: ServerEvents[K]) => void };

/**
 * Runs the incident engine inside the server: feeds it what the bus carries, ticks it, saves every
 * incident and the engine's state in SQLite (so a restart neither loses nor duplicates incidents),
 * writes incident events to telemetry, counts data-quality effects and re-emits incidents on the bus.
 */
export class IncidentService {
  private readonly engine: IncidentEngine;
  private readonly now: () => number;
  /** Inputs the engine flagged or refused, logged at most 20 a minute per reason. */
  private readonly qualityLog: RejectionLog;
  private readonly handlers: Handlers;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly models: Record<string, StoreModel> = {};
  private configs = new Map<string, StoreConfig>();
  private apiWindows: MaintenanceWindow[];
  private dirty = false;
  private savedAt = 0;
  private modelsRun: Promise<void> = Promise.resolve();
  /** The models have been learned once since start: until then the engine keeps saved figures (modelsLearning). */
  private learned = false;
  private closed = false;
  private wake: { at: number; timer: NodeJS.Timeout } | null = null;
  private readonly maintenance: MaintenanceTracker;

  constructor(private readonly deps: IncidentServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.qualityLog = new RejectionLog(deps.log, 20, {
      one: 'incident input not taken as is',
      more: 'more incident inputs not taken as is for this reason in the minute since then (not logged one by one)',
    });
    this.maintenance = new MaintenanceTracker(this.now, (storeIds) => deps.bus.emit('maintenance:changed', storeIds));
    // The config file wins, as it does for stores: an API window whose id the file now uses would go on silencing
    // incidents unseen, and could not be deleted (the API refuses to touch the file's window).
    const fileIds = new Set(deps.fileWindows.map((w) => w.id));
    this.apiWindows = deps.repo.windows().filter((w) => {
      if (!fileIds.has(w.id)) return true;
      deps.repo.deleteWindow(w.id);
      deps.log.warn({ windowId: w.id }, 'maintenance window made through the API dropped: the config file defines one with its id');
      return false;
    });
    this.engine = new IncidentEngine(this.buildConfig(), this.loadState() ?? undefined);
    this.handlers = {
      'fleet:changes': (changes) => this.onFleet(changes),
      'store:removed': (storeId) => {
        this.apply({ type: 'store_removed', at: this.now(), storeId });
        this.refreshConfig();
      },
      'ingest:online': (m) => this.apply({ type: 'agent', at: m.at, storeId: m.storeId, tillId: m.tillId, online: m.payload.online }),
      'ingest:footfall': (m) => {
        if (keepsBin(this.apply(footfallInput(m)))) deps.bus.emit('bin:footfall', m);
      },
      'ingest:sales': (m) => {
        if (keepsBin(this.apply(salesInput(m)))) deps.bus.emit('bin:sales', m);
      },
      // The engine refuses it again, by the same rules, and so flags the incidents it touches.
      'ingest:refused-bin': (m) => this.apply(m.kind === 'footfall' ? footfallInput(m) : salesInput(m)),
    };
    for (const [event, fn] of Object.entries(this.handlers)) deps.bus.on(event as keyof ServerEvents, fn as never);
    deps.metrics.openIncidents.set(this.engine.openIncidents().length);
  }

  /** Starts the clock and learns the store models (now, then every 24 h). */
  start(): void {
    // A window naming a store or group that is not configured covers nothing there: said at start, not refused.
    const targets = this.maintenanceTargets();
    for (const { window, source } of this.windows()) this.windowWarnings(window, source, targets);
    this.every(this.deps.tickMs ?? TICK_MS, () => this.tick());
    this.every(MODELS_EVERY_MS, () => void this.rebuildModels());
    void this.rebuildModels();
  }

  tick(): void {
    this.apply({ type: 'tick', at: this.now() });
    if (this.dirty && this.now() - this.savedAt >= SAVE_EVERY_MS) this.saveState();
  }

  /** Learns every store's baseline and rates from telemetry; incidents keep going meanwhile. */
  rebuildModels(): Promise<void> {
    this.modelsRun = this.modelsRun.then(async () => {
      const asOf = this.now();
      for (const config of this.configs.values()) {
        if (this.closed) return;
        try {
          const past = this.deps.repo.list({ storeId: config.id, from: new Date(asOf - MODEL_HISTORY_MS).toISOString(), limit: 10_000 });
          this.models[config.id] = await loadStoreModel(this.deps.telemetry, config, past, asOf);
        } catch (err) {
          this.deps.log.warn({ storeId: config.id, err: (err as Error).message }, 'could not learn the store model; configured rates apply');
        }
      }
      this.learned = true;
      if (!this.closed) this.engine.setConfig(this.buildConfig());
      this.deps.log.info({ stores: this.configs.size }, 'store models learned');
    });
    return this.modelsRun;
  }

  list(who: Principal, q: Omit<IncidentQuery, 'storeIds'>): Incident[] {
    return this.deps.repo.list({ ...q, ...this.scope(who) });
  }

  get(who: Principal, id: string): Incident | null {
    const inc = this.deps.repo.get(id);
    return inc && this.visible(who, inc.storeId) ? inc : null;
  }

  openIncidents(who: Principal): Incident[] {
    return this.engine.openIncidents().filter((i) => this.visible(who, i.storeId));
  }

  lostToday(who: Principal): LostRevenueToday[] {
    const now = this.now();
    const recent = this.deps.repo.openOrEndedSince({ since: new Date(now - TODAY_LOOKBACK_MS).toISOString(), limit: 100_000, ...this.scope(who) });
    return lostRevenueToday(recent, (id) => this.deps.fleet.stores.get(id)?.config, now);
  }

  /** Lost revenue per store over `month` (YYYY-MM), each incident in its store's local month; null for a malformed month. */
  lossReport(who: Principal, month: string): LossReport | null {
    const span = monthFetchSpan(month);
    if (!span) return null;
    const figures = this.deps.repo.figures({ ...span, ...this.scope(who) });
    return lossReport(figures, (id) => this.deps.fleet.stores.get(id)?.config.timezone, month, this.now());
  }

  /** The loss report as CSV, with each store's name and city. */
  lossReportCsv(report: LossReport): string {
    return lossReportCsv(report, (id) => this.deps.fleet.stores.get(id)?.config);
  }

  model(storeId: string): StoreModel | null {
    return this.models[storeId] ?? null;
  }

  windows(): { window: MaintenanceWindow; source: WindowSource }[] {
    return [
      ...this.deps.fileWindows.map((window) => ({ window, source: 'file' as const })),
      ...this.apiWindows.map((window) => ({ window, source: 'api' as const })),
    ];
  }

  /** The stores as maintenance windows see them (their ids and groups), for the API's warnings and group list. */
  maintenanceTargets(): MaintenanceTarget[] {
    return [...this.configs.values()];
  }

  /** The window a store is in now and when its maintenance ends, or null (and null for a store not configured). */
  maintenanceOf(storeId: string): StoreMaintenance | null {
    return this.maintenance.of(storeId);
  }

  /** What a window names that no configured store answers to, logged once found. */
  windowWarnings(window: MaintenanceWindow, source: WindowSource, targets = this.maintenanceTargets()): MaintenanceWarning[] {
    const warnings = maintenanceWarnings(window, targets);
    if (warnings.length > 0) {
      this.deps.log.warn({ windowId: window.id, source, warnings: warnings.map((w) => w.message) }, 'maintenance window names stores not configured');
    }
    return warnings;
  }

  isFileWindow(id: string): boolean {
    return this.deps.fileWindows.some((w) => w.id === id);
  }

  /** Creates or replaces a window made through the API; returns whether it is new. */
  putWindow(saved: MaintenanceWindow): boolean {
    const before = this.apiWindows.find((x) => x.id === saved.id);
    const created = before === undefined;
    // Covers nothing before it was first saved (see MaintenanceWindow); a replaced window keeps that moment.
    const w = { ...saved, since: before?.since ?? this.now() };
    this.deps.repo.putWindow(w, new Date(this.now()).toISOString());
    this.apiWindows = [...this.apiWindows.filter((x) => x.id !== w.id), w];
    this.engine.setConfig(this.buildConfig());
    return created;
  }

  deleteWindow(id: string): boolean {
    const existed = this.deps.repo.deleteWindow(id);
    this.apiWindows = this.apiWindows.filter((x) => x.id !== id);
    this.engine.setConfig(this.buildConfig());
    return existed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.splice(0)) clearInterval(t);
    if (this.wake) clearTimeout(this.wake.timer);
    this.maintenance.close();
    for (const [event, fn] of Object.entries(this.handlers)) this.deps.bus.off(event as keyof ServerEvents, fn as never);
    await this.modelsRun;
    this.saveState();
  }

  private scope(who: Principal): { storeIds?: string[] } {
    if (seesEverything(who)) return {};
    return { storeIds: [...this.deps.fleet.stores.values()].filter((s) => this.deps.access.canSee(who, s.config)).map((s) => s.config.id) };
  }

  /** HQ also sees incidents of stores removed since; a provider only those of its current stores. */
  private visible(who: Principal, storeId: string): boolean {
    if (seesEverything(who)) return true;
    const store = this.deps.fleet.stores.get(storeId);
    return store !== undefined && this.deps.access.canSee(who, store.config);
  }

  private buildConfig() {
    this.configs = new Map([...this.deps.fleet.stores.values()].map((s) => [s.config.id, s.config]));
    const windows = [...this.deps.fileWindows, ...this.apiWindows];
    this.maintenance.reset(windows, this.maintenanceTargets());
    return engineConfig(this.configs.values(), this.deps.timings, windows, this.models, !this.learned);
  }

  private refreshConfig(): void {
    this.engine.setConfig(this.buildConfig());
  }

  private onFleet(changes: FleetChange[]): void {
    let configChanged = false;
    for (const c of changes) {
      if (this.configs.get(c.store.config.id) !== c.store.config) configChanged = true;
    }
    if (configChanged) this.refreshConfig();
    for (const c of changes) {
      if (c.type !== 'till') continue;
      const { store, till } = c;
      this.apply({ type: 'till', at: till.since, storeId: store.config.id, tillId: till.id, state: till.state, components: till.components });
    }
  }

  /** The engine's effects of one input; null when the engine failed on it. */
  private apply(input: EngineInput): EngineEffect[] | null {
    let effects: EngineEffect[];
    try {
      effects = this.engine.apply(input);
    } catch (err) {
      // A bug on one input must not take the server down; it is logged with what caused it.
      this.deps.log.error({ err, input: input.type, storeId: 'storeId' in input ? input.storeId : undefined }, 'incident engine failed on an input');
      return null;
    }
    this.dirty = true;
    for (const e of effects) this.handle(e);
    this.wakeFor(input.type === 'tick' || input.type === 'store_removed' ? this.engine.nextDeadline() : this.engine.nextDeadline(input.storeId));
    return effects;
  }

  /**
   * A pending fault opens, and a recovery closes, at its deadline rather than at the next regular tick:
   * one timer, for the earliest deadline known.
   */
  private wakeFor(deadline: number | null): void {
    if (deadline === null || this.closed || (this.wake && this.wake.at <= deadline)) return;
    if (this.wake) clearTimeout(this.wake.timer);
    const timer = setTimeout(() => {
      this.wake = null;
      this.tick();
      // The regular tick comes anyway: never wait longer (engine time restored ahead of the clock would
      // otherwise overflow the timer and fire at once, over and over).
    }, Math.min(this.deps.tickMs ?? TICK_MS, Math.max(0, deadline - this.now())));
    timer.unref();
    this.wake = { at: deadline, timer };
  }

  private handle(e: EngineEffect): void {
    const { metrics, log, bus, repo } = this.deps;
    switch (e.type) {
      case 'input.quality':
        metrics.inputQuality.inc({ source: e.source, action: e.action, flag: e.flag ?? 'none' });
        // One per bin: a till whose clock runs fast would otherwise add a line to the log with every bin it sends.
        this.qualityLog.note(e.flag ?? e.action, { storeId: e.storeId, source: e.source, sourceId: e.sourceId, action: e.action, flag: e.flag, detail: e.reason }, this.now());
        return;
      case 'fault.recorded':
        metrics.faultsRecorded.inc({ reason: e.reason });
        log.info({ storeId: e.storeId, kind: e.kind, tills: e.tillIds, start: e.start, end: e.end, reason: e.reason }, 'fault recorded, no incident');
        return;
      default: {
        const inc = e.incident;
        // The record as last saved, also across a restart: what the incident's points were tagged with until now.
        const before = e.type === 'incident.updated' ? repo.get(inc.id) : null;
        repo.upsert(inc);
        this.writeTelemetry(inc, before, e.type);
        if (e.type === 'incident.opened') {
          metrics.incidentsOpened.inc({ kind: inc.kind });
          log.info({ incidentId: inc.id, storeId: inc.storeId, kind: inc.kind, tills: inc.tillIds }, 'incident opened');
        } else if (e.type === 'incident.closed') {
          metrics.incidentsClosed.inc();
          log.info({ incidentId: inc.id, storeId: inc.storeId, lost: inc.lostRevenue }, 'incident closed');
        }
        // Opening and closing are saved at once: a crash right after must not forget or re-open an incident.
        if (e.type !== 'incident.updated') this.saveState();
        metrics.openIncidents.set(this.engine.openIncidents().length);
        bus.emit(e.type === 'incident.opened' ? 'incident:opened' : e.type === 'incident.closed' ? 'incident:closed' : 'incident:updated', inc);
      }
    }
  }

  private writeTelemetry(inc: Incident, before: Incident | null, type: 'incident.opened' | 'incident.updated' | 'incident.closed'): void {
    const { telemetry, repo } = this.deps;
    // The SLA panels read the ticket's provider and outcome from the resolution point, when the incident has a ticket.
    if (type === 'incident.closed') {
      const resolution = { at: this.now(), ticket: this.deps.ticketOf?.(inc.id) ?? null };
      repo.saveResolution(inc.id, resolution);
      telemetry.writeIncident(incidentPoint(inc, 'resolved', resolution.at, resolution.ticket));
      return;
    }
    if (inc.status === 'closed') {
      // Later figures (late bins, the settled net) replace the resolution point, at its time and in its series (the
      // provider tag it was written with, though the ticket changed hands or was archived since): dashboards sum it once.
      const resolution = repo.resolution(inc.id);
      // Closed before resolutions were kept: its point cannot be found, so it stays as it was.
      if (!resolution) return;
      const current = this.deps.ticketOf?.(inc.id) ?? resolution.ticket;
      const ticket = current && { ...current, providerId: resolution.ticket?.providerId ?? null };
      telemetry.writeIncident(incidentPoint(inc, 'resolved', resolution.at, ticket));
      return;
    }
    const phase: IncidentPhase = type === 'incident.opened' ? 'opened' : 'updated';
    const at = phase === 'opened' ? Date.parse(inc.startedAt) : this.now();
    const left = before && phase === 'updated' ? leftSeriesPoint(before, inc, at) : null;
    if (left) telemetry.writeIncident(left);
    telemetry.writeIncident(incidentPoint(inc, phase, at, null));
  }

  private saveState(): void {
    this.deps.repo.saveState(this.engine.snapshot(), new Date(this.now()).toISOString());
    this.dirty = false;
    this.savedAt = this.now();
  }

  /** A state that cannot be read is reported and replaced, not fatal: the next inputs rebuild what is open. */
  private loadState(): EngineState | null {
    try {
      const state = this.deps.repo.loadState();
      if (state && state.version !== 1) throw new Error(`unknown engine state version ${String(state.version)}`);
      return state;
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message }, 'could not read the saved incident engine state; starting afresh');
      return null;
    }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}

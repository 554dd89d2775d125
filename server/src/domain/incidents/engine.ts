import type { Components, TillState } from '@storepulse/protocol';
import { toIso, toMs, MINUTE_MS, type Interval } from '../revenue/time.js';
import { normalTills, higher, severityOf, storeCondition, worse, type Condition } from './condition.js';
import { incidentId } from './incident-id.js';
import { ingestFootfall, ingestSales, trimRuntime } from './ingest.js';
import { activeMaintenance } from './maintenance.js';
import { activeIntervals, lastEndBefore, pushTimeline, recoveringSince, refreshIncident, type RecordContext } from './record.js';
import { silentTills } from './silent-till.js';
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineConfig,
  type EngineEffect,
  type EngineInput,
  type EngineOptions,
  type EngineState,
  type Fault,
  type Incident,
  type IncidentEffect,
  type IncidentKind,
  type IncidentStore,
  type StoreRuntime,
} from './types.js';

const DAY_MS = 24 * 3600_000;
const LOOKBACK_MS = 8 * DAY_MS;

/** Late bins can still change a closed incident's figures for this long after its net window. */
const SETTLE_GRACE_MS = 5 * MINUTE_MS;

export function initialEngineState(): EngineState {
  return { version: 1, now: 0, stores: {} };
}

/**
 * What each till's components are known to be: its last report while its agent is in contact, null once it is not
 * (offline or unknown). The last report of a till that lost contact says "all ok" about a till nobody can see, and a
 * ticket showing it would send the engineer to the wrong fault.
 */
function componentsOf(rt: StoreRuntime, tillIds: readonly string[]): Record<string, Components | null> {
  return Object.fromEntries(tillIds.map((t) => {
    const track = rt.tills[t];
    return [t, track && track.state !== 'offline' && track.state !== 'unknown' ? track.components : null];
  }));
}

function newRuntime(): StoreRuntime {
  return {
    tills: {},
    base: {},
    baseAt: 0,
    changes: [],
    footfall: [],
    sales: [],
    sensorsSeen: {},
    salesFeeds: {},
    silent: [],
    quality: [],
    fault: null,
    open: null,
    lastUpdate: 0,
    settling: [],
    closedEnds: [],
  };
}

/**
 * The incident engine: a deterministic state machine over plain JSON state. Feed it every input with
 * the server's time; it returns what happened. Same inputs, same effects, same incident ids.
 */
export class IncidentEngine {
  private state: EngineState;
  private config: EngineConfig;
  private options: EngineOptions;
  /** Incidents open or settling when this engine took over a saved state (see awaitingModel). */
  private readonly carriedOver: ReadonlySet<string>;
  private activeCache = new Map<string, { from: number; to: number; intervals: Interval[] }>();

  constructor(config: EngineConfig, state: EngineState = initialEngineState()) {
    this.config = config;
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...config.options };
    this.state = structuredClone(state);
    for (const rt of Object.values(this.state.stores)) rt.closedEnds ??= rt.settling.map((i) => toMs(i.endedAt!));
    this.carriedOver = new Set(Object.values(this.state.stores).flatMap((rt) => [...(rt.open ? [rt.open.id] : []), ...rt.settling.map((i) => i.id)]));
  }

  /** Stores, windows, models or timings changed (config file, API, nightly learning). */
  setConfig(config: EngineConfig): void {
    this.config = config;
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...config.options };
    this.activeCache.clear();
  }

  /** A copy of the state, to persist. */
  snapshot(): EngineState {
    return structuredClone(this.state);
  }

  openIncidents(): Incident[] {
    return Object.values(this.state.stores).flatMap((rt) => (rt.open ? [structuredClone(rt.open)] : []));
  }

  /**
   * The next moment a tick would change something without any new input — a pending fault due to open, a worse
   * kind due to apply, or a recovery due to close — for one store or all; null when nothing is due.
   */
  nextDeadline(storeId?: string): number | null {
    const { pendingSec, recoverSec } = this.config.incidents;
    let next: number | null = null;
    const runtimes = storeId === undefined ? Object.values(this.state.stores) : [this.state.stores[storeId]];
    for (const rt of runtimes) {
      const fault = rt?.fault;
      if (!fault) continue;
      // A fault held back outside opening hours opens at the store's opening, which the regular tick finds.
      const due =
        fault.recoveringSince !== null ? fault.recoveringSince + recoverSec * 1000
        : fault.worseSince != null ? fault.worseSince + pendingSec * 1000
        : !rt.open && !fault.suppressed ? fault.since + pendingSec * 1000
        : null;
      if (due !== null && due > this.state.now && (next === null || due < next)) next = due;
    }
    return next;
  }

  apply(input: EngineInput): EngineEffect[] {
    const at = toMs(input.at);
    if (!Number.isFinite(at)) return [this.rejected(input, this.state.now, 'unparsable time')];
    // Time never runs backwards inside the engine: a late message is applied now.
    const now = Math.max(this.state.now, at);
    this.state.now = now;
    if (input.type === 'tick') {
      const effects: EngineEffect[] = [];
      for (const [storeId, rt] of Object.entries(this.state.stores)) {
        const store = this.config.stores[storeId];
        if (store) effects.push(...this.evaluate(storeId, store, rt, now, true));
      }
      return effects;
    }
    if (input.type === 'store_removed') return this.removeStore(input.storeId, now);
    const store = this.config.stores[input.storeId];
    if (!store) return [this.rejected(input, now, 'unknown store')];
    const rt = (this.state.stores[input.storeId] ??= newRuntime());
    const effects: EngineEffect[] = [];
    switch (input.type) {
      case 'till':
      case 'agent': {
        if (!store.tills.includes(input.tillId) && !(store.backupTills ?? []).includes(input.tillId)) {
          return [this.rejected(input, now, 'unknown till')];
        }
        const prev = rt.tills[input.tillId]?.state;
        const state: TillState =
          input.type === 'till' ? input.state : !input.online ? 'offline' : prev === 'offline' ? 'unknown' : (prev ?? 'unknown');
        this.setTill(rt, store, input.tillId, state, now, input.type === 'till' ? input.components : undefined);
        break;
      }
      case 'footfall':
        effects.push(...ingestFootfall(rt, input, now, this.options.limits));
        break;
      case 'sales':
        effects.push(...ingestSales(rt, store, input, now, this.options.limits));
        break;
    }
    effects.push(...this.evaluate(input.storeId, store, rt, now, false));
    return effects;
  }

  private rejected(input: EngineInput, now: number, reason: string): EngineEffect {
    const sourceId = input.type === 'footfall' ? input.sensorId : 'tillId' in input ? input.tillId : null;
    return {
      type: 'input.quality',
      at: toIso(now),
      storeId: 'storeId' in input ? input.storeId : '',
      source: input.type,
      sourceId,
      action: 'rejected',
      flag: null,
      reason,
    };
  }

  private setTill(
    rt: StoreRuntime,
    store: IncidentStore,
    tillId: string,
    state: TillState,
    now: number,
    components: Components | null | undefined,
  ) {
    const track = (rt.tills[tillId] ??= { state: 'unknown', known: 'up', since: now, components: null });
    if (components !== undefined) track.components = components;
    if (track.state === state) return;
    track.state = state;
    rt.changes.push({ at: now, tillId, state });
    if (state === 'unknown' || state === track.known) return;
    track.known = state;
    track.since = now;
    if (rt.open) pushTimeline(rt.open, { at: toIso(now), event: 'till', tillId, state }, this.options.maxTimeline);
    if (rt.open && (store.backupTills ?? []).includes(tillId) && state === 'up') {
      pushTimeline(rt.open, { at: toIso(now), event: 'backup', tillId }, this.options.maxTimeline);
    }
  }

  /**
   * Whether an incident carried over from before a start waits for its store's model, still being learned: its saved
   * figures were made with it. An incident opened since is figured with what there is, as on any day.
   */
  private awaitingModel(storeId: string, inc: Incident): boolean {
    return this.config.modelsLearning === true && this.config.models?.[storeId] === undefined && this.carriedOver.has(inc.id);
  }

  /**
   * The incident as of now: its figures stay as saved while awaitingModel or without its store's config (see
   * removeStore); whether it is recovering is always brought up to date.
   */
  private refreshed(storeId: string, store: IncidentStore | undefined, rt: StoreRuntime, inc: Incident, now: number): Incident {
    if (store && !this.awaitingModel(storeId, inc)) return refreshIncident(inc, rt, this.context(storeId, store, now), false);
    return { ...inc, recoveringSince: recoveringSince(inc, rt), updatedAt: toIso(now) };
  }

  private context(storeId: string, store: IncidentStore, now: number): RecordContext {
    return { store, model: this.config.models?.[storeId], maintenance: this.config.maintenance, options: this.options, now };
  }

  /** Start of the stretch of opening time (outside maintenance) that holds `now`, or null when closed. */
  private activeSince(storeId: string, store: IncidentStore, now: number): number | null {
    // Opening hours are walked day by day in the store's zone: do it once a day per store, not every tick.
    let cached = this.activeCache.get(storeId);
    if (!cached || now < cached.from + LOOKBACK_MS || now >= cached.to) {
      const from = now - LOOKBACK_MS;
      cached = { from, to: now + DAY_MS, intervals: activeIntervals(store, this.config.maintenance, from, now + DAY_MS) };
      this.activeCache.set(storeId, cached);
    }
    const current = cached.intervals.find((i) => i.start <= now && now < i.end);
    // An interval cut at the cache's start may have begun earlier: only an incident older than a week notices.
    return current ? current.start : null;
  }

  private evaluate(storeId: string, store: IncidentStore, rt: StoreRuntime, now: number, tick: boolean): EngineEffect[] {
    const effects: EngineEffect[] = [];
    const timings = this.config.incidents;
    const max = this.options.maxTimeline;
    let since: number | null | undefined;
    const openSince = () => (since === undefined ? (since = this.activeSince(storeId, store, now)) : since);

    const silent = silentTills(rt, store, now, openSince, this.options);
    for (const t of Object.keys(silent)) {
      if (!rt.silent.includes(t) && rt.open) pushTimeline(rt.open, { at: toIso(silent[t]!), event: 'till', tillId: t, state: 'silent' }, max);
    }
    rt.silent = Object.keys(silent);
    const cond = storeCondition(rt, store, silent);
    // Recovery starting or breaking off is news for the wall at once, not at the next periodic update.
    let recovery = false;

    let own = cond;
    if (cond.kind && rt.fault && rt.fault.recoveringSince !== null && !sameFault(rt.fault.tills, cond.kind, cond.tills)) {
      // Every till of the fault had recovered and a different till fails: the flap rule is per till, so this is a
      // new fault. It waits for the recovering one's hold to end, as its own tills failing again meanwhile are still it.
      if (now - rt.fault.recoveringSince >= timings.recoverSec * 1000) effects.push(...this.endFault(storeId, store, rt, now));
      else own = { kind: null, tills: [], atKind: [], since: 0 };
    }

    if (own.kind) {
      if (!rt.fault) {
        rt.fault = { since: own.since, recoveringSince: null, kind: own.kind, worst: own.kind, tills: own.tills, suppressed: null };
      } else {
        if (rt.fault.recoveringSince !== null) {
          rt.fault.recoveringSince = null;
          recovery = true;
          if (rt.open) pushTimeline(rt.open, { at: toIso(now), event: 'flap' }, max);
        }
        rt.fault.since = Math.min(rt.fault.since, own.since);
        rt.fault.kind = rt.open ? escalated(rt.fault, own.kind, now, openSince() !== null, timings.pendingSec * 1000) : own.kind;
        rt.fault.worst = worse(rt.fault.worst ?? rt.fault.kind, own.kind);
        rt.fault.tills = [...new Set([...rt.fault.tills, ...own.tills])];
      }
    } else if (rt.fault && !rt.open && !rt.fault.suppressed) {
      // A pending fault that recovers is over: one that comes back pends afresh (the flap rule is an incident's).
      rt.fault = null;
    } else if (rt.fault && rt.fault.recoveringSince === null) {
      rt.fault.recoveringSince = now;
      rt.fault.worseSince = null;
      recovery = true;
      if (rt.open) pushTimeline(rt.open, { at: toIso(now), event: 'recovered' }, max);
    }

    const fault = rt.fault;
    if (fault && !rt.open && fault.recoveringSince === null && now - fault.since >= timings.pendingSec * 1000) {
      const activeStart = openSince();
      if (activeStart !== null) effects.push(this.openIncident(storeId, store, rt, now, activeStart, own));
      else fault.suppressed ??= activeMaintenance(this.config.maintenance, store, now) ? 'maintenance' : 'outside_opening_hours';
    } else if (rt.open && fault) {
      const changed = this.sync(rt.open, store, fault.kind, fault.tills, own, rt, now, openSince() !== null);
      if (changed || recovery) effects.push(this.update(storeId, store, rt, now));
    }

    if (fault && fault.recoveringSince !== null && now - fault.recoveringSince >= timings.recoverSec * 1000) {
      effects.push(...this.endFault(storeId, store, rt, now));
    }

    if (rt.open && now - rt.lastUpdate >= this.options.updateEverySec * 1000) effects.push(this.update(storeId, store, rt, now));
    if (tick) effects.push(...this.settle(storeId, store, rt, now));
    if (tick) this.trim(rt, now);
    return effects;
  }

  /** A recovering fault is over: its incident closes where recovery began, or a fault held back is recorded. */
  private endFault(storeId: string, store: IncidentStore, rt: StoreRuntime, now: number): EngineEffect[] {
    const fault = rt.fault!;
    const effects: EngineEffect[] = [];
    if (rt.open) effects.push(this.closeIncident(storeId, store, rt, fault.recoveringSince ?? now, now));
    else if (fault.suppressed) {
      effects.push({
        type: 'fault.recorded',
        at: toIso(now),
        storeId,
        kind: fault.worst ?? fault.kind,
        tillIds: fault.tills,
        start: toIso(fault.since),
        end: toIso(fault.recoveringSince ?? now),
        reason: fault.suppressed,
      });
    }
    rt.fault = null;
    return effects;
  }

  /**
   * Brings the open incident's tills, kind and severity up to date; true when something changed. `tills` is every
   * till of the fault so far, `now` what is wrong at this moment: severity follows the most tills at the incident's
   * kind at once, not the union of tills that failed one after another, nor degraded tills beside a till down; and
   * not while the store is closed (`open` false), when staff shutting tills down is no fault.
   */
  private sync(inc: Incident, store: IncidentStore, kind: Incident['kind'], tills: string[], cond: Condition, rt: StoreRuntime, now: number, open: boolean): boolean {
    const key = () => `${inc.kind}|${inc.severity}|${inc.peakTills}|${inc.tillIds.join(',')}|${(inc.activeTillIds ?? []).join(',')}`;
    const before = key();
    const tillIds = [...new Set([...inc.tillIds, ...tills])].sort();
    const newKind = worse(inc.kind, kind);
    const atKind = open && cond.kind === newKind ? cond.atKind.length : 0;
    // A kind that grew counts its own tills afresh: three degraded tills then one down is one till down.
    const peak = newKind === inc.kind ? Math.max(inc.peakTills ?? 0, atKind) : atKind;
    if (newKind !== inc.kind) pushTimeline(inc, { at: toIso(now), event: 'kind', detail: newKind }, this.options.maxTimeline);
    const nowActive = [...cond.tills].sort();
    const wasActive = inc.activeTillIds ?? inc.tillIds;
    // A till failing anew, or the fault coming back after recovery began.
    if (nowActive.some((t) => !wasActive.includes(t)) || (wasActive.length === 0 && nowActive.length > 0)) inc.faultAt = toIso(now);
    inc.kind = newKind;
    inc.tillIds = tillIds;
    inc.activeTillIds = nowActive;
    inc.peakTills = peak;
    inc.severity = higher(inc.severity, severityOf(newKind, inc.peakTills, normalTills(store).length));
    inc.components = componentsOf(rt, tillIds);
    return before !== key();
  }

  private openIncident(storeId: string, store: IncidentStore, rt: StoreRuntime, now: number, activeStart: number, cond: Condition): EngineEffect {
    // Until an incident opens, its fault's kind is what is wrong now.
    const active = cond.tills;
    const atKind = cond.atKind.length;
    const fault = rt.fault!;
    const max = this.options.maxTimeline;
    // A fault dated back (a silent till's silence counts from its last sale) never reaches into an incident that
    // already closed: that stretch is charged there, and the same start would give the same id.
    const start = Math.max(fault.since, activeStart, lastEndBefore(rt, now));
    const tillIds = [...fault.tills].sort();
    const inc: Incident = {
      id: incidentId(storeId, fault.kind, start),
      storeId,
      tillIds,
      kind: fault.kind,
      severity: severityOf(fault.kind, atKind, normalTills(store).length),
      status: 'open',
      startedAt: toIso(start),
      endedAt: null,
      recoveringSince: null,
      visitors: 0,
      lostRevenue: { gross: 0, net: 0, low: 0, high: 0, currency: store.currency },
      confidence: 1,
      flags: [],
      timeline: [],
      timeToBackupSec: null,
      method: 'none',
      activeTillIds: [...active].sort(),
      peakTills: atKind,
      faultAt: toIso(start),
      components: componentsOf(rt, tillIds),
      final: false,
      updatedAt: toIso(now),
    };
    pushTimeline(inc, { at: toIso(fault.since), event: 'fault', detail: fault.kind }, max);
    if (fault.since < activeStart) {
      // Begun while a window held the store or held back by one (a window that began while it was pending), or else
      // while the store was closed (also a fault left from the evening before).
      const held = fault.suppressed === 'maintenance' || activeMaintenance(this.config.maintenance, store, fault.since);
      inc.flags.push(held ? 'began_in_maintenance' : 'began_before_opening');
    }
    for (const c of rt.changes) {
      if (c.at >= fault.since && c.at <= now && c.state !== 'unknown') {
        pushTimeline(inc, { at: toIso(c.at), event: 'till', tillId: c.tillId, state: c.state }, max);
      }
    }
    pushTimeline(inc, { at: toIso(now), event: 'opened' }, max);
    rt.open = refreshIncident(inc, rt, this.context(storeId, store, now), false);
    rt.lastUpdate = now;
    return { type: 'incident.opened', at: toIso(now), incident: structuredClone(rt.open) };
  }

  private update(storeId: string, store: IncidentStore, rt: StoreRuntime, now: number): EngineEffect {
    const open = this.refreshed(storeId, store, rt, rt.open!, now);
    rt.open = open;
    rt.lastUpdate = now;
    return { type: 'incident.updated', at: toIso(now), incident: structuredClone(open) };
  }

  /**
   * An open incident of a store that left the fleet closes now, saying why, and the store's closed incidents are final
   * as they stand: nothing of the store will come to settle them. The store's state goes. A store dropped from the
   * config file while the server was down has no config left to figure with: its incident ends where its saved
   * figures do.
   */
  private removeStore(storeId: string, now: number): EngineEffect[] {
    const rt = this.state.stores[storeId];
    if (!rt) return [];
    const store = this.config.stores[storeId];
    const why = 'store removed from the fleet';
    const effects: EngineEffect[] = rt.settling.map((inc) => {
      pushTimeline(inc, { at: toIso(now), event: 'settled', detail: why }, this.options.maxTimeline);
      return { type: 'incident.updated', at: toIso(now), incident: { ...inc, final: true, updatedAt: toIso(now) } };
    });
    if (rt.open) {
      // Final as it closes: one point for its resolution, not one overwritten at the same moment by a revision.
      const closed = this.closeIncident(storeId, store, rt, store ? now : rt.lastUpdate, now, why);
      effects.push({ ...closed, incident: { ...closed.incident, final: true } });
    }
    delete this.state.stores[storeId];
    return effects;
  }

  private closeIncident(storeId: string, store: IncidentStore | undefined, rt: StoreRuntime, endedAt: number, now: number, detail?: string): IncidentEffect {
    const inc = rt.open!;
    inc.status = 'closed';
    inc.endedAt = toIso(endedAt);
    pushTimeline(inc, { at: toIso(now), event: 'closed', ...(detail ? { detail } : {}) }, this.options.maxTimeline);
    const closed = this.refreshed(storeId, store, rt, inc, now);
    rt.open = null;
    rt.settling.push(closed);
    rt.closedEnds.push(endedAt);
    return { type: 'incident.closed', at: toIso(now), incident: structuredClone(closed) };
  }

  /** Closed incidents whose after-recovery window has passed get their final net. */
  private settle(storeId: string, store: IncidentStore, rt: StoreRuntime, now: number): EngineEffect[] {
    const effects: EngineEffect[] = [];
    const windowMs = this.options.recaptureMin * MINUTE_MS;
    rt.settling = rt.settling.filter((inc) => {
      if (now < toMs(inc.endedAt!) + windowMs + SETTLE_GRACE_MS || this.awaitingModel(storeId, inc)) return true;
      pushTimeline(inc, { at: toIso(now), event: 'settled' }, this.options.maxTimeline);
      const final = refreshIncident(inc, rt, this.context(storeId, store, now), true);
      effects.push({ type: 'incident.updated', at: toIso(now), incident: final });
      return false;
    });
    return effects;
  }

  private trim(rt: StoreRuntime, now: number): void {
    const starts = [now, ...rt.settling.map((i) => toMs(i.startedAt))];
    if (rt.open) starts.push(toMs(rt.open.startedAt));
    if (rt.fault) starts.push(rt.fault.since);
    trimRuntime(rt, Math.min(...starts) - this.options.keepMs, now);
  }
}

/**
 * The open incident's kind, given what is wrong now: a worse kind only once it has held the pending period with the
 * store open. A passing state (agents' last wills arriving one by one as the store's network fails) or tills shut
 * down after closing must not stick: a kind never goes back down.
 */
function escalated(fault: Fault, kind: IncidentKind, now: number, open: boolean, pendingMs: number): IncidentKind {
  if (!open || worse(fault.kind, kind) === fault.kind) {
    fault.worseSince = null;
    return fault.kind;
  }
  fault.worseSince ??= now;
  if (now - fault.worseSince < pendingMs) return fault.kind;
  fault.worseSince = null;
  return kind;
}

const STORE_WIDE = new Set(['store_down', 'store_offline']);

/**
 * Whether a fault arising while the last one recovers is that one coming back (it stays one incident): the same till
 * failing again, or the whole store going down or offline. A different till failing is a fault of its own.
 */
function sameFault(faultTills: readonly string[], kind: string, tills: readonly string[]): boolean {
  return STORE_WIDE.has(kind) || tills.some((t) => faultTills.includes(t));
}

/** The engine as a pure reducer: (state, input, config) → { state, effects }, leaving `state` untouched. */
export function reduceIncidents(state: EngineState, input: EngineInput, config: EngineConfig): { state: EngineState; effects: EngineEffect[] } {
  const engine = new IncidentEngine(config, state);
  const effects = engine.apply(input);
  return { state: engine.snapshot(), effects };
}

import { topics, type TopicKind } from '@storepulse/protocol';
import type { TillComponents } from '../components.js';
import {
  isTillFault, randomFaultShape, resolveFaultStart, durationSeconds, tillCondition,
  type ActiveFault, type FaultKind, type SimScenario,
} from './faults.js';
import type { FleetStore } from './fleet.js';
import type { GroundTruth } from './ground-truth.js';
import { LocalClock } from './local-clock.js';
import { Rng, deriveSeed } from './random.js';
import { StoreModel, deriveBehaviour, type TillCapability } from './store-model.js';
import { trafficShape } from './traffic.js';

/** Longest simulated step: short enough that queues and faults interleave believably. */
const MAX_STEP_MS = 10_000;
const DAY_MS = 86_400_000;
export const FOOTFALL_SENSOR = 'door1';

export type WorldEvent =
  | { type: 'message'; storeId: string; tillId: string; kind: TopicKind; topic: string; payload: object }
  /** The store's agents lose (or regain) their connection to the broker. */
  | { type: 'presence'; storeId: string; online: boolean };

interface TillRuntime {
  id: string;
  statusKey: string;
  components: TillComponents;
  caps: TillCapability;
  seqStatus: number;
  seqSales: number;
}

interface StoreRuntime {
  store: FleetStore;
  model: StoreModel;
  clock: LocalClock;
  tills: TillRuntime[];
  faults: ActiveFault[];
  seqFootfall: number;
  offline: boolean;
  dayNoiseDay: number;
  dayNoise: number;
  /** The tills' capabilities in till order, kept in step with `tills[i].caps`. */
  caps: TillCapability[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const HEALTHY = tillCondition([], 0);
const HEALTHY_KEY = JSON.stringify(HEALTHY.components);

/**
 * The whole simulated fleet as plain state: customers, tills, faults and bins. `advance` moves it
 * to a simulated instant and returns the protocol messages and presence changes that produced.
 */
export class World {
  private readonly stores: StoreRuntime[];
  private readonly byId = new Map<string, StoreRuntime>();
  private pending: ActiveFault[] = [];
  private now: number;
  private binStart: number;
  private faultCount = 0;
  private readonly faultRng: Rng;

  constructor(
    fleet: readonly FleetStore[],
    private readonly opts: { seed: number; simStart: number; binMs: number; seqBase: number; truth: GroundTruth },
  ) {
    this.now = opts.simStart;
    this.binStart = Math.floor(opts.simStart / opts.binMs) * opts.binMs;
    this.faultRng = new Rng(deriveSeed(opts.seed, 'faults'));
    this.stores = fleet.map((store) => {
      opts.truth.addStore(store.id, store.currency);
      const rng = new Rng(deriveSeed(opts.seed, 'customers', store.id));
      const rt: StoreRuntime = {
        store,
        model: new StoreModel(store, deriveBehaviour(store, opts.seed), rng, opts.truth),
        clock: new LocalClock(store.hours, store.timezone),
        tills: store.tills.map((id) => ({
          id, statusKey: HEALTHY_KEY, components: HEALTHY.components, caps: HEALTHY.caps,
          seqStatus: opts.seqBase, seqSales: opts.seqBase,
        })),
        faults: [],
        seqFootfall: opts.seqBase,
        offline: false,
        dayNoiseDay: -1,
        dayNoise: 1,
        caps: [],
      };
      rt.caps = rt.tills.map((t) => t.caps);
      this.byId.set(store.id, rt);
      return rt;
    });
  }

  /**
   * Trades every store for `ms` before the start without sending or recording anything, so the first minutes
   * have shoppers browsing and paying, as in a store that was already open: not visitors and no sales.
   */
  warmUp(ms: number): void {
    this.opts.truth.unrecorded(() => {
      for (let t = this.now - ms; t < this.now; t += MAX_STEP_MS) {
        const end = Math.min(this.now, t + MAX_STEP_MS);
        for (const rt of this.stores) this.stepStore(rt, t, end, []);
      }
    });
    for (const rt of this.stores) rt.model.resetBin();
  }

  get simNow(): number {
    return this.now;
  }

  /** Faults currently active, for logs and tests. */
  activeFaults(): ActiveFault[] {
    return this.stores.flatMap((s) => s.faults);
  }

  schedule(scenario: SimScenario): void {
    for (const f of scenario.faults) {
      const rt = this.byId.get(f.store);
      if (!rt) continue;
      const start = resolveFaultStart(f.at, this.opts.simStart);
      const till = f.till === undefined || !isTillFault(f.kind) ? null : rt.store.tills.indexOf(f.till);
      this.pending.push(this.newFault(f.kind, f.store, till === -1 ? null : till, start, start + durationSeconds(f.duration) * 1000));
    }
    this.pending.sort((a, b) => a.start - b.start);
  }

  /** Starts a random fault now, preferably in an open store; returns it. */
  injectRandomFault(): ActiveFault | null {
    if (this.stores.length === 0) return null;
    const rng = this.faultRng;
    let rt = rng.pick(this.stores);
    for (let tries = 0; tries < 20 && !rt.clock.isOpen(this.now); tries++) rt = rng.pick(this.stores);
    const shape = randomFaultShape(rng);
    const till = shape.perTill ? rng.int(0, rt.tills.length - 1) : null;
    const fault = this.newFault(shape.kind, rt.store.id, till, this.now, this.now + shape.durationMs);
    this.pending.unshift(fault);
    return fault;
  }

  /** Current status of every till, for the initial publish and heartbeats. `filter` picks a slice. */
  statuses(filter: (index: number) => boolean = () => true): WorldEvent[] {
    const out: WorldEvent[] = [];
    let index = 0;
    for (const rt of this.stores) {
      for (const till of rt.tills) if (filter(index++)) out.push(this.statusMessage(rt, till));
    }
    return out;
  }

  get tillCount(): number {
    return this.stores.reduce((n, s) => n + s.tills.length, 0);
  }

  advance(to: number): WorldEvent[] {
    const out: WorldEvent[] = [];
    while (this.now < to) {
      const binEnd = this.binStart + this.opts.binMs;
      const stepEnd = Math.min(to, binEnd, this.now + MAX_STEP_MS);
      this.applyFaults(this.now, out);
      for (const rt of this.stores) this.stepStore(rt, this.now, stepEnd, out);
      this.now = stepEnd;
      if (this.now >= binEnd) {
        for (const rt of this.stores) this.closeBin(rt, this.binStart, binEnd, out);
        this.binStart = binEnd;
      }
    }
    return out;
  }

  private newFault(kind: FaultKind, storeId: string, till: number | null, start: number, end: number): ActiveFault {
    const n = ++this.faultCount;
    return { id: `F${String(n).padStart(4, '0')}-${storeId}-${kind}`, kind, storeId, till, start, end };
  }

  private applyFaults(now: number, out: WorldEvent[]): void {
    while (this.pending.length > 0 && this.pending[0]!.start <= now) {
      const f = this.pending.shift()!;
      if (f.end <= now) continue;
      const rt = this.byId.get(f.storeId)!;
      rt.faults.push(f);
      this.opts.truth.openIncident({
        id: f.id, storeId: f.storeId, tillId: f.till === null ? null : rt.tills[f.till]!.id, kind: f.kind, start: f.start,
      });
    }
    for (const rt of this.stores) {
      if (rt.faults.length === 0 && !rt.offline) continue;
      const ended = rt.faults.filter((f) => f.end <= now);
      if (ended.length > 0) {
        rt.faults = rt.faults.filter((f) => f.end > now);
        for (const f of ended) this.opts.truth.closeIncident(f.id, f.end);
      }
      const offline = rt.faults.some((f) => f.kind === 'store_offline');
      if (offline !== rt.offline) {
        rt.offline = offline;
        out.push({ type: 'presence', storeId: rt.store.id, online: !offline });
      }
    }
  }

  private stepStore(rt: StoreRuntime, from: number, to: number, out: WorldEvent[]): void {
    let blocking: string | null = null;
    rt.tills.forEach((till, i) => {
      // Most tills of a big fleet are healthy and stay so: skip them cheaply.
      if (rt.faults.length === 0 && till.statusKey === HEALTHY_KEY) return;
      const faults = rt.faults.length === 0 ? [] : rt.faults.filter((f) => f.till === null || f.till === i);
      const cond = tillCondition(faults, from);
      till.caps = cond.caps;
      rt.caps[i] = cond.caps;
      if (!cond.caps.card && blocking === null) {
        blocking = faults.find((f) => f.kind !== 'counter_silent')?.id ?? null;
      }
      const key = JSON.stringify(cond.components);
      if (key !== till.statusKey) {
        till.statusKey = key;
        till.components = cond.components;
        out.push(this.statusMessage(rt, till, from));
      }
    });
    const open = rt.clock.isOpen(from);
    const { hour, weekday } = rt.clock.local(from);
    rt.model.step(from, to, {
      open,
      visitorsPerHour: open ? rt.model.peakVisitorsPerHour * trafficShape(hour, weekday) * this.dayNoise(rt, from) : 0,
      caps: rt.caps,
      blockingIncident: blocking,
    });
  }

  /** Day-to-day swing of a store's footfall, the same for a seed. */
  private dayNoise(rt: StoreRuntime, ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    if (day !== rt.dayNoiseDay) {
      rt.dayNoiseDay = day;
      rt.dayNoise = new Rng(deriveSeed(this.opts.seed, 'day', rt.store.id, day)).lognormal(1, 0.12);
    }
    return rt.dayNoise;
  }

  private closeBin(rt: StoreRuntime, start: number, end: number, out: WorldEvent[]): void {
    const bin = rt.model.bin;
    const active = rt.clock.isOpen(start) || bin.in > 0 || bin.out > 0 || bin.tx.some((n) => n > 0);
    if (active) {
      const silent = rt.faults.some((f) => f.kind === 'counter_silent');
      const sensorTill = rt.tills[0];
      if (!silent && sensorTill) {
        out.push({
          type: 'message', storeId: rt.store.id, tillId: sensorTill.id, kind: 'footfall',
          topic: topics.footfall(rt.store.id, FOOTFALL_SENSOR),
          payload: { v: 1, seq: ++rt.seqFootfall, binStart: iso(start), binEnd: iso(end), in: bin.in, out: bin.out },
        });
      }
      rt.tills.forEach((till, i) => {
        out.push({
          type: 'message', storeId: rt.store.id, tillId: till.id, kind: 'sales', topic: topics.sales(rt.store.id, till.id),
          payload: {
            v: 1, seq: ++till.seqSales, binStart: iso(start), binEnd: iso(end),
            transactions: bin.tx[i]!, revenue: Math.round(bin.revenue[i]! * 100) / 100, currency: rt.store.currency,
          },
        });
      });
    }
    rt.model.resetBin();
  }

  private statusMessage(rt: StoreRuntime, till: TillRuntime, at = this.now): WorldEvent {
    return {
      type: 'message', storeId: rt.store.id, tillId: till.id, kind: 'status', topic: topics.status(rt.store.id, till.id),
      payload: { v: 1, ts: iso(at), seq: ++till.seqStatus, components: till.components },
    };
  }
}

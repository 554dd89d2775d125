import type { FleetStore } from './fleet.js';
import type { GroundTruth } from './ground-truth.js';
import { Rng, deriveSeed } from './random.js';

const MIN_MS = 60_000;
const HOUR_MS = 3_600_000;

/** What a till can take right now: cash needs the POS and the printer; card also needs the terminal. */
export interface TillCapability {
  cash: boolean;
  card: boolean;
}

export interface StepEnv {
  open: boolean;
  /** Expected entries per hour at this moment. */
  visitorsPerHour: number;
  caps: readonly TillCapability[];
  /** The active incident that reduces this store's checkout capacity, or null when every till works. */
  blockingIncident: string | null;
}

/** Hidden traffic and behaviour parameters: the server never sees them, only their effects. */
export interface StoreBehaviour {
  peakVisitorsPerHour: number;
  meanServiceMs: number[];
  cardShare: number;
  returnShare: number;
}

interface Visitor {
  readyAt: number;
  buyer: boolean;
  card: boolean;
  basket: number;
  /** Set once the visitor has been lost: the incident (or null for ordinary queueing) to credit a return to. */
  lostTo?: string | null;
}

interface TillRun {
  queue: Visitor[];
  serving: Visitor | null;
  serviceEnd: number;
  freeAt: number;
}

/** Average transactions per till-hour and target peak utilisation, from which peak footfall follows. */
export function deriveBehaviour(store: FleetStore, seed: number): StoreBehaviour {
  const rng = new Rng(deriveSeed(seed, 'behaviour', store.id));
  const meanServiceMs = store.tills.map(() => rng.between(60, 150) * 1000);
  const capacityPerHour = meanServiceMs.reduce((sum, ms) => sum + HOUR_MS / ms, 0);
  const utilisation = rng.between(0.5, 0.75);
  return {
    peakVisitorsPerHour: (capacityPerHour * utilisation) / store.conversion,
    meanServiceMs,
    cardShare: rng.between(0.65, 0.9),
    returnShare: rng.between(0.2, 0.4),
  };
}

/** Probability of walking away on seeing `ahead` people at the best till (purchases fall past ~5). */
function balkProbability(ahead: number): number {
  return Math.min(0.9, Math.max(0, (ahead - 4) * 0.12));
}

/**
 * One store's customers, visitor by visitor: entries, browsing, a decision to buy at the store's
 * conversion rate, queueing at a till that can take them, service, balking, leaving and coming back.
 * Plain data in, counts out; the simulator turns the counts into protocol messages.
 */
export class StoreModel {
  /** Counts since the orchestrator last read them. */
  readonly bin: { in: number; out: number; tx: number[]; revenue: number[] };
  private browsing: Visitor[] = [];
  private comebacks: Visitor[] = [];
  private readonly tills: TillRun[];

  constructor(
    readonly store: FleetStore,
    private readonly behaviour: StoreBehaviour,
    private readonly rng: Rng,
    private readonly truth: GroundTruth,
  ) {
    this.tills = store.tills.map(() => ({ queue: [], serving: null, serviceEnd: 0, freeAt: 0 }));
    this.bin = { in: 0, out: 0, tx: store.tills.map(() => 0), revenue: store.tills.map(() => 0) };
  }

  get peakVisitorsPerHour(): number {
    return this.behaviour.peakVisitorsPerHour;
  }

  /** People inside, queueing or being served. */
  get inStore(): number {
    return this.browsing.length + this.tills.reduce((n, t) => n + t.queue.length + (t.serving ? 1 : 0), 0);
  }

  resetBin(): void {
    this.bin.in = 0;
    this.bin.out = 0;
    this.bin.tx.fill(0);
    this.bin.revenue.fill(0);
  }

  step(from: number, to: number, env: StepEnv): void {
    const rng = this.rng;
    if (env.open) {
      const n = rng.poisson((env.visitorsPerHour * (to - from)) / HOUR_MS);
      for (let k = 0; k < n; k++) this.enter(from + rng.next() * (to - from), null);
    }
    if (this.comebacks.length > 0) {
      const due = this.comebacks.filter((v) => v.readyAt < to);
      this.comebacks = this.comebacks.filter((v) => v.readyAt >= to);
      // A returning buyer who finds the store closed stays lost.
      for (const v of due) if (env.open) this.enter(v.readyAt, v);
    }
    if (this.browsing.length > 0) {
      const ready = this.browsing.filter((v) => v.readyAt < to);
      this.browsing = this.browsing.filter((v) => v.readyAt >= to);
      for (const v of ready) {
        if (v.buyer) this.checkout(v, Math.max(from, v.readyAt), env);
        else this.bin.out++;
      }
    }
    this.rerouteFromBrokenTills(from, env);
    for (let i = 0; i < this.tills.length; i++) this.serve(i, from, to);
  }

  private enter(at: number, returning: Visitor | null): void {
    const rng = this.rng;
    this.bin.in++;
    this.truth.visitor(this.store.id);
    if (returning) {
      this.browsing.push({ ...returning, readyAt: at + rng.between(1, 4) * MIN_MS });
      return;
    }
    const buyer = rng.chance(this.store.conversion);
    this.browsing.push({
      readyAt: at + MIN_MS + rng.exp(8 * MIN_MS),
      buyer,
      card: rng.chance(this.behaviour.cardShare),
      basket: rng.lognormal(this.store.avgBasket, 0.6),
    });
  }

  private checkout(v: Visitor, at: number, env: StepEnv): void {
    let best = -1;
    let bestLoad = Infinity;
    for (let i = 0; i < this.tills.length; i++) {
      const cap = env.caps[i];
      if (!cap || !(v.card ? cap.card : cap.cash)) continue;
      const t = this.tills[i]!;
      const load = t.queue.length + (t.serving ? 1 : 0);
      if (load < bestLoad) {
        best = i;
        bestLoad = load;
      }
    }
    if (best < 0 || this.rng.chance(balkProbability(bestLoad))) {
      this.lose(v, at, env.blockingIncident);
      return;
    }
    v.readyAt = at;
    this.tills[best]!.queue.push(v);
  }

  private lose(v: Visitor, at: number, incident: string | null): void {
    this.bin.out++;
    if (v.lostTo !== undefined) return; // lost a second time: already counted once
    v.lostTo = incident;
    this.truth.lost(this.store.id, incident, v.basket);
    if (this.rng.chance(this.behaviour.returnShare)) {
      const delay = Math.min(180 * MIN_MS, Math.max(10 * MIN_MS, this.rng.exp(45 * MIN_MS)));
      this.comebacks.push({ ...v, readyAt: at + delay });
    }
  }

  /** Customers at a till that can no longer take them look for another one, or leave. */
  private rerouteFromBrokenTills(at: number, env: StepEnv): void {
    const moving: Visitor[] = [];
    this.tills.forEach((t, i) => {
      const cap = env.caps[i] ?? { cash: false, card: false };
      const ok = (v: Visitor) => (v.card ? cap.card : cap.cash);
      if (t.serving && !ok(t.serving)) {
        moving.push(t.serving);
        t.serving = null;
      }
      if (t.queue.some((v) => !ok(v))) {
        moving.push(...t.queue.filter((v) => !ok(v)));
        t.queue = t.queue.filter(ok);
      }
    });
    for (const v of moving) this.checkout(v, at, env);
  }

  private serve(i: number, from: number, to: number): void {
    const t = this.tills[i]!;
    for (;;) {
      if (!t.serving) {
        const next = t.queue.shift();
        if (!next) return;
        t.serving = next;
        const service = Math.max(15_000, this.rng.lognormal(this.behaviour.meanServiceMs[i]!, 0.5));
        t.serviceEnd = Math.max(t.freeAt, next.readyAt, from) + service;
      }
      if (t.serviceEnd >= to) return;
      const v = t.serving;
      t.serving = null;
      t.freeAt = t.serviceEnd;
      this.bin.tx[i]!++;
      this.bin.revenue[i]! += v.basket;
      this.bin.out++;
      this.truth.sale(this.store.id, v.basket);
      if (v.lostTo !== undefined) this.truth.returned(this.store.id, v.lostTo, v.basket);
    }
  }
}

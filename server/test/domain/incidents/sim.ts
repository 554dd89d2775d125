import type { WeekHours } from '@storepulse/protocol';
import {
  IncidentEngine,
  type EngineConfig,
  type EngineEffect,
  type EngineInput,
  type EngineState,
  type Incident,
  type IncidentStore,
} from '../../../src/domain/incidents/index.js';

/** Test clock: "HH:MM" or "HH:MM:SS" on Monday 23 November 2026, UTC. */
export const T = (hhmm: string, date = '2026-11-23') => Date.parse(`${date}T${hhmm.length === 5 ? `${hhmm}:00` : hhmm}Z`);
export const iso = (ms: number) => new Date(ms).toISOString();

export const everyDay = (spec: string | null): WeekHours => ({ mon: spec, tue: spec, wed: spec, thu: spec, fri: spec, sat: spec, sun: spec });

export function store(over: Partial<IncidentStore> = {}): IncidentStore {
  return {
    id: 's1',
    name: 'Store 1',
    city: 'Madrid',
    timezone: 'UTC',
    currency: 'EUR',
    tills: ['t1', 't2', 't3', 't4'],
    hours: everyDay('09:00-21:00'),
    holidays: [],
    provider: null,
    conversion: 0.25,
    avgBasket: 40,
    ...over,
  };
}

export function config(s: IncidentStore = store(), over: Partial<EngineConfig> = {}): EngineConfig {
  return { incidents: { pendingSec: 60, recoverSec: 120 }, stores: { [s.id]: s }, maintenance: [], ...over };
}

/** Feeds inputs and 10-s ticks to an engine in time order, keeping every effect. */
export class Sim {
  engine: IncidentEngine;
  private readonly cfg: EngineConfig;
  readonly effects: EngineEffect[] = [];
  private queue: { at: number; input: EngineInput }[] = [];
  private clock: number | null = null;

  constructor(cfg: EngineConfig, engine?: IncidentEngine) {
    this.cfg = cfg;
    this.engine = engine ?? new IncidentEngine(cfg);
  }

  /** A server restart: the state goes through JSON (and `edit`, for state saved by an earlier version) and a fresh engine carries on from it. */
  restart(edit: (state: EngineState) => void = () => undefined): this {
    const state = JSON.parse(JSON.stringify(this.engine.snapshot())) as EngineState;
    edit(state);
    this.engine = new IncidentEngine(this.cfg, state);
    return this;
  }

  add(input: EngineInput): this {
    this.queue.push({ at: typeof input.at === 'number' ? input.at : Date.parse(input.at), input });
    return this;
  }

  tills(at: number, state: 'up' | 'down' | 'degraded' | 'offline', ids: string[], storeId = 's1'): this {
    for (const tillId of ids) this.add({ type: 'till', at, storeId, tillId, state });
    return this;
  }

  /** One-minute counter bins, each received as it closes. */
  footfall(from: number, to: number, perMinute: number, storeId = 's1'): this {
    for (let s = from; s < to; s += 60_000) {
      this.add({ type: 'footfall', at: s + 60_000, storeId, sensorId: 'door', binStart: iso(s), binEnd: iso(s + 60_000), in: perMinute });
    }
    return this;
  }

  /** Sales bins of `minutes` width with `tx` transactions of 40 each. */
  sales(tillId: string, from: number, to: number, minutes: number, tx: number, storeId = 's1'): this {
    const w = minutes * 60_000;
    for (let s = from; s < to; s += w) {
      this.add({
        type: 'sales',
        at: s + w,
        storeId,
        tillId,
        binStart: iso(s),
        binEnd: iso(s + w),
        transactions: tx,
        revenue: tx * 40,
        currency: 'EUR',
      });
    }
    return this;
  }

  /** Runs queued inputs (first) and ticks up to `until`; returns the effects of this run. */
  run(from: number, until: number, tickMs = 10_000): EngineEffect[] {
    const out: EngineEffect[] = [];
    this.queue.sort((a, b) => a.at - b.at);
    let t = this.clock ?? from;
    while (t <= until) {
      while (this.queue.length && this.queue[0]!.at <= t) out.push(...this.engine.apply(this.queue.shift()!.input));
      out.push(...this.engine.apply({ type: 'tick', at: t }));
      t += tickMs;
    }
    this.clock = t;
    this.effects.push(...out);
    return out;
  }

  of(type: EngineEffect['type']): EngineEffect[] {
    return this.effects.filter((e) => e.type === type);
  }

  incidents(type: 'incident.opened' | 'incident.updated' | 'incident.closed'): Incident[] {
    return this.effects.flatMap((e) => (e.type === type ? [e.incident] : []));
  }

  last(): Incident {
    const all = this.effects.flatMap((e) => ('incident' in e ? [e.incident] : []));
    return all[all.length - 1]!;
  }
}

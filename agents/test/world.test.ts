import { describe, expect, it } from 'vitest';
import { generateFleet } from '../src/index.js';
import { GroundTruth } from '../src/sim/ground-truth.js';
import { World, type WorldEvent } from '../src/sim/world.js';
import type { SimScenario } from '../src/sim/faults.js';

const HOUR = 3_600_000;
// Wednesday 2026-11-18, 00:00 UTC.
const START = Date.parse('2026-11-18T00:00:00Z');

function run(scenario: SimScenario | null, hours: number, stores = 3) {
  const fleet = generateFleet({ stores, tillsPerStore: 3, seed: 4 });
  const truth = new GroundTruth({ seed: 4, speed: 1, simStart: START });
  const world = new World(fleet, { seed: 4, simStart: START, binMs: 60_000, seqBase: 1000, truth });
  if (scenario) world.schedule(scenario);
  const events: WorldEvent[] = [];
  for (let t = START; t < START + hours * HOUR; t += HOUR) events.push(...world.advance(t + HOUR));
  return { fleet, truth: truth.snapshot(world.simNow), events };
}

type Msg = Extract<WorldEvent, { type: 'message' }>;
const messages = (events: WorldEvent[]) => events.filter((e): e is Msg => e.type === 'message');

describe('World (customer-level simulation, no I/O)', () => {
  it('over a normal day converts close to each store\'s conversion rate, only within opening hours', () => {
    const { fleet, truth, events } = run(null, 24);
    for (const s of fleet) {
      const t = truth.stores.find((x) => x.storeId === s.id)!;
      expect(t.visitors).toBeGreaterThan(200);
      const conversion = t.transactions / t.visitors;
      // Queue balking costs a little; nothing else should.
      expect(conversion).toBeGreaterThan(s.conversion * 0.8);
      expect(conversion).toBeLessThan(s.conversion * 1.15);
      expect(t.revenue / t.transactions).toBeGreaterThan(s.avgBasket * 0.7);
      expect(t.revenue / t.transactions).toBeLessThan(s.avgBasket * 1.3);
    }
    const bins = messages(events).filter((m) => m.kind === 'footfall');
    const perStore = new Set(bins.map((m) => m.storeId));
    expect(perStore.size).toBe(3);
    // A store open round the clock sends a bin every minute; the others are silent while closed.
    for (const s of fleet) {
      const count = bins.filter((m) => m.storeId === s.id).length;
      if (s.hours.mon === '00:00-24:00') expect(count).toBe(24 * 60);
      else expect(count).toBeLessThan(16 * 60);
    }
    expect(truth.incidents).toEqual([]);
  });

  it('warmed up, sells from its first minutes like a store already trading, and records nothing from before the start', () => {
    const at = Date.parse('2026-11-18T12:00:00Z');
    const firstMinutes = (warm: boolean) => {
      const fleet = generateFleet({ stores: 6, tillsPerStore: 3, seed: 4 });
      const truth = new GroundTruth({ seed: 4, speed: 1, simStart: at });
      const world = new World(fleet, { seed: 4, simStart: at, binMs: 60_000, seqBase: 1000, truth });
      if (warm) world.warmUp(30 * 60_000);
      const sent = messages(world.advance(at + 6 * 60_000));
      const sum = (kind: string, field: string) => sent.filter((m) => m.kind === kind).reduce((n, m) => n + ((m.payload as Record<string, number>)[field] ?? 0), 0);
      const recorded = truth.snapshot(world.simNow).stores;
      return { sales: sum('sales', 'transactions'), visitors: sum('footfall', 'in'), recorded };
    };
    const cold = firstMinutes(false);
    const warm = firstMinutes(true);
    // Cold, shoppers who came in at the start are still browsing: hardly a sale for minutes.
    expect(warm.sales).toBeGreaterThan(2 * cold.sales);
    // The truth holds what was sent: the warm-up's shoppers and sales are not in it.
    expect(warm.recorded.reduce((n, s) => n + s.visitors, 0)).toBe(warm.visitors);
    expect(warm.recorded.reduce((n, s) => n + s.transactions, 0)).toBe(warm.sales);
  });

  it('is deterministic for a seed', () => {
    expect(run(null, 6).truth).toEqual(run(null, 6).truth);
  });

  it('loses buyers to an incident that stops every till, and credits those who come back', () => {
    const fleet = generateFleet({ stores: 3, tillsPerStore: 3, seed: 4 });
    const s = fleet[0]!;
    // 11:00-13:00 UTC: the first store (Barcelona) is open.
    const faults = s.tills.map((till) => ({ at: 11 * 3600, store: s.id, till, kind: 'pos_error' as const, duration: '2h' }));
    const { truth, events } = run({ faults }, 20);
    expect(truth.incidents).toHaveLength(3);
    const lost = truth.incidents.reduce((n, i) => n + i.lostTransactions, 0);
    expect(lost).toBeGreaterThan(10);
    expect(truth.incidents.reduce((n, i) => n + i.returnedTransactions, 0)).toBeGreaterThan(0);
    for (const i of truth.incidents) {
      expect(i.netLostTransactions).toBe(i.lostTransactions - i.returnedTransactions);
      expect(i.end).toBe('2026-11-18T13:00:00.000Z');
    }
    const during = messages(events).filter(
      (m) => m.kind === 'sales' && m.storeId === s.id && Date.parse((m.payload as { binStart: string }).binStart) >= START + 11 * HOUR + 5 * 60_000
        && Date.parse((m.payload as { binStart: string }).binStart) < START + 13 * HOUR,
    );
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((m) => (m.payload as { transactions: number }).transactions === 0)).toBe(true);
    const status = messages(events).filter((m) => m.kind === 'status' && m.storeId === s.id);
    expect(status.some((m) => (m.payload as any).components.pos.state === 'error')).toBe(true);
  });

  it('keeps selling on other tills during a one-till printer fault, and a silent counter sends no footfall', () => {
    const fleet = generateFleet({ stores: 3, tillsPerStore: 3, seed: 4 });
    const s = fleet[0]!;
    const { events, truth } = run({
      faults: [
        { at: '11h', store: s.id, till: 'T1', kind: 'printer_paper_out', duration: '1h' },
        { at: '11h', store: s.id, kind: 'counter_silent', duration: '1h' },
      ],
    }, 14);
    const inWindow = (m: Msg) => {
      const t = Date.parse((m.payload as { binStart: string }).binStart);
      return t >= START + 11 * HOUR && t < START + 12 * HOUR;
    };
    const sales = messages(events).filter((m) => m.kind === 'sales' && m.storeId === s.id && inWindow(m));
    const tx = (till: string) => sales.filter((m) => m.tillId === till).reduce((n, m) => n + (m.payload as any).transactions, 0);
    expect(tx('T1')).toBe(0);
    expect(tx('T2') + tx('T3')).toBeGreaterThan(10);
    expect(messages(events).filter((m) => m.kind === 'footfall' && m.storeId === s.id && inWindow(m))).toEqual([]);
    expect(truth.incidents.find((i) => i.kind === 'counter_silent')!.lostTransactions).toBe(0);
  });

  it('flaps a till between error and ok, and raises presence changes for a store outage', () => {
    const fleet = generateFleet({ stores: 3, tillsPerStore: 3, seed: 4 });
    const { events } = run({
      faults: [
        { at: '10h', store: fleet[2]!.id, till: 'T3', kind: 'flapping', duration: '10m' },
        { at: '10h', store: fleet[0]!.id, kind: 'store_offline', duration: '20m' },
      ],
    }, 11);
    const flaps = messages(events).filter((m) => m.kind === 'status' && m.storeId === fleet[2]!.id && m.tillId === 'T3');
    const states = flaps.map((m) => (m.payload as any).components.pos.state);
    expect(states.filter((x) => x === 'error').length).toBeGreaterThanOrEqual(4);
    expect(states.at(-1)).toBe('ok');
    const presence = events.filter((e) => e.type === 'presence');
    expect(presence).toEqual([
      { type: 'presence', storeId: fleet[0]!.id, online: false },
      { type: 'presence', storeId: fleet[0]!.id, online: true },
    ]);
  });
});

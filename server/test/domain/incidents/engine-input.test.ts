import { describe, expect, it } from 'vitest';
import { reduceIncidents, initialEngineState, type EngineInput, type InputQualityEffect } from '../../../src/domain/incidents/index.js';
import type { BaselineProfile } from '../../../src/domain/revenue/index.js';
import { config, iso, Sim, T } from './sim.js';

const ALL = ['t1', 't2', 't3', 't4'];

function outage(): Sim {
  const sim = new Sim(config());
  return sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('12:00'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
}

const foot = (at: string, from: string, to: string, n: number): EngineInput => ({
  type: 'footfall',
  at: T(at),
  storeId: 's1',
  sensorId: 'door',
  binStart: iso(T(from)),
  binEnd: iso(T(to)),
  in: n,
});

describe('bad counter input during an incident', () => {
  const sim = outage()
    .add(foot('10:10:05', '10:09', '10:10', -5))
    .add(foot('10:11:40', '10:11', '10:11:30', 1000))
    .add(foot('10:12', '10:25', '10:30', 3))
    .add(foot('10:13:30', '10:12', '10:13', 2))
    .add(foot('10:14:30', '10:13', '10:14', 3));
  sim.run(T('09:00'), T('10:40'));
  const quality = sim.of('input.quality') as InputQualityEffect[];
  const closed = sim.incidents('incident.closed')[0]!;

  it('rejects, drops or replaces each bad bin with a stated reason', () => {
    expect(quality.map((q) => [q.action, q.flag])).toEqual([
      ['rejected', 'counter_negative'],
      ['rejected', 'counter_absurd'],
      ['rejected', 'clock_skew'],
      ['ignored', 'bin_duplicate'],
      ['replaced', 'bin_replaced'],
    ]);
    expect(quality.every((q) => q.storeId === 's1' && q.sourceId === 'door' && q.reason.length > 0)).toBe(true);
  });

  it('flags the incident and lowers its confidence', () => {
    expect(closed.flags).toEqual(
      expect.arrayContaining(['counter_negative', 'counter_absurd', 'clock_skew', 'bin_duplicate', 'bin_replaced']),
    );
    // rates_fallback 0.15 + 0.15 + 0.15 + 0.1 + 0.05 + 0.05
    expect(closed.confidence).toBe(0.35);
    // the replacement counts, the rejected bins do not: 60 + 1
    expect(closed.visitors).toBe(61);
  });
});

describe('a bin corrected late', () => {
  it('is still replaced half an hour after it ended (bins are merged into quarters only after an hour)', () => {
    const sim = outage().add(foot('10:50', '10:12', '10:13', 5));
    sim.run(T('09:00'), T('12:00'));
    const quality = sim.of('input.quality') as InputQualityEffect[];
    expect(quality.map((q) => [q.action, q.flag])).toEqual([['replaced', 'bin_replaced']]);
    // Its final figures: 60 counted in the half hour, 2 of them replaced by 5.
    const final = sim.incidents('incident.updated').at(-1)!;
    expect(final.final).toBe(true);
    expect(final.visitors).toBe(63);
  });
});

describe('a counter gap during an incident', () => {
  const slots = Object.fromEntries(
    Array.from({ length: 16 }, (_, i) => {
      const m = 8 * 60 + i * 15;
      return [`1-${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`, { median: 30, p25: 25, p75: 35, samples: 6 }];
    }),
  );
  const baseline: BaselineProfile = { timezone: 'UTC', slots };

  function gapSim(withBaseline: boolean): Sim {
    const cfg = config(undefined, withBaseline ? { models: { s1: { baseline, rates: null } } } : {});
    const sim = new Sim(cfg).tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
    sim.footfall(T('09:00'), T('10:05'), 2).footfall(T('10:25'), T('12:00'), 2);
    sim.run(T('09:00'), T('10:40'));
    return sim;
  }

  it('fills the gap from the baseline and flags it', () => {
    const closed = gapSim(true).incidents('incident.closed')[0]!;
    // 10 measured before, 10 after, 20 min at 30 per quarter (level 1 over 09:00–10:00) = 40
    expect(closed.visitors).toBe(60);
    expect(closed.flags).toContain('counter_gap');
    expect(closed.confidence).toBeLessThan(0.85);
  });

  it('still counts a door counter dead for two days as the store\'s: its share is filled from the baseline and flagged', () => {
    const sim = new Sim(config(undefined, { models: { s1: { baseline, rates: null } } }));
    const sat = (hhmm: string) => T(hhmm, '2026-11-21');
    // The side door counts on Saturday morning, then its counter dies; the main door keeps counting.
    for (let m = sat('09:00'); m < sat('10:00'); m += 60_000) {
      sim.add({ type: 'footfall', at: m + 60_000, storeId: 's1', sensorId: 'side', binStart: iso(m), binEnd: iso(m + 60_000), in: 1 });
    }
    sim.tills(sat('09:00'), 'up', ALL).footfall(sat('09:00'), sat('10:00'), 1);
    sim.run(sat('09:00'), sat('10:00'));
    sim.run(sat('10:00'), T('09:00'), 600_000);
    sim.footfall(T('09:00'), T('12:00'), 1).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
    sim.run(T('09:00'), T('10:40'));
    const closed = sim.incidents('incident.closed')[0]!;
    expect(closed.flags).toContain('counter_gap');
    // The main door's 30 alone would pass for the whole store; the dead door's half of the baseline's 30 a quarter,
    // over the two quarters, is added.
    expect(closed.visitors).toBe(60);
  });

  it('says so when there is nothing to fill it with', () => {
    const closed = gapSim(false).incidents('incident.closed')[0]!;
    expect(closed.visitors).toBe(20);
    expect(closed.flags).toEqual(expect.arrayContaining(['counter_gap', 'no_visitor_data']));
  });
});

describe('inputs the engine cannot place', () => {
  it('rejects unknown stores, unknown tills and unparsable times', () => {
    const sim = new Sim(config());
    const effects = [
      ...sim.engine.apply({ type: 'till', at: T('10:00'), storeId: 'nope', tillId: 't1', state: 'down' }),
      ...sim.engine.apply({ type: 'till', at: T('10:00'), storeId: 's1', tillId: 't9', state: 'down' }),
      ...sim.engine.apply({ type: 'footfall', at: 'yesterday', storeId: 's1', sensorId: 'door', binStart: 'a', binEnd: 'b', in: 1 }),
      ...sim.engine.apply({ type: 'sales', at: T('10:00'), storeId: 's1', tillId: 't1', binStart: 'x', binEnd: 'y', transactions: 1, revenue: 1, currency: 'EUR' }),
    ];
    expect(effects.map((e) => e.type === 'input.quality' && [e.action, e.reason])).toEqual([
      ['rejected', 'unknown store'],
      ['rejected', 'unknown till'],
      ['rejected', 'unparsable time'],
      ['rejected', 'unparsable bin time'],
    ]);
  });
});

describe('restart and replay', () => {
  it('carries on from persisted JSON state exactly as if it had never stopped', () => {
    const straight = outage();
    straight.run(T('09:00'), T('11:40'));
    const restarted = outage();
    restarted.run(T('09:00'), T('10:15'));
    restarted.restart().run(T('10:15'), T('11:40'));
    expect(restarted.effects).toEqual(straight.effects);
    expect(straight.incidents('incident.opened')).toHaveLength(1);
  });

  it('is a pure reducer: the same inputs give the same ids and the state passed in is untouched', () => {
    const cfg = config();
    let state = initialEngineState();
    const inputs: EngineInput[] = [
      ...ALL.map((tillId) => ({ type: 'till' as const, at: T('09:00'), storeId: 's1', tillId, state: 'up' as const })),
      { type: 'till', at: T('10:00'), storeId: 's1', tillId: 't1', state: 'down' },
      { type: 'tick', at: T('10:01') },
    ];
    const ids: string[] = [];
    for (const input of inputs) {
      const before = JSON.stringify(state);
      const out = reduceIncidents(state, input, cfg);
      expect(JSON.stringify(state)).toBe(before);
      state = out.state;
      for (const e of out.effects) if (e.type === 'incident.opened') ids.push(e.incident.id);
    }
    expect(ids).toEqual(['inc_s1_till_down_20261123T100000000Z']);
  });
});

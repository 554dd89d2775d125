import { describe, expect, it } from 'vitest';
import { buildStoreModel, IncidentEngine, type EngineState } from '../../../src/domain/incidents/index.js';
import { sixWeeks } from '../revenue/history.js';
import { config, iso, Sim, store, T } from './sim.js';

const ALL = ['t1', 't2', 't3', 't4'];

describe('engine with a learned store model', () => {
  const s = store();
  const model = buildStoreModel(s, { ...sixWeeks(), incidents: [] }, T('00:00'));

  it('learns the baseline and rates from history', () => {
    expect(model.baseline?.slots['1-10:00']).toMatchObject({ median: 20, samples: 6 });
    expect(model.rates?.byHour['1-10']).toMatchObject({ conversion: 0.25, basket: 30 });
    expect(buildStoreModel(s, { footfall: [], sales: [], incidents: [] }, T('00:00'))).toEqual({ baseline: null, rates: null });
  });

  it('prices an outage at the learned conversion and basket', () => {
    const sim = new Sim(config(s, { models: { s1: model } }));
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('11:00'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
    sim.run(T('09:00'), T('10:40'));
    const closed = sim.incidents('incident.closed')[0]!;
    // 60 visitors × 0.25 × 30 (configured would have been × 40)
    expect(closed.lostRevenue.gross).toBe(450);
    expect(closed.flags).not.toContain('rates_fallback');
  });

  it("settles an outage at opening with nothing counted before it on today's level after recovery", () => {
    const sim = new Sim(config(s, { models: { s1: model } }));
    // Down from opening with the counter silent; from 09:30 it counts 30 a quarter against a baseline of 20.
    sim.tills(T('08:30'), 'up', ALL).tills(T('09:00'), 'down', ALL).tills(T('09:30'), 'up', ALL).footfall(T('09:30'), T('11:00'), 2);
    sim.run(T('08:30'), T('10:40'));
    // closed: 2 quarters × 20 visitors at level 1 × 0.25 × 30; settled: at level 1.5
    expect(sim.incidents('incident.closed')[0]!).toMatchObject({ visitors: 40, lostRevenue: { gross: 300 } });
    expect(sim.last()).toMatchObject({ final: true, visitors: 60, lostRevenue: { gross: 450 } });
  });
});

describe('engine started again while its models are learned', () => {
  const s = store();
  const model = buildStoreModel(s, { ...sixWeeks(), incidents: [] }, T('00:00'));

  it('keeps the saved figures until the store\'s model is back, then settles with it, never with the defaults', () => {
    const sim = new Sim(config(s, { models: { s1: model } }));
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('12:00'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
    sim.run(T('09:00'), T('10:20'));
    const saved = sim.last();
    expect(saved.flags).not.toContain('rates_fallback');
    // The server restarts: the engine state is back at once, the models only once learned again.
    const learning = config(s, { models: {}, modelsLearning: true });
    const restarted = new Sim(learning, new IncidentEngine(learning, JSON.parse(JSON.stringify(sim.engine.snapshot())) as EngineState));
    restarted.tills(T('10:30'), 'up', ALL).footfall(T('10:20'), T('12:00'), 2);
    restarted.run(T('10:20'), T('11:45'));
    for (const e of restarted.incidents('incident.updated')) expect(e.flags).not.toContain('rates_fallback');
    expect(restarted.incidents('incident.closed')[0]!.lostRevenue.gross).toBe(saved.lostRevenue.gross);
    // Past its after-recovery window, it still waits: settled on defaults it would be final and wrong.
    expect(restarted.incidents('incident.updated').some((e) => e.final)).toBe(false);
    restarted.engine.setConfig(config(s, { models: { s1: model } }));
    restarted.run(T('11:45'), T('11:50'));
    // 60 visitors × 0.25 × 30, with the learned rates.
    expect(restarted.last()).toMatchObject({ final: true, lostRevenue: { gross: 450 } });
    expect(restarted.last().flags).not.toContain('rates_fallback');
  });

  it('still says whether a held-back incident is recovering: one saved while recovering that fails again is not', () => {
    const sim = new Sim(config(s, { models: { s1: model } }));
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('12:00'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:05'), 'up', ALL);
    sim.run(T('09:00'), T('10:05:30'));
    expect(sim.engine.openIncidents()[0]!.recoveringSince).toBe(iso(T('10:05')));
    const learning = config(s, { models: {}, modelsLearning: true });
    const restarted = new Sim(learning, new IncidentEngine(learning, JSON.parse(JSON.stringify(sim.engine.snapshot())) as EngineState));
    restarted.tills(T('10:06'), 'down', ALL).run(T('10:05:40'), T('10:09'));
    const updated = restarted.incidents('incident.updated');
    expect(updated.length).toBeGreaterThan(0);
    for (const e of updated) expect(e).toMatchObject({ status: 'open', recoveringSince: null });
    expect(restarted.last().updatedAt).toBe(iso(T('10:09')));
    // Its figures are still the saved ones.
    expect(restarted.last().lostRevenue).toEqual(sim.engine.openIncidents()[0]!.lostRevenue);
    restarted.tills(T('10:09:30'), 'up', ALL).run(T('10:09:10'), T('10:12'));
    expect(restarted.incidents('incident.updated').at(-1)).toMatchObject({ status: 'open', recoveringSince: iso(T('10:09:30')) });
    expect(restarted.incidents('incident.closed')).toEqual([expect.objectContaining({ endedAt: iso(T('10:09:30')), recoveringSince: null })]);
  });

  it('figures an incident opened since the start with what there is meanwhile, live', () => {
    const learning = config(s, { models: {}, modelsLearning: true });
    const sim = new Sim(learning);
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('11:00'), 2).tills(T('10:00'), 'down', ALL);
    sim.run(T('09:00'), T('10:20'));
    // Configured rates: 40 visitors so far × 0.25 × 40.
    expect(sim.last().lostRevenue.gross).toBe(400);
    expect(sim.last().flags).toContain('rates_fallback');
  });
});

describe('engine with a learned purchase lag', () => {
  it('charges an outage just after opening with the buyers who came in one lag before it', () => {
    const s = store();
    const rates = {
      timezone: 'UTC',
      byHour: {},
      store: { conversion: 0.25, basket: 40, visitors: 10_000, transactions: 2_500, hours: 100 },
      tillPerQuarterP90: null,
      purchaseLagMs: 10 * 60_000,
    };
    const sim = new Sim(config(s, { models: { s1: { baseline: null, rates } } }));
    sim.tills(T('08:30'), 'up', ALL).footfall(T('09:00'), T('11:00'), 4).tills(T('09:05'), 'down', ALL).tills(T('09:35'), 'up', ALL);
    sim.run(T('08:30'), T('09:45'));
    const closed = sim.incidents('incident.closed')[0]!;
    // paid for 09:05–09:35 by those who came in 08:55–09:25; the store opened at 09:00: 100 visitors
    expect(closed).toMatchObject({ visitors: 100, method: 'full' });
    expect(closed.lostRevenue.gross).toBe(1000);
  });
});

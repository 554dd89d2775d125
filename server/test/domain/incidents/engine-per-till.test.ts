import { describe, expect, it } from 'vitest';
import { config, iso, Sim, T } from './sim.js';

const ALL = ['t1', 't2', 't3', 't4'];

// The live demo's S010: faults on different tills one after another, each within the hold period of the last.
describe('faults on different tills one after another', () => {
  const sim = new Sim(config());
  sim.tills(T('09:00'), 'up', ALL);
  sim.tills(T('10:00'), 'down', ['t3']).tills(T('10:05:40'), 'up', ['t3']);
  sim.tills(T('10:06:33'), 'down', ['t4']).tills(T('10:16:29'), 'up', ['t4']);
  sim.tills(T('10:16:32'), 'down', ['t2']).tills(T('10:25'), 'up', ['t2']);
  sim.run(T('09:00'), T('10:40'));

  it('are an incident each: the flap rule is per till', () => {
    const opened = sim.incidents('incident.opened');
    expect(opened.map((i) => i.tillIds)).toEqual([['t3'], ['t4'], ['t2']]);
    expect(opened.map((i) => i.startedAt)).toEqual([iso(T('10:00')), iso(T('10:06:33')), iso(T('10:16:32'))]);
    expect(opened.map((i) => i.severity)).toEqual(['major', 'major', 'major']);
    const closed = sim.incidents('incident.closed');
    expect(closed.map((i) => [i.tillIds, i.endedAt])).toEqual([
      [['t3'], iso(T('10:05:40'))],
      [['t4'], iso(T('10:16:29'))],
      [['t2'], iso(T('10:25'))],
    ]);
    // The first one ends once its recovery has held, where it began, with no flap in its record; the next till's
    // fault, pending meanwhile, opens then, dated from when that till failed.
    expect(sim.of('incident.closed')[0]!.at).toBe(iso(T('10:07:40')));
    expect(sim.of('incident.opened')[1]!.at).toBe(iso(T('10:07:40')));
    expect(closed[0]!.timeline.filter((e) => e.event === 'flap')).toEqual([]);
  });
});

describe('another till failing while an incident recovers', () => {
  const run = (t1Again: boolean) => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:05'), 'up', ['t1']);
    sim.tills(T('10:05:30'), 'degraded', ['t2']);
    if (t1Again) sim.tills(T('10:06'), 'down', ['t1']);
    sim.run(T('09:00'), T('10:10'));
    return sim;
  };

  it('leaves its hold running: it closes on time, and the other till\'s fault becomes an incident of its own', () => {
    const sim = run(false);
    expect(sim.of('incident.closed').map((e) => [e.at, 'incident' in e && e.incident.endedAt])).toEqual([[iso(T('10:07')), iso(T('10:05'))]]);
    const opened = sim.incidents('incident.opened');
    expect(opened.map((i) => [i.kind, i.tillIds, i.startedAt])).toEqual([
      ['till_down', ['t1'], iso(T('10:00'))],
      ['till_degraded', ['t2'], iso(T('10:05:30'))],
    ]);
    // Nothing of t2 shows on the recovering incident as at fault.
    expect(sim.incidents('incident.closed')[0]).toMatchObject({ tillIds: ['t1'], activeTillIds: [] });
  });

  it('and its own till failing again within the hold brings it back, the other till joining it', () => {
    const sim = run(true);
    expect(sim.of('incident.closed')).toEqual([]);
    expect(sim.incidents('incident.opened').map((i) => i.id)).toEqual(['inc_s1_till_down_20261123T100000000Z']);
    expect(sim.last()).toMatchObject({ tillIds: ['t1', 't2'], activeTillIds: ['t1', 't2'], recoveringSince: null, faultAt: iso(T('10:06')) });
    expect(sim.last().timeline.filter((e) => e.event === 'flap')).toHaveLength(1);
  });
});

describe('tills failing while others are still down', () => {
  const sim = new Sim(config());
  sim.tills(T('09:00'), 'up', ALL);
  sim.tills(T('10:00'), 'down', ['t1']).tills(T('10:03'), 'down', ['t2']).tills(T('10:04'), 'up', ['t1']);
  sim.tills(T('10:05'), 'down', ['t3']).tills(T('10:06'), 'up', ['t2']).tills(T('10:08'), 'up', ['t3']);
  sim.run(T('09:00'), T('10:20'));

  it('join the store incident, its severity following the most tills down at once, not the union', () => {
    expect(sim.incidents('incident.opened')).toHaveLength(1);
    const closed = sim.incidents('incident.closed');
    expect(closed).toHaveLength(1);
    // three of four tills failed, never more than two at once: 50 %, not 75 %
    expect(closed[0]).toMatchObject({ tillIds: ['t1', 't2', 't3'], peakTills: 2, severity: 'major', activeTillIds: [] });
    const at1005 = sim.incidents('incident.updated').find((i) => i.activeTillIds?.join() === 't2,t3');
    expect(at1005?.faultAt).toBe(iso(T('10:05')));
  });

  it('and a store-wide fault still joins a recovering till incident', () => {
    const s = new Sim(config());
    s.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:05'), 'up', ['t1']);
    s.tills(T('10:06'), 'down', ALL).tills(T('10:10'), 'up', ALL);
    s.run(T('09:00'), T('10:20'));
    expect(s.incidents('incident.opened')).toHaveLength(1);
    expect(s.incidents('incident.closed')[0]).toMatchObject({ kind: 'store_down', tillIds: ALL, severity: 'critical', peakTills: 4 });
  });
});

describe('degraded tills beside a till down', () => {
  it('do not count as tills down: one down and two degraded of four is one till down', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:00'), 'degraded', ['t2', 't3']);
    sim.tills(T('10:10'), 'up', ALL).run(T('09:00'), T('10:20'));
    const closed = sim.incidents('incident.closed');
    expect(closed).toHaveLength(1);
    // 1 of 4 down (25 %): major and, for tickets, one register down; counting the degraded ones would make it 75 %
    expect(closed[0]).toMatchObject({ kind: 'till_down', tillIds: ['t1', 't2', 't3'], peakTills: 1, severity: 'major' });
  });

  it('and a degraded incident that grows into a till down counts its tills down afresh', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'degraded', ['t1', 't2', 't3']).tills(T('10:05'), 'down', ['t1']);
    sim.tills(T('10:10'), 'up', ALL).run(T('09:00'), T('10:20'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: 'till_degraded', peakTills: 3, severity: 'major' });
    expect(sim.incidents('incident.closed')[0]).toMatchObject({ kind: 'till_down', peakTills: 1, severity: 'major' });
  });

  it('while more tills down raise the count', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:00'), 'degraded', ['t2']);
    sim.tills(T('10:05'), 'down', ['t2', 't3']).tills(T('10:10'), 'up', ALL).run(T('09:00'), T('10:20'));
    expect(sim.incidents('incident.closed')[0]).toMatchObject({ kind: 'till_down', peakTills: 3, severity: 'critical' });
  });
});

describe('a degraded till beside a till down going down too', () => {
  it('raises the count at once, not at the next periodic update', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:00'), 'degraded', ['t2']);
    sim.tills(T('10:05:05'), 'down', ['t2']).run(T('09:00'), T('10:06'));
    const raised = sim.of('incident.updated').find((e) => e.type === 'incident.updated' && e.incident.peakTills === 2);
    expect(raised?.at).toBe(iso(T('10:05:05')));
  });
});

import { describe, expect, it } from 'vitest';
import { config, iso, Sim, store, T } from './sim.js';

const ALL = ['t1', 't2', 't3', 't4'];

describe('full outage', () => {
  const sim = new Sim(config());
  sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('12:00'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:30'), 'up', ALL);
  sim.run(T('09:00'), T('11:40'));
  const opened = sim.incidents('incident.opened');
  const closed = sim.incidents('incident.closed');

  it('opens once the pending period has passed, counting from when the fault began', () => {
    expect(opened).toHaveLength(1);
    const inc = opened[0]!;
    expect(sim.of('incident.opened')[0]!.at).toBe(iso(T('10:01')));
    expect(inc).toMatchObject({
      id: 'inc_s1_store_down_20261123T100000000Z',
      storeId: 's1',
      kind: 'store_down',
      severity: 'critical',
      status: 'open',
      startedAt: iso(T('10:00')),
      endedAt: null,
      tillIds: ALL,
    });
  });

  it('updates the running total at least every minute while open', () => {
    const updates = sim.of('incident.updated').filter((e) => 'incident' in e && e.incident.status === 'open');
    const times = [T('10:01'), ...updates.map((e) => Date.parse(e.at)), T('10:32')];
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(60_000);
    const totals = updates.map((e) => ('incident' in e ? e.incident.lostRevenue.gross : 0));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    // 10:10: ten minutes of 2 visitors, every one of them lost at 0.25 × 40
    const at1010 = updates.find((e) => e.at === iso(T('10:10')));
    expect(at1010 && 'incident' in at1010 && at1010.incident.lostRevenue.gross).toBe(200);
  });

  it('says at once that it is recovering when every till is back, and no longer once closed', () => {
    const recovering = sim.of('incident.updated').find((e) => 'incident' in e && e.incident.recoveringSince !== null);
    expect(recovering?.at).toBe(iso(T('10:30')));
    expect(recovering && 'incident' in recovering && recovering.incident).toMatchObject({ status: 'open', recoveringSince: iso(T('10:30')) });
    expect(opened[0]!.recoveringSince).toBeNull();
    expect(closed[0]!.recoveringSince).toBeNull();
  });

  it('closes after recovery held, ending when recovery began, with visitors × conversion × basket', () => {
    expect(closed).toHaveLength(1);
    expect(sim.of('incident.closed')[0]!.at).toBe(iso(T('10:32')));
    expect(closed[0]).toMatchObject({
      status: 'closed',
      endedAt: iso(T('10:30')),
      visitors: 60,
      lostRevenue: { gross: 600, net: 600, currency: 'EUR' },
      method: 'full',
      final: false,
    });
  });

  it('settles net once the after-recovery hour has passed', () => {
    const final = sim.last();
    expect(final).toMatchObject({ id: opened[0]!.id, final: true, lostRevenue: { gross: 600 } });
    // no sales feed and no baseline: what came back cannot be measured, and says so
    expect(final.flags).toEqual(expect.arrayContaining(['rates_fallback', 'recapture_unmeasured']));
    expect(final.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(['fault', 'till', 'opened', 'recovered', 'closed', 'settled']),
    );
  });
});

describe('deadlines, for waking the engine without input', () => {
  it('is due when a pending fault opens and when a held recovery closes, for that store or any', () => {
    const two = store({ id: 's2' });
    const sim = new Sim(config(store(), { stores: { s1: store(), s2: two } }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('09:00'), 'up', ALL, 's2').run(T('09:00'), T('09:59:50'));
    expect(sim.engine.nextDeadline()).toBeNull();

    sim.engine.apply({ type: 'till', at: T('10:00:05'), storeId: 's1', tillId: 't1', state: 'down' });
    expect(sim.engine.nextDeadline('s1')).toBe(T('10:01:05'));
    expect(sim.engine.nextDeadline('s2')).toBeNull();
    sim.engine.apply({ type: 'till', at: T('10:00:20'), storeId: 's2', tillId: 't1', state: 'down' });
    expect(sim.engine.nextDeadline()).toBe(T('10:01:05'));

    // Ticked at the deadline it opens; nothing is due for s1 until it recovers, and then the hold is.
    expect(sim.engine.apply({ type: 'tick', at: T('10:01:05') }).map((e) => e.type)).toEqual(['incident.opened']);
    expect(sim.engine.nextDeadline('s1')).toBeNull();
    expect(sim.engine.nextDeadline()).toBe(T('10:01:20'));
    sim.engine.apply({ type: 'till', at: T('10:03'), storeId: 's1', tillId: 't1', state: 'up' });
    expect(sim.engine.nextDeadline('s1')).toBe(T('10:05'));
    expect(sim.engine.apply({ type: 'tick', at: T('10:05') }).map((e) => e.type)).toEqual(expect.arrayContaining(['incident.opened', 'incident.closed']));
    expect(sim.engine.nextDeadline('s1')).toBeNull();
  });

  it('leaves a fault held back outside opening hours to the regular tick', () => {
    const sim = new Sim(config());
    sim.tills(T('06:00'), 'up', ALL).tills(T('07:00'), 'down', ['t1']).run(T('06:00'), T('07:05'));
    expect(sim.engine.nextDeadline()).toBeNull();
  });
});

describe('pending and flapping', () => {
  it('opens nothing for a fault shorter than the pending period', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:00:50'), 'up', ['t1']);
    sim.run(T('09:00'), T('10:10'));
    expect(sim.effects).toEqual([]);
  });

  it('pends afresh for a fault that comes back before it was ever an incident: the time the till was up does not count', () => {
    const sim = new Sim(config());
    // A printer cover opened for 40 s, then again for 20 s: never out for 60 s in a row.
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:00:40'), 'up', ['t1']);
    sim.tills(T('10:02:20'), 'down', ['t1']).tills(T('10:02:40'), 'up', ['t1']);
    sim.run(T('09:00'), T('10:10'), 1000);
    expect(sim.effects).toEqual([]);
    // Out for good: it opens 60 s after it failed again, dated from then.
    sim.tills(T('10:11'), 'down', ['t1']).tills(T('10:11:30'), 'up', ['t1']).tills(T('10:12'), 'down', ['t1']);
    sim.run(T('10:10'), T('10:15'), 1000);
    expect(sim.of('incident.opened').map((e) => [e.at, 'incident' in e && e.incident.startedAt])).toEqual([[iso(T('10:13')), iso(T('10:12'))]]);
  });

  it('keeps a till that flaps within the hold period in one incident', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL);
    sim.tills(T('10:00'), 'down', ['t1']).tills(T('10:05'), 'up', ['t1']).tills(T('10:06'), 'down', ['t1']);
    sim.tills(T('10:06:30'), 'up', ['t1']).tills(T('10:07'), 'down', ['t1']).tills(T('10:10'), 'up', ['t1']);
    sim.run(T('09:00'), T('10:20'));
    expect(sim.incidents('incident.opened')).toHaveLength(1);
    const closed = sim.incidents('incident.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ kind: 'till_down', tillIds: ['t1'], severity: 'major', startedAt: iso(T('10:00')), endedAt: iso(T('10:10')) });
    expect(closed[0]!.timeline.filter((e) => e.event === 'flap')).toHaveLength(2);
    // each recovery and each flap back is sent as it happens
    const recovering = sim.of('incident.updated').flatMap((e) => ('incident' in e && e.incident.status === 'open' ? [[e.at, e.incident.recoveringSince]] : []));
    for (const [at, since] of [
      [T('10:05'), iso(T('10:05'))],
      [T('10:06'), null],
      [T('10:06:30'), iso(T('10:06:30'))],
      [T('10:07'), null],
      [T('10:10'), iso(T('10:10'))],
    ] as const) {
      expect(recovering).toContainEqual([iso(at), since]);
    }
  });

  it('opens a second incident only after recovery held', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:05'), 'up', ['t1']).tills(T('10:10'), 'down', ['t1']);
    sim.run(T('09:00'), T('10:15'));
    const ids = sim.incidents('incident.opened').map((i) => i.id);
    expect(ids).toEqual(['inc_s1_till_down_20261123T100000000Z', 'inc_s1_till_down_20261123T101000000Z']);
  });

  it('honours configured pending and hold periods', () => {
    const sim = new Sim(config(store(), { incidents: { pendingSec: 300, recoverSec: 30 } }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']).tills(T('10:20'), 'up', ['t1']);
    sim.run(T('09:00'), T('10:30'));
    expect(sim.of('incident.opened')[0]!.at).toBe(iso(T('10:05')));
    expect(sim.of('incident.closed')[0]!.at).toBe(iso(T('10:20:30')));
  });
});

describe('partial outage', () => {
  it('charges what the one working till cannot serve, by the capacity model', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('11:00'), 12);
    sim.tills(T('10:00'), 'down', ['t1', 't2', 't3']).tills(T('10:15'), 'up', ['t1', 't2', 't3']);
    sim.run(T('09:00'), T('10:20'));
    const closed = sim.incidents('incident.closed')[0]!;
    // 180 visitors × 0.25 = 45 wanted to buy; one till serves 12 × 0.85 = 10.2 (four: 40.8).
    // Lost: the excess 45 − 10.2, minus the everyday loss at four tills, where the queue turns away a tenth
    // (4.5 > 45 − 40.8), minus the 5 still queueing at the working till at 10:15, served after recovery.
    const lost = 45 - 10.2 - 4.5 - 5;
    expect(closed).toMatchObject({ kind: 'till_down', severity: 'critical', method: 'capacity', visitors: 180 });
    expect(closed.lostRevenue.gross).toBeCloseTo(lost * 40, 1);
  });

  it('counts a backup till that opens as capacity, and records the time to backup', () => {
    const sim = new Sim(config(store({ tills: ['t1', 't2', 't3', 't4', 'b1'], backupTills: ['b1'] })));
    sim.tills(T('09:00'), 'up', ALL).tills(T('09:00'), 'offline', ['b1']).footfall(T('09:00'), T('11:00'), 12);
    sim.tills(T('10:00'), 'down', ['t1', 't2', 't3']).tills(T('10:05'), 'up', ['b1']).tills(T('10:15'), 'up', ['t1', 't2', 't3']);
    sim.run(T('09:00'), T('10:20'));
    const closed = sim.incidents('incident.closed')[0]!;
    expect(closed.timeToBackupSec).toBe(300);
    expect(closed.tillIds).toEqual(['t1', 't2', 't3']);
    expect(closed.timeline.some((e) => e.event === 'backup' && e.tillId === 'b1')).toBe(true);
    // 5 min at one till, then 10 min at two: less lost than the 15 min at one above
    expect(closed.lostRevenue.gross).toBeGreaterThan(0);
    expect(closed.lostRevenue.gross).toBeLessThan((45 - 10.2 - 4.5) * 40);
  });

  it('takes a store down when a backup till that never reported is all that is left: it is not capacity', () => {
    const kind = (tills: string[], backupTills: string[]) => {
      const sim = new Sim(config(store({ tills, backupTills })));
      sim.tills(T('09:30'), 'up', ['t1', 't2']).tills(T('10:00'), 'down', ['t1', 't2']).footfall(T('09:00'), T('10:30'), 5);
      sim.run(T('09:30'), T('10:30'));
      return sim.incidents('incident.opened')[0]?.kind;
    };
    expect(kind(['t1', 't2', 'b1'], ['b1'])).toBe('store_down');
    expect(kind(['t1', 't2'], [])).toBe('store_down');
  });

  it('never opens an incident for an idle backup till', () => {
    const sim = new Sim(config(store({ tills: ['t1', 't2', 'b1'], backupTills: ['b1'] })));
    sim.tills(T('09:00'), 'up', ['t1', 't2']).tills(T('09:00'), 'offline', ['b1']).tills(T('10:00'), 'down', ['b1']);
    sim.run(T('09:00'), T('10:30'));
    expect(sim.effects).toEqual([]);
  });

  it('opens a degraded incident one severity step lower', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'degraded', ['t1', 't2', 't3']);
    sim.run(T('09:00'), T('10:05'));
    expect(sim.incidents('incident.opened')[0]).toMatchObject({ kind: 'till_degraded', severity: 'major' });
  });
});

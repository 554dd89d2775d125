import { describe, expect, it } from 'vitest';
import { IncidentEngine, type EngineState } from '../../../src/domain/incidents/index.js';
import { config, iso, Sim, store, T } from './sim.js';

const ALL = ['t1', 't2', 't3', 't4'];

describe('store offline', () => {
  it('makes one store_offline incident when every agent goes at once, not one per till', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('10:00'), 2);
    ['t1', 't2', 't3', 't4'].forEach((t, i) => sim.add({ type: 'agent', at: T('10:00') + i * 1000, storeId: 's1', tillId: t, online: false }));
    sim.run(T('09:00'), T('10:20'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ kind: 'store_offline', severity: 'critical', tillIds: ALL, startedAt: iso(T('10:00')) });
    // the tills may sell offline behind the broken network: capacity is unknown, and flagged
    expect(sim.last().flags).toContain('capacity_assumed');
  });

  it('bounds a store offline from HQ\'s typical visitors while its counter\'s bins wait on the agent, and says when there is nothing to go by', () => {
    const live = (defaultVisitorsPerHour?: number) => {
      const sim = new Sim(config(store(defaultVisitorsPerHour ? { defaultVisitorsPerHour } : {})));
      sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('10:00'), 2);
      ALL.forEach((t) => sim.add({ type: 'agent', at: T('10:00'), storeId: 's1', tillId: t, online: false }));
      sim.run(T('09:00'), T('10:40'));
      return sim.last();
    };
    // 40 min at 120 visitors an hour. The tills may sell on behind the broken network: nothing is charged until
    // their sales come in, but the band reaches every buyer lost (20 at 25 %, 40 each, and more in its upper tail).
    const filled = live(120);
    expect(filled).toMatchObject({ visitors: 80, lostRevenue: { gross: 0 } });
    expect(filled.lostRevenue.high).toBeGreaterThanOrEqual(800);
    expect(filled.flags).toContain('capacity_assumed');
    const unknown = live();
    expect(unknown).toMatchObject({ visitors: 0, lostRevenue: { gross: 0, high: 0 } });
    expect(unknown.flags).toContain('no_visitor_data');
  });

  it('claims no component states for tills it has lost contact with, and keeps those of tills still reporting', () => {
    const ok = { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } } as const;
    const sim = new Sim(config());
    sim.footfall(T('09:00'), T('10:00'), 2);
    ALL.forEach((t) => sim.add({ type: 'till', at: T('09:00'), storeId: 's1', tillId: t, state: 'up', components: ok }));
    sim.add({ type: 'till', at: T('09:30'), storeId: 's1', tillId: 't1', state: 'down', components: { ...ok, pos: { state: 'error', detail: 'crashed' } } });
    sim.run(T('09:00'), T('09:40'));
    // A till still in contact: its report names the fault.
    expect(sim.last().components).toEqual({ t1: { ...ok, pos: { state: 'error', detail: 'crashed' } } });
    ALL.forEach((t) => sim.add({ type: 'agent', at: T('10:00'), storeId: 's1', tillId: t, online: false }));
    sim.run(T('09:40'), T('10:10'));
    // The store's network went: the last reports ("all ok") say nothing about tills nobody can see.
    const offline = sim.last();
    expect(offline.kind).toBe('store_offline');
    expect(offline.components).toEqual({ t1: null, t2: null, t3: null, t4: null });
  });

  it('folds a till incident into the store incident that follows', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('09:30'), 'down', ['t1']).tills(T('10:00'), 'offline', ALL);
    sim.tills(T('10:20'), 'up', ALL);
    sim.run(T('09:00'), T('10:30'));
    expect(sim.incidents('incident.opened')).toHaveLength(1);
    const closed = sim.incidents('incident.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      id: 'inc_s1_till_down_20261123T093000000Z',
      kind: 'store_offline',
      severity: 'critical',
      tillIds: ALL,
      startedAt: iso(T('09:30')),
      endedAt: iso(T('10:20')),
    });
    expect(closed[0]!.timeline.some((e) => e.event === 'kind' && e.detail === 'store_offline')).toBe(true);
  });

  it('makes a till incident the store offline when the network fails, whichever agent\'s last will comes last', () => {
    for (const order of [['t1', 't2', 't3', 't4'], ['t2', 't3', 't4', 't1']]) {
      const sim = new Sim(config());
      sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ['t1']);
      // The broker notices each agent gone within its keepalive: t2–t4 offline beside t1 down is a passing moment.
      order.forEach((t, i) => sim.tills(T('11:00') + i * 10_000, 'offline', [t]));
      sim.run(T('09:00'), T('11:00:20'));
      // A worse kind applies once it has held the pending period, and the engine is woken for it.
      const due = order[0] === 't1' ? null : T('11:01:20');
      expect(sim.engine.nextDeadline('s1')).toBe(due);
      sim.run(T('11:00:30'), T('11:10'));
      const inc = sim.engine.openIncidents()[0]!;
      expect(inc).toMatchObject({ kind: 'store_offline', severity: 'critical' });
      expect(inc.timeline.filter((e) => e.event === 'kind')).toEqual([{ at: iso(due ?? T('11:01:30')), event: 'kind', detail: 'store_offline' }]);
    }
  });

  it('treats agents coming back without a status as still out', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'offline', ALL);
    ALL.forEach((t) => sim.add({ type: 'agent', at: T('10:10'), storeId: 's1', tillId: t, online: true }));
    sim.run(T('09:00'), T('10:20'));
    expect(sim.of('incident.closed')).toEqual([]);
    sim.tills(T('10:21'), 'up', ALL);
    sim.run(T('10:20'), T('10:25'));
    expect(sim.incidents('incident.closed')[0]).toMatchObject({ endedAt: iso(T('10:21')) });
  });
});

describe('opening hours', () => {
  it('records a fault outside opening hours without making it an incident', () => {
    const sim = new Sim(config());
    sim.tills(T('06:00'), 'up', ALL).tills(T('07:00'), 'down', ['t1']).tills(T('08:00'), 'up', ['t1']);
    sim.run(T('06:00'), T('08:10'));
    expect(sim.of('incident.opened')).toEqual([]);
    expect(sim.of('fault.recorded')).toEqual([
      {
        type: 'fault.recorded',
        at: iso(T('08:02')),
        storeId: 's1',
        kind: 'till_down',
        tillIds: ['t1'],
        start: iso(T('07:00')),
        end: iso(T('08:00')),
        reason: 'outside_opening_hours',
      },
    ]);
  });

  it('records the worst a fault outside hours was, not how it ended', () => {
    const sim = new Sim(config());
    sim.tills(T('06:00'), 'up', ALL).tills(T('07:00'), 'down', ALL).tills(T('07:30'), 'up', ['t1', 't2', 't3']).tills(T('08:00'), 'up', ['t4']);
    sim.run(T('06:00'), T('08:10'));
    expect(sim.of('fault.recorded')).toEqual([expect.objectContaining({ kind: 'store_down', start: iso(T('07:00')), end: iso(T('08:00')) })]);
  });

  it('makes it an incident from opening time when it lasts until the store opens', () => {
    const sim = new Sim(config());
    sim.tills(T('06:00'), 'up', ALL).footfall(T('09:00'), T('10:00'), 2).tills(T('08:30'), 'down', ALL).tills(T('09:20'), 'up', ALL);
    sim.run(T('06:00'), T('09:30'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(sim.of('incident.opened')[0]!.at).toBe(iso(T('09:00')));
    expect(opened[0]).toMatchObject({ startedAt: iso(T('09:00')), kind: 'store_down' });
    expect(opened[0]!.flags).toContain('began_before_opening');
    expect(opened[0]!.timeline[0]).toEqual({ at: iso(T('08:30')), event: 'fault', detail: 'store_down' });
    // only the 20 open minutes count: 40 visitors × 0.25 × 40
    expect(sim.incidents('incident.closed')[0]!.lostRevenue.gross).toBe(400);
  });

  it('says a fault left from last night began before opening, not in maintenance, when none was planned', () => {
    const sim = new Sim(config());
    sim.tills(T('20:00'), 'up', ALL).tills(T('20:59:30'), 'down', ['t1']).tills(T('09:20', '2026-11-24'), 'up', ['t1']);
    sim.run(T('20:00'), T('09:30', '2026-11-24'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ startedAt: iso(T('09:00', '2026-11-24')) });
    expect(opened[0]!.flags).toContain('began_before_opening');
    expect(opened[0]!.flags).not.toContain('began_in_maintenance');
  });

  it('does not make an incident open at closing worse as staff shut the tills down for the night', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).tills(T('20:30'), 'down', ['t1']);
    sim.tills(T('21:15'), 'offline', ['t2', 't3']).tills(T('21:16'), 'offline', ['t4']).tills(T('21:16:05'), 'offline', ['t1']);
    sim.run(T('09:00'), T('21:30'));
    const all = sim.effects.flatMap((e) => ('incident' in e ? [e.incident] : []));
    expect(all.length).toBeGreaterThan(50);
    for (const inc of all) expect(inc).toMatchObject({ kind: 'till_down', severity: 'major', peakTills: 1 });
  });

  it('opens nothing on a listed holiday', () => {
    const sim = new Sim(config(store({ holidays: ['2026-11-23'] })));
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:00'), 'down', ALL).tills(T('11:00'), 'up', ALL);
    sim.run(T('09:00'), T('11:05'));
    expect(sim.of('incident.opened')).toEqual([]);
    expect(sim.of('fault.recorded')).toHaveLength(1);
  });
});

describe('maintenance windows', () => {
  const north = store({ groups: ['north'] });
  const weekly = { id: 'mw1', groups: ['north'], recurrence: { weekdays: ['mon' as const], hours: '10:00-11:00' } };

  it('suppresses a fault inside the window and records it', () => {
    const sim = new Sim(config(north, { maintenance: [weekly] }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:10'), 'down', ALL).tills(T('10:40'), 'up', ALL);
    sim.run(T('09:00'), T('10:50'));
    expect(sim.of('incident.opened')).toEqual([]);
    expect(sim.of('fault.recorded')[0]).toMatchObject({ reason: 'maintenance', start: iso(T('10:10')) });
  });

  it('opens an incident at the end of the window if the fault outlasts it', () => {
    const sim = new Sim(config(north, { maintenance: [weekly] }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:10'), 'down', ['t1']).tills(T('11:20'), 'up', ['t1']);
    sim.run(T('09:00'), T('11:30'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ startedAt: iso(T('11:00')) });
    expect(opened[0]!.flags).toContain('began_in_maintenance');
  });

  it('flags a fault held back by a window that began while it was pending as begun in maintenance, not before opening', () => {
    const sim = new Sim(config(north, { maintenance: [weekly], incidents: { pendingSec: 300, recoverSec: 120 } }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('09:58'), 'down', ['t1']).tills(T('11:20'), 'up', ['t1']);
    sim.run(T('09:00'), T('11:30'));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ startedAt: iso(T('11:00')) });
    expect(opened[0]!.flags).toContain('began_in_maintenance');
    expect(opened[0]!.flags).not.toContain('began_before_opening');
  });

  it('leaves stores outside its targets alone', () => {
    const sim = new Sim(config(store({ groups: ['south'] }), { maintenance: [weekly] }));
    sim.tills(T('09:00'), 'up', ALL).tills(T('10:10'), 'down', ['t1']);
    sim.run(T('09:00'), T('10:15'));
    expect(sim.incidents('incident.opened')).toHaveLength(1);
  });

  it('follows the store through a DST change', () => {
    // Madrid springs forward on Sunday 29 March 2026: 08:00–10:00 local is 06:00–08:00Z that day.
    const madrid = store({ timezone: 'Europe/Madrid', hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: '00:00-24:00' } });
    const sunday = { id: 'mw2', storeIds: ['s1'], recurrence: { weekdays: ['sun' as const], hours: '08:00-10:00' } };
    const sim = new Sim(config(madrid, { maintenance: [sunday] }));
    const d = '2026-03-29';
    sim.tills(T('05:00', d), 'up', ALL).tills(T('07:30', d), 'down', ALL).tills(T('08:30', d), 'up', ALL);
    sim.run(T('05:00', d), T('08:40', d));
    const opened = sim.incidents('incident.opened');
    expect(opened).toHaveLength(1);
    expect(sim.of('incident.opened')[0]!.at).toBe(iso(T('08:00', d)));
    expect(opened[0]!.startedAt).toBe(iso(T('08:00', d)));
  });
});

describe('store down', () => {
  /** Two tills fail `gapMs` apart, first `first`, and come back together 30 min later. */
  function outage(first: string, second: string, gapMs: number) {
    const sim = new Sim(config(store({ tills: ['t1', 't2'] })));
    sim.tills(T('09:00'), 'up', ['t1', 't2']).footfall(T('09:00'), T('11:00'), 8);
    sim.tills(T('10:00'), 'down', [first]).tills(T('10:00') + gapMs, 'down', [second]);
    sim.tills(T('10:30'), 'up', ['t1', 't2']);
    sim.run(T('09:00'), T('10:40'));
    return sim.incidents('incident.closed')[0]!;
  }

  it('charges the whole store as out while no till can sell, whichever failed first', () => {
    const together = outage('t1', 't2', 0);
    expect(together).toMatchObject({ kind: 'store_down', method: 'full' });
    for (const [first, second] of [['t1', 't2'], ['t2', 't1']] as const) {
      const apart = outage(first, second, 3);
      expect(apart).toMatchObject({ kind: 'store_down', method: 'full', startedAt: iso(T('10:00')) });
      expect(apart.lostRevenue.gross).toBeCloseTo(together.lostRevenue.gross, 0);
    }
  });
});

describe('a store removed from the fleet', () => {
  it('closes its open incident then and there, saying why, and forgets the store', () => {
    const sim = new Sim(config());
    // The server drops the store from the engine's config right after, so nothing of it arrives later.
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('10:20'), 2).tills(T('10:00'), 'down', ALL);
    sim.add({ type: 'store_removed', at: T('10:20'), storeId: 's1' });
    sim.run(T('09:00'), T('10:30'));
    const closed = sim.incidents('incident.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ kind: 'store_down', status: 'closed', startedAt: iso(T('10:00')), endedAt: iso(T('10:20')) });
    expect(closed[0]!.timeline.at(-1)).toMatchObject({ event: 'closed', detail: 'store removed from the fleet' });
    // Final as it closes: nothing of the store will come to settle it.
    expect(closed[0]!.final).toBe(true);
    // 20 minutes of 2 visitors, every one lost at 0.25 × 40
    expect(closed[0]!.lostRevenue.gross).toBe(400);
    expect(sim.engine.openIncidents()).toEqual([]);
    expect(sim.engine.snapshot().stores.s1).toBeUndefined();
  });

  it('makes final what it had closed and left settling, as it stands: nothing of the store will come to settle it', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('10:40'), 2).tills(T('10:00'), 'down', ALL).tills(T('10:20'), 'up', ALL);
    sim.add({ type: 'store_removed', at: T('10:40'), storeId: 's1' });
    sim.run(T('09:00'), T('10:45'));
    const closed = sim.incidents('incident.closed')[0]!;
    const final = sim.last();
    expect(final).toMatchObject({ id: closed.id, final: true, lostRevenue: closed.lostRevenue, updatedAt: iso(T('10:40')) });
    expect(final.timeline.at(-1)).toMatchObject({ event: 'settled', detail: 'store removed from the fleet' });
  });

  it('closes the incident of a store dropped from the config while the server was down, from its saved state', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL).footfall(T('09:00'), T('10:20'), 2).tills(T('10:00'), 'down', ALL);
    sim.run(T('09:00'), T('10:20:30'));
    const saved = sim.engine.openIncidents()[0]!;
    const restarted = new IncidentEngine(config(store(), { stores: {} }), JSON.parse(JSON.stringify(sim.engine.snapshot())) as EngineState);
    const effects = restarted.apply({ type: 'store_removed', at: T('11:00'), storeId: 's1' });
    expect(effects.map((e) => e.type)).toEqual(['incident.closed']);
    const closed = 'incident' in effects[0]! ? effects[0].incident : null;
    // It ends where its figures were last made: the store's hours and rates are gone with its config.
    expect(closed).toMatchObject({ id: saved.id, status: 'closed', endedAt: iso(T('10:20')), recoveringSince: null, lostRevenue: saved.lostRevenue, final: true });
    expect(closed!.lostRevenue.gross).toBe(400);
    expect(closed!.timeline.at(-1)).toMatchObject({ event: 'closed', detail: 'store removed from the fleet' });
    expect(restarted.openIncidents()).toEqual([]);
    expect(restarted.snapshot().stores.s1).toBeUndefined();
  });

  it('has nothing to close for a store without an incident', () => {
    const sim = new Sim(config());
    sim.tills(T('09:00'), 'up', ALL);
    sim.add({ type: 'store_removed', at: T('09:30'), storeId: 's1' });
    expect(sim.run(T('09:00'), T('09:40')).filter((e) => e.type !== 'incident.updated')).toEqual([]);
  });
});

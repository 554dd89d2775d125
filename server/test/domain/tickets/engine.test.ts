import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine, emptyTicketsState, ticketIdFor, type TicketContext, type TicketsState } from '../../../src/domain/tickets/engine.js';
import type { TicketIncident } from '../../../src/domain/tickets/incident.js';
import type { StoreConfig } from '../../../src/domain/store.js';
import { ticketSla, ticketSummary } from '../../../src/domain/tickets/sla-view.js';
import { DEFAULT_PRIORITY_MATRIX, type PriorityRule } from '../../../src/domain/tickets/priority.js';
import { toProvider } from '../../../src/domain/sla/providers.js';
import { H, M, at, pilot, pilotConfig, store } from './fixtures.js';

// Tuesday 2026-11-10, Madrid (UTC+1): the store is open 09:00Z-21:00Z.
/** The stores stay a Map the tests can drop a store from, as a config reload does. */
type Ctx = TicketContext & { stores: Map<string, StoreConfig> };
const ctx = (over: Partial<Ctx> = {}): Ctx => ({
  stores: new Map([
    ['S001', store()],
    ['S777', store({ id: 'S777', city: 'Bilbao' })],
  ]),
  providers: [pilot()],
  config: DEFAULT_TICKETS_CONFIG,
  ...over,
});

const tillDown = (over: Partial<TicketIncident> = {}): TicketIncident => ({
  id: 'S001:till_down:T1:1',
  storeId: 'S001',
  kind: 'till_down',
  tillIds: ['T1'],
  startedAt: '2026-11-10T09:58:00Z',
  components: { pos: { state: 'error', detail: 'POS app not responding' } },
  visitors: 12,
  lostRevenue: { gross: 40, net: 30, low: 20, high: 50, currency: 'EUR' },
  ...over,
});

const paperLow = (over: Partial<TicketIncident> = {}): TicketIncident => ({
  id: 'S001:till_degraded:T2:1',
  storeId: 'S001',
  kind: 'till_degraded',
  tillIds: ['T2'],
  startedAt: '2026-11-10T10:00:00Z',
  components: { printer: { state: 'paper_low' } },
  ...over,
});

function opened(engine = new TicketEngine(ctx())) {
  const r = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown() });
  const id = ticketIdFor(tillDown().id);
  return { engine, r, id, t: () => engine.state.tickets[id]! };
}

const tick = (engine: TicketEngine, iso: string) => engine.apply({ type: 'tick', at: at(iso) }).effects;
const kinds = (effects: { type: string; detail: object }[]) => effects.map((e) => [e.type, e.detail]);

describe('auto-ticketing', () => {
  it('opens one P2 ticket for a till down, routed, with the incident evidence', () => {
    const { r, t } = opened();
    expect(r.rejection).toBeNull();
    expect(r.effects.map((e) => [e.type, e.notify])).toEqual([['ticket.opened', true]]);
    expect(t()).toMatchObject({
      storeId: 'S001',
      tillIds: ['T1'],
      category: 'pos',
      priority: 'P2',
      providerId: 'pilot',
      status: 'open',
      startedAt: '2026-11-10T09:58:00.000Z',
      openedAt: '2026-11-10T10:00:00.000Z',
      visitors: 12,
      components: { pos: { state: 'error', detail: 'POS app not responding' } },
      sla: { clock: 'store_hours', goalsMs: { response: H, onSite: 8 * H, resolve: 24 * H } },
    });
    expect(t().audit).toEqual([
      { at: '2026-11-10T10:00:00.000Z', actor: { role: 'system', id: 'storepulse' }, from: null, to: 'open', reason: 'incident', note: null },
    ]);
  });

  it('stays one ticket across duplicate events and a restart from persisted state', () => {
    const { engine, id } = opened();
    const again = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:05Z'), incident: tillDown() });
    expect(again.effects.map((e) => [e.type, e.notify])).toEqual([['ticket.updated', false]]);

    const restored = new TicketEngine(ctx(), JSON.parse(JSON.stringify(engine.state)) as TicketsState);
    const replay = restored.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: tillDown() });
    expect(replay.effects.some((e) => e.type === 'ticket.opened')).toBe(false);
    expect(Object.keys(restored.state.tickets)).toEqual([id]);
    expect(restored.ticketForIncident(tillDown().id)?.id).toBe(id);
  });

  it('keeps live figures up to date without a webhook for each refresh', () => {
    const { engine, t } = opened();
    const lost = { gross: 90, net: 70, low: 50, high: 110, currency: 'EUR' };
    const r = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: tillDown({ visitors: 30, lostRevenue: lost }) });
    expect(r.effects.map((e) => [e.type, e.notify])).toEqual([['ticket.updated', false]]);
    expect(t()).toMatchObject({ visitors: 30, lostRevenue: lost, updatedAt: '2026-11-10T10:05:00.000Z' });
  });

  it('raises the priority when more tills go down, and takes that priority’s targets', () => {
    const { engine, t } = opened();
    const r = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: tillDown({ tillIds: ['T1', 'T2'] }) });
    expect(kinds(r.effects)).toEqual([['ticket.updated', { change: 'priority' }]]);
    expect(t()).toMatchObject({ priority: 'P1', sla: { clock: '24x7', goalsMs: { response: 15 * M } } });
    // It never drops back on its own.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:06:00Z'), incident: tillDown() });
    expect(t().priority).toBe('P1');
  });

  it('keeps the verdict of a target met before the raise; the running ones take the new goals from the opening', () => {
    const { engine, id, t } = opened();
    // Acknowledged at 10:30, in time for P2's hour; a second till fails at 10:40 (P1: 15 minutes to respond).
    engine.apply({ type: 'transition', at: at('2026-11-10T10:30:00Z'), ticketId: id, actor: { role: 'provider', id: 'pilot' }, to: 'acknowledged' });
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:40:00Z'), incident: tillDown({ tillIds: ['T1', 'T2'] }) });
    expect(t().priority).toBe('P1');
    const sla = ticketSla(t(), store(), at('2026-11-10T10:41:00Z'));
    expect(sla.targets.response).toMatchObject({ goalMs: H, percent: 50, stopped: true, breached: false });
    expect(sla.targets.onSite).toMatchObject({ goalMs: 4 * H, dueAt: '2026-11-10T14:00:00.000Z', stopped: false });
    expect(sla.breached).toBe(false);
    expect(tick(engine, '2026-11-10T12:00:00Z').map((e) => [e.type, e.detail])).toEqual([['sla.warning', { target: 'onSite', percent: 50 }]]);
    // A restart keeps the verdict.
    const restored = new TicketEngine(ctx(), JSON.parse(JSON.stringify(engine.state)) as TicketsState);
    expect(ticketSla(restored.state.tickets[id]!, store(), at('2026-11-10T12:00:00Z')).targets.response?.breached).toBe(false);
  });

  it('puts a ticket nobody covers in the unassigned queue, without SLA', () => {
    const engine = new TicketEngine(ctx());
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown({ id: 'x1', storeId: 'S777' }) });
    const t = engine.ticketForIncident('x1')!;
    expect(t).toMatchObject({ providerId: null, sla: null, wakeAt: null });
    expect(ticketSla(t, store(), at('2026-11-10T12:00:00Z'))).toMatchObject({ clock: null, responseDueAt: null, breached: false });
  });

  it('opens nothing for a suppressed incident', () => {
    const engine = new TicketEngine(ctx());
    const r = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown({ suppressed: true }) });
    expect(r).toEqual({ effects: [], rejection: null });
    expect(engine.state.tickets).toEqual({});
  });

  it('rejects a malformed incident or an unknown store clearly, changing nothing', () => {
    const engine = new TicketEngine(ctx());
    const bad = engine.apply({ type: 'incident.opened', at: 0, incident: { ...tillDown(), startedAt: 'yesterday' } });
    expect(bad.rejection).toEqual({ code: 'bad_incident', message: 'incident.startedAt must be an ISO time' });
    const none = engine.apply({ type: 'incident.opened', at: 0, incident: undefined as unknown as TicketIncident });
    expect(none.rejection?.code).toBe('bad_incident');
    const unknown = engine.apply({ type: 'incident.opened', at: 0, incident: tillDown({ storeId: 'S404' }) });
    expect(unknown.rejection).toEqual({ code: 'unknown_store', message: 'store S404 is not configured' });
    expect(engine.state).toEqual(emptyTicketsState());
  });
});

describe('a store offline: its loss is not counted yet', () => {
  const offline = (over: Partial<TicketIncident> = {}): TicketIncident => ({
    id: 'S001:store_offline:1',
    storeId: 'S001',
    kind: 'store_offline',
    tillIds: ['T1', 'T2'],
    startedAt: '2026-11-10T09:58:00Z',
    visitors: 80,
    lostRevenue: { gross: 0, net: 0, low: 0, high: 900, currency: 'EUR' },
    flags: ['capacity_assumed'],
    ...over,
  });
  const openOffline = () => {
    const engine = new TicketEngine(ctx());
    const r = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: offline() });
    return { engine, r, t: () => engine.ticketForIncident(offline().id)! };
  };

  it('marks the ticket’s loss uncounted, with the bound, in the ticket and its effect', () => {
    const { r, t } = openOffline();
    expect(t().lostRevenue).toEqual({ gross: 0, net: 0, low: 0, high: 900, currency: 'EUR', uncounted: true });
    expect(r.effects[0]!.ticket.lostRevenue).toMatchObject({ uncounted: true, high: 900 });
    // The summary (the tickets list) carries it too.
    expect(ticketSummary(t(), store(), at('2026-11-10T10:00:00Z')).lostRevenue).toMatchObject({ uncounted: true });
  });

  it('clears the mark once the tills’ sales are counted', () => {
    const { engine, t } = openOffline();
    expect(t().lostRevenue?.uncounted).toBe(true);
    const counted = { gross: 120, net: 100, low: 80, high: 400, currency: 'EUR' };
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: offline({ lostRevenue: counted, flags: [] }) });
    expect(t().lostRevenue).toEqual(counted);
  });

  it('clears the mark when the incident ends, even with nothing counted', () => {
    const { engine, t } = openOffline();
    expect(t().lostRevenue?.uncounted).toBe(true);
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:30:00Z'), incident: offline({ endedAt: '2026-11-10T10:29:00Z' }) });
    expect(t().lostRevenue).toEqual({ gross: 0, net: 0, low: 0, high: 900, currency: 'EUR' });
    expect(t().lostRevenue).not.toHaveProperty('uncounted');
  });

  it('marks only a 0 with nothing counted and a bound: not a measured 0, nor one without a bound', () => {
    const marked = (over: Partial<TicketIncident>) => {
      const engine = new TicketEngine(ctx());
      engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: offline(over) });
      return engine.ticketForIncident(offline().id)!.lostRevenue?.uncounted === true;
    };
    expect(marked({})).toBe(true);
    expect(marked({ flags: [] })).toBe(false);
    expect(marked({ lostRevenue: { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' } })).toBe(false);
    expect(marked({ lostRevenue: { gross: 10, net: 10, low: 0, high: 900, currency: 'EUR' } })).toBe(false);
  });
});

describe('P3 self-fix grace', () => {
  it('opens no ticket when staff fix it within the grace', () => {
    const engine = new TicketEngine(ctx());
    expect(engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: paperLow() }).effects).toEqual([]);
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:10:00Z'), incident: paperLow({ endedAt: '2026-11-10T10:09:00Z' }) });
    expect(tick(engine, '2026-11-10T10:30:00Z')).toEqual([]);
    expect(engine.state).toEqual(emptyTicketsState());
  });

  it('opens at once when the fault turns worse during the grace', () => {
    const engine = new TicketEngine(ctx());
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: paperLow() });
    const worse = paperLow({ kind: 'till_down', components: { printer: { state: 'paper_low' }, pos: { state: 'error' } } });
    const r = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:03:00Z'), incident: worse });
    expect(r.effects.map((e) => [e.type, e.ticket.priority, e.ticket.category])).toEqual([['ticket.opened', 'P2', 'pos']]);
    expect(engine.state.pending).toEqual({});
  });

  it('opens the ticket when the grace runs out', () => {
    const engine = new TicketEngine(ctx());
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: paperLow() });
    expect(tick(engine, '2026-11-10T10:14:59Z')).toEqual([]);
    const effects = tick(engine, '2026-11-10T10:15:00Z');
    expect(effects.map((e) => e.type)).toEqual(['ticket.opened']);
    expect(effects[0]!.ticket).toMatchObject({ priority: 'P3', category: 'printer', openedAt: '2026-11-10T10:15:00.000Z' });
  });

  it('records the recovery of a ticket opened as its fault began to recover, from the opening', () => {
    const engine = new TicketEngine(ctx());
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: paperLow() });
    tick(engine, '2026-11-10T10:15:00Z');
    // Back at 10:14, just before the grace ran out; the incident holds it two minutes before it closes.
    const r = engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:16:00Z'), incident: paperLow({ endedAt: '2026-11-10T10:14:00Z' }) });
    expect(kinds(r.effects)).toEqual([['ticket.updated', { change: 'recovered' }]]);
    expect(engine.ticketForIncident(paperLow().id)).toMatchObject({ recoveredAt: '2026-11-10T10:15:00.000Z', autoCloseAt: '2026-11-10T10:46:00.000Z' });
  });
});

describe('a fault whose category sets its priority, once its tills recover', () => {
  // Paper out stops the till, but it is the printer's: P3, for store staff first.
  const matrix: PriorityRule[] = [{ priority: 'P3', categories: ['printer'] }, ...DEFAULT_PRIORITY_MATRIX];
  const engine = () => new TicketEngine(ctx({ config: { ...DEFAULT_TICKETS_CONFIG, priorityMatrix: matrix } }));
  const parts = (printer: string) => ({ pos: { state: 'ok' }, printer: { state: printer }, payment: { state: 'ok' }, network: { state: 'ok' } });
  const paperOut = tillDown({ id: 'S001:till_down:T1:paper', components: parts('paper_out'), failing: ['T1 still reports printer paper_out'] });
  const recovering = { ...paperOut, components: parts('ok'), failing: [] };

  it('opens no ticket for it while it is fixed within the grace', () => {
    const e = engine();
    e.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut });
    expect(e.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: recovering }).effects).toEqual([]);
    e.apply({ type: 'incident.closed', at: at('2026-11-10T10:07:00Z'), incident: { ...recovering, endedAt: '2026-11-10T10:05:00Z' } });
    expect(tick(e, '2026-11-10T10:30:00Z')).toEqual([]);
    expect(e.state.tickets).toEqual({});
  });

  it('keeps its ticket at P3 as it recovers', () => {
    const e = engine();
    e.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut });
    expect(tick(e, '2026-11-10T10:13:00Z').map((x) => [x.type, x.ticket.priority, x.ticket.category])).toEqual([['ticket.opened', 'P3', 'printer']]);
    const r = e.apply({ type: 'incident.updated', at: at('2026-11-10T10:20:00Z'), incident: recovering });
    expect(r.effects.map((x) => [x.type, x.notify, x.ticket.priority])).toEqual([['ticket.updated', false, 'P3']]);
  });
});

describe('SLA warnings, breach and escalation over time', () => {
  it('fires 50 %, 75 % and the breach once each, and escalates an unacknowledged ticket', () => {
    const { engine, t } = opened();
    expect(t().wakeAt).toBe(at('2026-11-10T10:15:00Z'));
    expect(tick(engine, '2026-11-10T10:14:00Z')).toEqual([]);
    expect(kinds(tick(engine, '2026-11-10T10:15:00Z'))).toEqual([['ticket.escalated', { step: 0, notify: 'duty-manager@pilot.example' }]]);
    expect(kinds(tick(engine, '2026-11-10T10:30:00Z'))).toEqual([['sla.warning', { target: 'response', percent: 50 }]]);
    expect(kinds(tick(engine, '2026-11-10T10:45:00Z'))).toEqual([['sla.warning', { target: 'response', percent: 75 }]]);
    expect(kinds(tick(engine, '2026-11-10T11:00:00Z'))).toEqual([['sla.breached', { target: 'response' }]]);
    expect(tick(engine, '2026-11-10T11:00:10Z')).toEqual([]);
    expect(ticketSla(t(), store(), at('2026-11-10T11:30:00Z'))).toMatchObject({
      responseDueAt: '2026-11-10T11:00:00.000Z',
      onSiteDueAt: '2026-11-10T18:00:00.000Z',
      breached: true,
      paused: false,
      targets: { response: { elapsedMs: 1.5 * H, remainingMs: -0.5 * H, breached: true, stopped: false } },
    });
  });

  it('sends a late server every missed threshold once, not a burst', () => {
    const { engine } = opened();
    const effects = tick(engine, '2026-11-10T12:00:00Z');
    expect(kinds(effects)).toEqual([
      ['sla.warning', { target: 'response', percent: 50 }],
      ['sla.warning', { target: 'response', percent: 75 }],
      ['sla.breached', { target: 'response' }],
      ['ticket.escalated', { step: 0, notify: 'duty-manager@pilot.example' }],
    ]);
  });

  it('repeats an escalation step until the ticket is acknowledged', () => {
    const repeating = toProvider({ ...pilotConfig, escalation: [{ after: '15m', notify: 'a@pilot.example' }, { after: '30m', notify: 'b@pilot.example', repeat: '30m' }] });
    const { engine, id } = opened(new TicketEngine(ctx({ providers: [repeating] })));
    expect(tick(engine, '2026-11-10T10:15:00Z').filter((e) => e.type === 'ticket.escalated').map((e) => e.detail.notify)).toEqual(['a@pilot.example']);
    expect(tick(engine, '2026-11-10T10:30:00Z').filter((e) => e.type === 'ticket.escalated').map((e) => e.detail.notify)).toEqual(['b@pilot.example']);
    expect(tick(engine, '2026-11-10T11:00:00Z').filter((e) => e.type === 'ticket.escalated').map((e) => e.detail.notify)).toEqual(['b@pilot.example']);
    engine.apply({ type: 'transition', at: at('2026-11-10T11:10:00Z'), ticketId: id, actor: { role: 'provider', id: 'pilot' }, to: 'acknowledged' });
    expect(tick(engine, '2026-11-10T11:30:00Z').filter((e) => e.type === 'ticket.escalated')).toEqual([]);
  });

  it('escalates a reopened ticket, or one whose fault came back, afresh from then', () => {
    const { engine, t } = opened();
    const incident = (n: number, over: Partial<TicketIncident>) => tillDown({ id: `S001:till_down:T1:${n}`, ...over });
    const recover = (n: number, iso: string) => engine.apply({ type: 'incident.closed', at: at(iso), incident: incident(n, { endedAt: iso }) });
    const recur = (n: number, iso: string) => engine.apply({ type: 'incident.opened', at: at(iso), incident: incident(n, { startedAt: iso }) });
    const escalated = (iso: string) => tick(engine, iso).filter((e) => e.type === 'ticket.escalated').length;
    expect(escalated('2026-11-10T10:15:00Z')).toBe(1);
    // Back at 10:40, before it closed itself: nobody has been late to acknowledge it since.
    recover(1, '2026-11-10T10:20:00Z');
    recur(2, '2026-11-10T10:40:00Z');
    expect(escalated('2026-11-10T10:40:10Z')).toBe(0);
    expect(escalated('2026-11-10T10:55:00Z')).toBe(1);
    // Closed by itself, reopened hours later.
    recover(2, '2026-11-10T11:00:00Z');
    tick(engine, '2026-11-10T11:30:00Z');
    expect(t().status).toBe('closed');
    recur(3, '2026-11-10T14:00:00Z');
    expect(escalated('2026-11-10T14:00:10Z')).toBe(0);
    expect(escalated('2026-11-10T14:15:00Z')).toBe(1);
  });

  it('stops the clock while waiting for the store and moves the due times by the pause', () => {
    const { engine, id, t } = opened();
    const provider = { role: 'provider' as const, id: 'pilot' };
    engine.apply({ type: 'transition', at: at('2026-11-10T10:10:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:20:00Z'), ticketId: id, actor: provider, to: 'waiting_store', note: 'need the back office key' });
    expect(ticketSla(t(), store(), at('2026-11-10T12:00:00Z'))).toMatchObject({
      paused: true,
      targets: { onSite: { elapsedMs: 20 * M, paused: true }, response: { stopped: true, breached: false, elapsedMs: 10 * M } },
    });
    expect(tick(engine, '2026-11-10T14:00:00Z')).toEqual([]); // would be the on-site 50 % mark without the pause
    engine.apply({ type: 'transition', at: at('2026-11-10T12:20:00Z'), ticketId: id, actor: { role: 'store', id: 'S001' }, to: 'acknowledged' });
    const sla = ticketSla(t(), store(), at('2026-11-10T12:20:00Z'));
    expect(sla).toMatchObject({ paused: false, onSiteDueAt: '2026-11-10T20:00:00.000Z', resolveDueAt: '2026-11-12T12:00:00.000Z' });
    expect(t().pauses).toEqual([{ start: '2026-11-10T10:20:00.000Z', end: '2026-11-10T12:20:00.000Z' }]);
  });
});

describe('lifecycle by people', () => {
  it('records who, when, from, to and why, with an optional on-site location', () => {
    const { engine, id, t } = opened();
    const provider = { role: 'provider' as const, id: 'pilot' };
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    const loc = { lat: 40.42, lon: -3.705, accuracyM: 12 };
    engine.apply({ type: 'transition', at: at('2026-11-10T11:00:00Z'), ticketId: id, actor: provider, to: 'on_site', location: loc });
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T11:30:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'hardware_replaced', note: 'new PSU' });
    expect(kinds(r.effects)).toEqual([['ticket.updated', { change: 'status' }]]);
    expect(t()).toMatchObject({ status: 'resolved', acknowledgedAt: '2026-11-10T10:05:00.000Z', onSiteAt: '2026-11-10T11:00:00.000Z', resolvedAt: '2026-11-10T11:30:00.000Z', onSiteLocation: loc });
    expect(t().audit.slice(1)).toEqual([
      { at: '2026-11-10T10:05:00.000Z', actor: provider, from: 'open', to: 'acknowledged', reason: null, note: null },
      { at: '2026-11-10T11:00:00.000Z', actor: provider, from: 'acknowledged', to: 'on_site', reason: null, note: null, location: loc },
      { at: '2026-11-10T11:30:00.000Z', actor: provider, from: 'on_site', to: 'resolved', reason: 'hardware_replaced', note: 'new PSU' },
    ]);
    expect(ticketSla(t(), store(), at('2026-11-12T00:00:00Z'))).toMatchObject({ breached: false, targets: { resolve: { stopped: true, elapsedMs: 1.5 * H } } });
    const hqClose = engine.apply({ type: 'transition', at: at('2026-11-10T12:00:00Z'), ticketId: id, actor: { role: 'hq', id: 'ana' }, to: 'closed' });
    expect(hqClose.effects.map((e) => e.type)).toEqual(['ticket.closed']);
  });

  it('refuses an invalid transition with the allowed ones, changing nothing', () => {
    const { engine, id, t } = opened();
    const before = structuredClone(t());
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: { role: 'provider', id: 'pilot' }, to: 'closed' });
    expect(r.effects).toEqual([]);
    expect(r.rejection?.code).toBe('invalid_transition');
    expect(r.rejection?.allowed?.map((a) => a.to)).toEqual(['acknowledged', 'waiting_store', 'on_site', 'resolved']);
    expect(t()).toEqual(before);
  });

  it("hides another provider's ticket from a provider", () => {
    const { engine, id, t } = opened();
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: { role: 'provider', id: 'rival' }, to: 'acknowledged' });
    expect(r.rejection).toEqual({ code: 'not_found', message: `ticket ${id} not found` });
    expect(t().status).toBe('open');
    expect(engine.apply({ type: 'transition', at: 0, ticketId: 'T-nope', actor: { role: 'hq', id: 'ana' }, to: 'closed' }).rejection?.code).toBe('not_found');
    const otherStore = engine.apply({ type: 'transition', at: 0, ticketId: id, actor: { role: 'store', id: 'S002' }, to: 'resolved', reason: 'staff_fixed' });
    expect(otherStore.rejection?.code).toBe('not_found');
  });

  it('lets HQ cancel a false alarm, which ends the ticket for good', () => {
    const { engine, id, t } = opened();
    const hq = { role: 'hq' as const, id: 'ana' };
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: hq, to: 'cancelled', reason: 'false_alarm' });
    expect(r.effects.map((e) => e.type)).toEqual(['ticket.closed']);
    expect(t()).toMatchObject({ status: 'cancelled', cancelledAt: '2026-11-10T10:05:00.000Z', wakeAt: null });
    expect(engine.apply({ type: 'transition', at: at('2026-11-10T10:06:00Z'), ticketId: id, actor: hq, to: 'open' }).rejection?.allowed).toEqual([]);
  });
});

describe('recovery, auto-close and reopening', () => {
  const recover = (engine: TicketEngine, iso: string) =>
    engine.apply({ type: 'incident.closed', at: at(iso), incident: tillDown({ endedAt: iso }) });

  it('proposes resolution on recovery and closes after the quiet period', () => {
    const { engine, t } = opened();
    expect(kinds(recover(engine, '2026-11-10T11:00:00Z').effects)).toEqual([['ticket.updated', { change: 'recovered' }]]);
    expect(t()).toMatchObject({ recoveredAt: '2026-11-10T11:00:00.000Z', resolutionProposedAt: '2026-11-10T11:00:00.000Z' });
    expect(tick(engine, '2026-11-10T11:29:00Z').map((e) => e.type)).not.toContain('ticket.closed');
    expect(tick(engine, '2026-11-10T11:30:00Z').map((e) => e.type)).toEqual(['ticket.closed']);
    expect(t()).toMatchObject({ status: 'closed', closedAt: '2026-11-10T11:30:00.000Z', wakeAt: null });
    expect(t().audit.at(-1)).toEqual({ at: '2026-11-10T11:30:00.000Z', actor: { role: 'system', id: 'storepulse' }, from: 'open', to: 'closed', reason: 'recovered', note: null });
  });

  it('does not auto-close while the provider works on it; their resolution restarts the quiet period', () => {
    const { engine, id, t } = opened();
    const provider = { role: 'provider' as const, id: 'pilot' };
    recover(engine, '2026-11-10T11:00:00Z');
    engine.apply({ type: 'transition', at: at('2026-11-10T11:10:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    expect(tick(engine, '2026-11-10T11:45:00Z').map((e) => e.type)).not.toContain('ticket.closed');
    engine.apply({ type: 'transition', at: at('2026-11-10T11:50:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix' });
    expect(tick(engine, '2026-11-10T12:19:00Z').map((e) => e.type)).not.toContain('ticket.closed');
    expect(tick(engine, '2026-11-10T12:20:00Z').map((e) => e.type)).toEqual(['ticket.closed']);
    expect(t().status).toBe('closed');
  });

  it('reopens the same ticket when the fault recurs within the window, without counting the closed time', () => {
    const { engine, id, t } = opened();
    recover(engine, '2026-11-10T11:00:00Z');
    tick(engine, '2026-11-10T11:30:00Z');
    const again = tillDown({ id: 'S001:till_down:T1:2', startedAt: '2026-11-10T12:00:00Z' });
    const r = engine.apply({ type: 'incident.opened', at: at('2026-11-10T12:01:00Z'), incident: again });
    expect(kinds(r.effects)).toEqual([['ticket.updated', { change: 'reopened' }]]);
    expect(Object.keys(engine.state.tickets)).toEqual([id]);
    expect(t()).toMatchObject({ status: 'open', closedAt: null, incidentIds: [tillDown().id, again.id] });
    expect(t().audit.at(-1)).toMatchObject({ actor: { role: 'system' }, from: 'closed', to: 'open', reason: 'recurred' });
    // 1 h counted until it recovered at 11:00 (its clocks stop there, not at the auto-close at 11:30), then 1 h since
    // the reopening at 12:01: the gap is not counted.
    expect(ticketSla(t(), store(), at('2026-11-10T13:01:00Z')).targets.resolve?.elapsedMs).toBe(2 * H);
    // A replay of the first incident's close must not mark the reopened ticket recovered.
    recover(engine, '2026-11-10T12:02:00Z');
    expect(t().recoveredAt).toBeNull();
  });

  it('reopens a ticket resolved by hand and closed later without counting the time it stood resolved', () => {
    const { engine, id, t } = opened();
    const provider = { role: 'provider' as const, id: 'pilot' };
    engine.apply({ type: 'transition', at: at('2026-11-10T10:30:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    engine.apply({ type: 'transition', at: at('2026-11-10T11:00:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix' });
    engine.apply({ type: 'transition', at: at('2026-11-10T16:00:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'closed' });
    expect(t()).toMatchObject({ status: 'closed', resolvedAt: '2026-11-10T11:00:00.000Z', closedAt: '2026-11-10T16:00:00.000Z' });
    const again = tillDown({ id: 'S001:till_down:T1:2', startedAt: '2026-11-10T17:00:00Z' });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T17:00:00Z'), incident: again });
    expect(t().status).toBe('open');
    // 1 h until it was resolved at 11:00, then 1 h since the reopening at 17:00: resolved to closed is not the provider's.
    expect(ticketSla(t(), store(), at('2026-11-10T18:00:00Z')).targets.resolve?.elapsedMs).toBe(2 * H);
  });

  it('records the recovery, not a raise, when the store\'s tills were cut during the incident', () => {
    const stores = new Map([['S001', store()]]);
    const { engine, t } = opened(new TicketEngine(ctx({ stores })));
    // One till of two is half the store: P1 by the matrix, were it judged now.
    stores.set('S001', store({ tills: ['T1', 'T2'] }));
    const r = recover(engine, '2026-11-10T10:30:00Z');
    expect(kinds(r.effects)).toEqual([['ticket.updated', { change: 'recovered' }]]);
    expect(t()).toMatchObject({ priority: 'P2', recoveredAt: '2026-11-10T10:30:00.000Z', autoCloseAt: '2026-11-10T11:00:00.000Z' });
    expect(tick(engine, '2026-11-10T11:00:00Z').map((e) => e.type)).toEqual(['ticket.closed']);
  });

  it('keeps a ticket HQ reopened open when the incident\'s final figures arrive later with the same end', () => {
    const { engine, id, t } = opened();
    recover(engine, '2026-11-10T11:00:00Z');
    tick(engine, '2026-11-10T11:30:00Z');
    engine.apply({ type: 'transition', at: at('2026-11-10T11:40:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'open', note: 'still jams' });
    // The incident engine's last word on the loss, an hour after the end it already reported.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T12:05:00Z'), incident: tillDown({ endedAt: '2026-11-10T11:00:00Z' }) });
    expect(t()).toMatchObject({ status: 'open', recoveredAt: null, resolutionProposedAt: null });
    expect(tick(engine, '2026-11-10T13:00:00Z').map((e) => e.type)).not.toContain('ticket.closed');
  });

  it('raises the priority when a recurrence spreads to more tills', () => {
    const { engine, t } = opened();
    recover(engine, '2026-11-10T11:00:00Z');
    const worse = tillDown({ id: 'S001:till_down:T1:2', startedAt: '2026-11-10T11:05:00Z' });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T11:05:00Z'), incident: worse });
    expect(t().priority).toBe('P2');
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T11:06:00Z'), incident: { ...worse, tillIds: ['T1', 'T2', 'T3'] } });
    expect(t()).toMatchObject({ priority: 'P1', sla: { clock: '24x7' } });
  });

  it('keeps an active ticket going when the fault recurs before it closes', () => {
    const { engine, t } = opened();
    recover(engine, '2026-11-10T11:00:00Z');
    const again = tillDown({ id: 'S001:till_down:T1:2', startedAt: '2026-11-10T11:05:00Z' });
    expect(kinds(engine.apply({ type: 'incident.opened', at: at('2026-11-10T11:05:00Z'), incident: again }).effects)).toEqual([['ticket.updated', { change: 'recurred' }]]);
    expect(t()).toMatchObject({ status: 'open', recoveredAt: null, resolutionProposedAt: null });
    expect(tick(engine, '2026-11-10T11:40:00Z').map((e) => e.type)).not.toContain('ticket.closed');
  });

  it('opens a new ticket when the fault recurs after the window, and prunes the old one later', () => {
    const { engine, id } = opened();
    recover(engine, '2026-11-10T11:00:00Z');
    tick(engine, '2026-11-10T11:30:00Z');
    const later = tillDown({ id: 'S001:till_down:T1:3', startedAt: '2026-11-12T10:00:00Z' });
    const r = engine.apply({ type: 'incident.opened', at: at('2026-11-12T10:00:00Z'), incident: later });
    expect(r.effects.map((e) => e.type)).toEqual(['ticket.opened']);
    expect(r.effects[0]!.ticket.id).not.toBe(id);
    expect(engine.prune(at('2026-11-12T10:00:00Z')).map((x) => x.id)).toEqual([id]);
    expect(engine.state.byIncident[tillDown().id]).toBeUndefined();
    expect(Object.keys(engine.state.tickets)).toEqual([r.effects[0]!.ticket.id]);
  });
});

describe('a ticket HQ cancelled while its incident runs', () => {
  it('stays live past the reopen window while the incident runs, so its updates do not open it afresh; goes once it ends', () => {
    const { engine, id } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'cancelled', reason: 'false_alarm' });
    expect(engine.prune(at('2026-11-11T10:06:00Z'))).toEqual([]);
    const r = engine.apply({ type: 'incident.updated', at: at('2026-11-11T10:07:00Z'), incident: tillDown() });
    expect(r.effects.map((e) => [e.type, e.notify, e.ticket.id, e.ticket.status])).toEqual([['ticket.updated', false, id, 'cancelled']]);
    engine.apply({ type: 'incident.closed', at: at('2026-11-11T11:00:00Z'), incident: tillDown({ endedAt: '2026-11-11T10:58:00Z' }) });
    expect(engine.prune(at('2026-11-11T11:01:00Z')).map((t) => t.id)).toEqual([id]);
    expect(engine.state).toMatchObject({ tickets: {}, byIncident: {}, runningIncidents: {} });
  });
});

describe('ticketSummary', () => {
  it('has the list shape of the API', () => {
    const { t } = opened();
    const s = ticketSummary(t(), store(), at('2026-11-10T10:30:00Z'));
    expect(Object.keys(s)).toEqual(['id', 'incidentId', 'storeId', 'providerId', 'category', 'priority', 'status', 'openedAt', 'sla', 'lostRevenue', 'recoveredAt', 'resolutionProposedAt', 'autoCloseAt']);
    expect(s.sla.targets.response).toMatchObject({ percent: 50, remainingMs: 30 * M });
  });
});

describe('a store removed while its tickets are in play', () => {
  it('cancels its active tickets and drops a graced opening, telling the providers; other stores keep theirs', () => {
    const c = ctx();
    const { engine, t } = opened(new TicketEngine(c));
    const other = tillDown({ id: 'S777:till_down:T1:1', storeId: 'S777' });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: other });
    // Paper low is graced: it has no ticket yet.
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:05:00Z'), incident: paperLow({ startedAt: '2026-11-10T10:05:00Z' }) });
    expect(Object.keys(engine.state.pending)).toEqual([paperLow().id]);
    c.stores.delete('S001');
    const r = engine.apply({ type: 'store.removed', at: at('2026-11-10T10:30:00Z'), storeId: 'S001' });
    expect(kinds(r.effects)).toEqual([['ticket.closed', { change: 'status' }]]);
    expect(r.effects[0]!.notify).toBe(true);
    expect(t()).toMatchObject({ status: 'cancelled', cancelledAt: '2026-11-10T10:30:00.000Z', wakeAt: null });
    expect(t().audit.at(-1)).toMatchObject({ actor: { role: 'system' }, from: 'open', to: 'cancelled', reason: 'store_removed' });
    expect(engine.state.pending).toEqual({});
    expect(engine.ticketForIncident(other.id)?.status).toBe('open');
    // The incident ends when the store goes: nothing to do, and not refused as a stranger's.
    expect(engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:30:00Z'), incident: tillDown({ endedAt: '2026-11-10T10:30:00Z' }) })).toEqual({ effects: [], rejection: null });
    expect(tick(engine, '2026-11-11T10:00:00Z').filter((e) => e.ticket.storeId === 'S001')).toEqual([]);
  });

  it('stops waking for a ticket whose store a config reload dropped', () => {
    const c = ctx();
    const { engine, t } = opened(new TicketEngine(c));
    expect(t().wakeAt).not.toBeNull();
    c.stores.delete('S001');
    expect(tick(engine, '2026-11-10T10:30:00Z')).toEqual([]);
    expect(t().wakeAt).toBeNull();
  });
});

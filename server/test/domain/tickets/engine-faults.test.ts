import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine, ticketIdFor, type TicketContext } from '../../../src/domain/tickets/engine.js';
import type { TicketIncident } from '../../../src/domain/tickets/incident.js';
import { slaReport } from '../../../src/domain/tickets/report.js';
import { ticketSla } from '../../../src/domain/tickets/sla-view.js';
import { M, at, pilot, store } from './fixtures.js';

// Tuesday 2026-11-10, Madrid (UTC+1): the store (4 tills) is open 09:00Z-21:00Z.
const ctx = (): TicketContext => ({ stores: new Map([['S001', store()]]), providers: [pilot()], config: DEFAULT_TICKETS_CONFIG });
const provider = { role: 'provider' as const, id: 'pilot' };

const incident = (over: Partial<TicketIncident> = {}): TicketIncident => ({
  id: 'S001:till_down:T3:1',
  storeId: 'S001',
  kind: 'till_down',
  tillIds: ['T3'],
  startedAt: '2026-11-10T09:58:00Z',
  components: { payment: { state: 'unreachable' } },
  failing: ['T3 still reports payment unreachable'],
  peakTills: 1,
  faultAt: '2026-11-10T09:58:00Z',
  ...over,
});

describe('tickets of faults on several tills', () => {
  it('take their priority from the most tills down at once, not from every till the incident touched', () => {
    const engine = new TicketEngine(ctx());
    // T3 then T4 of four, one after the other: one till down at a time is P2, not half the store.
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident({ tillIds: ['T3', 'T4'], peakTills: 1 }) });
    const t = engine.state.tickets[ticketIdFor(incident().id)]!;
    expect(t.priority).toBe('P2');
    // Two down at the same time is half the store.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: incident({ tillIds: ['T3', 'T4'], peakTills: 2 }) });
    expect(engine.state.tickets[t.id]!.priority).toBe('P1');
  });

  it('reopen when a till fails again in the same incident after the ticket was resolved', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident() });
    // The till recovers (the incident holds the recovery before it closes) and the provider resolves meanwhile.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: incident({ failing: [] }) });
    const resolved = engine.apply({ type: 'transition', at: at('2026-11-10T10:11:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix' });
    expect(resolved.rejection).toBeNull();
    // It flaps back within the hold: the same incident, a live fault again.
    const back = engine.apply({
      type: 'incident.updated',
      at: at('2026-11-10T10:11:30Z'),
      incident: incident({ faultAt: '2026-11-10T10:11:30Z' }),
    });
    expect(back.effects.map((e) => [e.type, e.detail])).toEqual([['ticket.updated', { change: 'reopened' }]]);
    expect(engine.state.tickets[id]).toMatchObject({ status: 'open', resolvedAt: null });
    expect(engine.state.tickets[id]!.audit.at(-1)).toMatchObject({ actor: { role: 'system' }, from: 'resolved', to: 'open', reason: 'recurred' });
    // A plain refresh of that live fault changes nothing more.
    const again = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:12:30Z'), incident: incident({ faultAt: '2026-11-10T10:11:30Z' }) });
    expect(again.effects.map((e) => e.detail)).toEqual([{ change: 'incident' }]);
  });

  it('carry what still fails structured beside its lines, never a stale one beside newer lines', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    const payment = [{ tillIds: ['T3'], components: [{ name: 'payment', state: 'unreachable' }], condition: null }];
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident({ stillFailing: payment }) });
    expect(engine.state.tickets[id]).toMatchObject({ failing: ['T3 still reports payment unreachable'], stillFailing: payment });
    // An update that brings lines only (the incident does not say more): the structured copy goes rather than contradict them.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: incident({ failing: ['T3 is still down'] }) });
    expect(engine.state.tickets[id]!.failing).toEqual(['T3 is still down']);
    expect(engine.state.tickets[id]).not.toHaveProperty('stillFailing');
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:20:00Z'), incident: incident({ endedAt: '2026-11-10T10:18:00Z', failing: [] }) });
    expect(engine.state.tickets[id]).toMatchObject({ failing: [], stillFailing: [] });
  });

  it('reopen a ticket HQ closed when another till then fails in its incident', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident() });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'resolved', reason: 'hardware_replaced' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:06:00Z'), ticketId: id, actor: { role: 'hq', id: 'ops' }, to: 'closed' });
    // Still the same fault: HQ's word stands.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:07:00Z'), incident: incident() });
    expect(engine.state.tickets[id]!.status).toBe('closed');
    engine.apply({
      type: 'incident.updated',
      at: at('2026-11-10T10:08:00Z'),
      incident: incident({ tillIds: ['T2', 'T3'], peakTills: 2, faultAt: '2026-11-10T10:08:00Z', failing: ['T2 still reports printer paper_out'] }),
    });
    expect(engine.state.tickets[id]).toMatchObject({ status: 'open', priority: 'P1', closedAt: null });
  });
});

describe('resolving while the fault is still live', () => {
  const paperOut = (over: Partial<TicketIncident> = {}) =>
    incident({
      id: 'S001:till_down:T4:1',
      tillIds: ['T4'],
      components: { printer: { state: 'paper_out' } },
      failing: ['T4 still reports printer paper_out'],
      ...over,
    });

  it('is refused to the provider, naming what still fails, and counts nothing as met', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(paperOut().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut() });
    for (const [time, to] of [['10:01', 'acknowledged'], ['10:02', 'on_site'], ['10:03', 'waiting_store']] as const) {
      expect(engine.apply({ type: 'transition', at: at(`2026-11-10T${time}:00Z`), ticketId: id, actor: provider, to }).rejection).toBeNull();
    }
    const before = structuredClone(engine.state.tickets[id]);
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T10:06:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix', note: 'Fixed remotely' });
    expect(r.effects).toEqual([]);
    expect(r.rejection).toMatchObject({
      code: 'invalid_transition',
      message: 'T4 still reports printer paper_out: the ticket resolves itself once the till has recovered',
    });
    expect(r.rejection?.allowed?.map((a) => a.to)).not.toContain('resolved');
    expect(engine.state.tickets[id]).toEqual(before);
    // Store staff saying they fixed it while the till still says otherwise is refused too.
    const staff = engine.apply({ type: 'transition', at: at('2026-11-10T10:07:00Z'), ticketId: id, actor: { role: 'store', id: 'S001' }, to: 'resolved', reason: 'staff_fixed' });
    expect(staff.rejection?.code).toBe('invalid_transition');
    expect(engine.state.tickets[id]!.status).toBe('waiting_store');
  });

  it('is allowed once the till has recovered, and to HQ with a reason at any time', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(paperOut().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut() });
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: paperOut({ failing: [] }) });
    expect(engine.apply({ type: 'transition', at: at('2026-11-10T10:11:00Z'), ticketId: id, actor: provider, to: 'resolved', reason: 'remote_fix' }).rejection).toBeNull();

    const other = new TicketEngine(ctx());
    other.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut() });
    const hq = { role: 'hq' as const, id: 'ops' };
    expect(other.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: hq, to: 'resolved' }).rejection?.code).toBe('invalid_reason');
    expect(other.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: hq, to: 'resolved', reason: 'hardware_replaced', note: 'till taken out of service' }).rejection).toBeNull();
    expect(other.state.tickets[id]).toMatchObject({ status: 'resolved', failing: ['T4 still reports printer paper_out'] });
  });

  it('leaves resolving out of the moves any other refusal offers while the fault is live', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(paperOut().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: paperOut() });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:01:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    // Acknowledging twice is refused with what the provider may do instead: going on site, waiting, not resolving.
    const again = engine.apply({ type: 'transition', at: at('2026-11-10T10:02:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    expect(again.rejection?.allowed?.map((a) => a.to).sort()).toEqual(['on_site', 'waiting_store']);
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: paperOut({ failing: [] }) });
    const recovered = engine.apply({ type: 'transition', at: at('2026-11-10T10:11:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    expect(recovered.rejection?.allowed?.map((a) => a.to)).toContain('resolved');
  });

  it('names every till still failing', () => {
    const engine = new TicketEngine(ctx());
    const inc = incident({ id: 'S001:store_offline:1', kind: 'store_offline', tillIds: ['T1', 'T2', 'T3', 'T4'], failing: ['T1, T2, T3, T4 are still offline'] });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: inc });
    const r = engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: ticketIdFor(inc.id), actor: provider, to: 'resolved', reason: 'remote_fix' });
    expect(r.rejection?.message).toBe('T1, T2, T3, T4 are still offline: the ticket resolves itself once the tills have recovered');
  });
});

describe('an incident that grows', () => {
  it('gives its ticket its new kind, tills and priority: a till down that became the whole store offline says so', () => {
    const engine = new TicketEngine(ctx());
    const one = incident({ id: 'S001:till_down:T2:1', tillIds: ['T2'], failing: ['T2 is still offline'] });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: one });
    const grown = { ...one, kind: 'store_offline', tillIds: ['T1', 'T2', 'T3', 'T4'], peakTills: 4, failing: ['T1, T2, T3, T4 are still offline'] };
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:05:00Z'), incident: grown });
    expect(engine.state.tickets[ticketIdFor(one.id)]).toMatchObject({ kind: 'store_offline', tillIds: ['T1', 'T2', 'T3', 'T4'], priority: 'P1' });
  });
});

describe('a ticket whose fault recovered on its own', () => {
  // S018: a P1 store offline (response 15 min, 24x7), back before anyone acknowledged it.
  const offline = (over: Partial<TicketIncident> = {}) =>
    incident({ id: 'S001:store_offline:1', kind: 'store_offline', tillIds: ['T1', 'T2', 'T3', 'T4'], peakTills: 4, failing: ['T1, T2, T3, T4 are still offline'], startedAt: '2026-11-10T10:00:00Z', ...over });
  const run = () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(offline().id);
    const effects = [
      ...engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: offline() }).effects,
      ...engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:09:00Z'), incident: offline({ endedAt: '2026-11-10T10:07:00Z', failing: [] }) }).effects,
    ];
    for (let m = 10; m <= 45; m++) effects.push(...engine.apply({ type: 'tick', at: at(`2026-11-10T10:${m}:30Z`) }).effects);
    return { engine, id, effects, t: () => engine.state.tickets[id]! };
  };

  it('stops its SLA clocks where the recovery began: no breach, no escalation after it, in the view, the events and the report', () => {
    const { t, effects } = run();
    // The incident closed at 10:09, its tills back since 10:07; the quiet period before closing counts from 10:09.
    expect(t()).toMatchObject({ priority: 'P1', recoveredAt: '2026-11-10T10:07:00.000Z', status: 'closed', closedAt: '2026-11-10T10:39:30.000Z' });
    expect(effects.map((e) => e.type).filter((x) => x === 'sla.breached' || x === 'ticket.escalated')).toEqual([]);
    const sla = ticketSla(t(), store(), at('2026-11-10T11:00:00Z'));
    expect(sla.breached).toBe(false);
    expect(sla.targets.response).toMatchObject({ stopped: true, breached: false, elapsedMs: 6 * M });
    const [row] = slaReport([t()], new Map([['S001', store()]]), '2026-11', at('2026-11-10T11:00:00Z'))!;
    expect(row).toMatchObject({ breaches: { response: 0, onSite: 0, resolve: 0, total: 0 }, mttrMs: 6 * M });
    // Resolved by the recovery itself: the auto-close adds no time to resolve.
    expect(t().resolvedAt).toBe('2026-11-10T10:07:00.000Z');
  });

  it('says when it will close itself, and stops saying so once it closes, comes back or someone moves it', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(offline().id);
    const t = () => engine.state.tickets[id]!;
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: offline() });
    expect(t().autoCloseAt).toBeNull();
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:09:00Z'), incident: offline({ endedAt: '2026-11-10T10:07:00Z', failing: [] }) });
    // The default quiet period is 30 minutes from the recovery.
    expect(t().autoCloseAt).toBe('2026-11-10T10:39:00.000Z');
    engine.apply({ type: 'transition', at: at('2026-11-10T10:12:00Z'), ticketId: id, actor: provider, to: 'acknowledged' });
    expect(t()).toMatchObject({ resolutionProposedAt: null, autoCloseAt: null });

    const { t: closed } = run();
    expect(closed()).toMatchObject({ status: 'closed', autoCloseAt: null });
  });

  it('counts again, from where it stopped, when the fault comes back before the ticket closed', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(offline().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:01:00Z'), incident: offline() });
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:09:00Z'), incident: offline({ endedAt: '2026-11-10T10:07:00Z', failing: [] }) });
    const again = offline({ id: 'S001:store_offline:2', startedAt: '2026-11-10T10:20:00Z' });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:21:00Z'), incident: again });
    expect(engine.state.tickets[id]).toMatchObject({ status: 'open', recoveredAt: null });
    // 6 min until the recovery began at 10:07, then 9 more from 10:21: the breach comes at 10:30, not as soon as it came back.
    expect(engine.apply({ type: 'tick', at: at('2026-11-10T10:29:30Z') }).effects.map((e) => e.type)).not.toContain('sla.breached');
    expect(engine.apply({ type: 'tick', at: at('2026-11-10T10:30:00Z') }).effects.map((e) => e.type)).toContain('sla.breached');
  });
});

describe('the store answering a ticket that waits for it', () => {
  it('puts it back where it was: on site if the engineer was on site', () => {
    const engine = new TicketEngine(ctx());
    const id = ticketIdFor(incident().id);
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident() });
    const move = (time: string, actor: { role: 'provider' | 'store'; id: string }, to: 'acknowledged' | 'on_site' | 'waiting_store') =>
      engine.apply({ type: 'transition', at: at(`2026-11-10T${time}:00Z`), ticketId: id, actor, to });
    const store = { role: 'store' as const, id: 'S001' };
    move('10:05', provider, 'acknowledged');
    move('10:10', provider, 'waiting_store');
    expect(move('10:20', store, 'acknowledged').rejection).toBeNull();
    expect(engine.state.tickets[id]!.status).toBe('acknowledged');
    move('10:30', provider, 'on_site');
    move('10:40', provider, 'waiting_store');
    const r = move('10:50', store, 'acknowledged');
    expect(r.rejection).toBeNull();
    expect(engine.state.tickets[id]).toMatchObject({ status: 'on_site', onSiteAt: '2026-11-10T10:30:00.000Z' });
    expect(engine.state.tickets[id]!.audit.at(-1)).toMatchObject({ actor: store, from: 'waiting_store', to: 'on_site' });
    expect(engine.state.tickets[id]!.pauses.at(-1)).toEqual({ start: '2026-11-10T10:40:00.000Z', end: '2026-11-10T10:50:00.000Z' });
  });
});

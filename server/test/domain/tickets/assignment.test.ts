import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine, type TicketContext, type TicketInput, type TicketsState } from '../../../src/domain/tickets/engine.js';
import type { TicketIncident } from '../../../src/domain/tickets/incident.js';
import { slaReport } from '../../../src/domain/tickets/report.js';
import { ticketSla } from '../../../src/domain/tickets/sla-view.js';
import { toProvider } from '../../../src/domain/sla/providers.js';
import { M, at, pilot, pilotConfig, store } from './fixtures.js';

// Tuesday 2026-11-10, Madrid (UTC+1): the stores are open 09:00Z-21:00Z. Pilot covers S001, nobody covers S777.
const rapid = () =>
  toProvider({
    ...pilotConfig,
    id: 'rapid',
    name: 'Rapid Fix',
    stores: ['S002'],
    webhooks: [],
    sla: { ...pilotConfig.sla, P2: { response: '30m', onSite: '4h', resolve: '1d', clock: 'store_hours' } },
    escalation: [{ after: '20m', notify: 'lead@rapid.example' }],
  });
const stores = new Map([
  ['S001', store()],
  ['S777', store({ id: 'S777', city: 'Bilbao' })],
]);
const ctx = (): TicketContext => ({ stores, providers: [pilot(), rapid()], config: DEFAULT_TICKETS_CONFIG });
const HQ = { role: 'hq' as const, id: 'ana' };
const PILOT = { role: 'provider' as const, id: 'pilot' };

const incident = (over: Partial<TicketIncident> = {}): TicketIncident => ({
  id: 'S001:till_down:T1:1',
  storeId: 'S001',
  kind: 'till_down',
  tillIds: ['T1'],
  startedAt: '2026-11-10T09:58:00Z',
  ...over,
});

function opened(over: Partial<TicketIncident> = {}) {
  const engine = new TicketEngine(ctx());
  engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: incident(over) });
  const id = engine.ticketForIncident(incident(over).id)!.id;
  return { engine, id, t: () => engine.state.tickets[id]! };
}
const assign = (engine: TicketEngine, id: string, iso: string, providerId: string, actor: Extract<TicketInput, { type: 'assign' }>['actor'] = HQ, note?: string) =>
  engine.apply({ type: 'assign', at: at(iso), ticketId: id, actor, providerId, note });
const tick = (engine: TicketEngine, iso: string) => engine.apply({ type: 'tick', at: at(iso) }).effects;

describe("HQ assigns a ticket from the unassigned queue", () => {
  it('gives it to the provider with its SLA policy, clocks counting from the assignment, and tells it', () => {
    const { engine, id, t } = opened({ id: 'x1', storeId: 'S777' });
    expect(t().providerId).toBeNull();

    const r = assign(engine, id, '2026-11-10T10:30:00Z', 'rapid', HQ, 'nobody covers Bilbao yet');
    expect(r.rejection).toBeNull();
    expect(r.effects.map((e) => [e.type, e.notify, e.detail, e.ticket.providerId])).toEqual([['ticket.opened', true, { change: 'assigned', reason: 'assigned' }, 'rapid']]);
    expect(t()).toMatchObject({
      providerId: 'rapid',
      status: 'open',
      openedAt: '2026-11-10T10:00:00.000Z',
      assignedAt: '2026-11-10T10:30:00.000Z',
      sla: { clock: 'store_hours', goalsMs: { response: 30 * M } },
    });
    expect(t().audit.at(-1)).toEqual({
      at: '2026-11-10T10:30:00.000Z',
      actor: HQ,
      from: 'open',
      to: 'open',
      reason: 'assigned',
      note: 'nobody covers Bilbao yet',
      fromProvider: null,
      toProvider: 'rapid',
    });
    // Half an hour from the assignment, not from the opening (which would be due at 10:30 already).
    expect(ticketSla(t(), stores.get('S777')!, at('2026-11-10T10:40:00Z'))).toMatchObject({ responseDueAt: '2026-11-10T11:00:00.000Z', breached: false });
  });

  it("escalates 20 minutes after the assignment, not after the opening", () => {
    const { engine, id } = opened({ id: 'x1', storeId: 'S777' });
    assign(engine, id, '2026-11-10T10:30:00Z', 'rapid');
    expect(tick(engine, '2026-11-10T10:49:00Z').filter((e) => e.type === 'ticket.escalated')).toEqual([]);
    expect(tick(engine, '2026-11-10T10:50:00Z').filter((e) => e.type === 'ticket.escalated').map((e) => e.detail.notify)).toEqual(['lead@rapid.example']);
  });

  it('keeps the assignment across a restart from persisted state', () => {
    const { engine, id } = opened({ id: 'x1', storeId: 'S777' });
    assign(engine, id, '2026-11-10T10:30:00Z', 'rapid');
    const restored = new TicketEngine(ctx(), JSON.parse(JSON.stringify(engine.state)) as TicketsState);
    const t = restored.state.tickets[id]!;
    expect(t).toMatchObject({ providerId: 'rapid', assignedAt: '2026-11-10T10:30:00.000Z' });
    expect(ticketSla(t, stores.get('S777')!, at('2026-11-10T10:40:00Z')).responseDueAt).toBe('2026-11-10T11:00:00.000Z');
  });
});

describe('HQ reassigns a ticket from one provider to another', () => {
  it("withdraws it from the first (as it had it) and opens it afresh for the second, the first's progress no longer counting", () => {
    const { engine, id, t } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:10:00Z'), ticketId: id, actor: PILOT, to: 'acknowledged' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:20:00Z'), ticketId: id, actor: PILOT, to: 'waiting_store', note: 'need the key' });

    const r = assign(engine, id, '2026-11-10T11:00:00Z', 'rapid');
    expect(r.effects.map((e) => [e.type, e.detail, e.ticket.providerId, e.ticket.status])).toEqual([
      ['ticket.withdrawn', { change: 'assigned', reason: 'assigned' }, 'pilot', 'waiting_store'],
      ['ticket.opened', { change: 'assigned', reason: 'assigned', fromProvider: 'pilot' }, 'rapid', 'open'],
    ]);
    expect(t()).toMatchObject({ providerId: 'rapid', status: 'open', acknowledgedAt: null, onSiteAt: null, escalationsSent: [], assignedAt: '2026-11-10T11:00:00.000Z' });
    // The wait for the store ended with the assignment: the new provider's clock is not held still by it.
    expect(t().pauses).toEqual([{ start: '2026-11-10T10:20:00.000Z', end: '2026-11-10T11:00:00.000Z' }]);
    expect(t().audit.at(-1)).toMatchObject({ from: 'waiting_store', to: 'open', reason: 'assigned', fromProvider: 'pilot', toProvider: 'rapid' });
    expect(ticketSla(t(), store(), at('2026-11-10T11:10:00Z'))).toMatchObject({ responseDueAt: '2026-11-10T11:30:00.000Z', paused: false });
  });

  it("does not carry the first provider's breach over to the second", () => {
    const { engine, id, t } = opened();
    // Pilot never answers: its one-hour response target breaches at 11:00.
    expect(tick(engine, '2026-11-10T11:05:00Z').some((e) => e.type === 'sla.breached')).toBe(true);
    assign(engine, id, '2026-11-10T11:10:00Z', 'rapid');
    expect(t().slaMarks.response.breached).toBe(false);
    expect(ticketSla(t(), store(), at('2026-11-10T11:20:00Z')).breached).toBe(false);
    expect(tick(engine, '2026-11-10T11:39:00Z').filter((e) => e.type === 'sla.breached')).toEqual([]);
    expect(tick(engine, '2026-11-10T11:41:00Z').filter((e) => e.type === 'sla.breached').map((e) => [e.ticket.providerId, e.detail.target])).toEqual([['rapid', 'response']]);
  });

  it("measures each provider's response in the SLA report from when it had the ticket, counting the ticket once", () => {
    const { engine, id } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:10:00Z'), ticketId: id, actor: PILOT, to: 'acknowledged' });
    assign(engine, id, '2026-11-10T11:00:00Z', 'rapid');
    engine.apply({ type: 'transition', at: at('2026-11-10T11:12:00Z'), ticketId: id, actor: { role: 'provider', id: 'rapid' }, to: 'acknowledged' });
    const rows = slaReport(Object.values(engine.state.tickets), stores, '2026-11', at('2026-11-10T11:15:00Z'));
    expect(rows?.map((r) => [r.providerId, r.tickets.total, r.withdrawn, r.mttaMs, r.breaches.total])).toEqual([
      ['pilot', 0, 1, 10 * M, 0],
      ['rapid', 1, 0, 12 * M, 0],
    ]);
  });

  it("keeps in the SLA report what the first provider breached before HQ took the ticket, ticked or not", () => {
    const ticked = opened();
    // Pilot never answers: its one-hour response target breaches at 11:00, marked by the tick at 11:05.
    tick(ticked.engine, '2026-11-10T11:05:00Z');
    assign(ticked.engine, ticked.id, '2026-11-10T11:10:00Z', 'rapid');
    // Here no tick ran between the breach and the assignment.
    const unticked = opened({ id: 'S001:till_down:T2:1', tillIds: ['T2'] });
    assign(unticked.engine, unticked.id, '2026-11-10T11:10:00Z', 'rapid');
    // And here HQ took it before the target was due: nothing breached.
    const early = opened({ id: 'S001:till_down:T3:1', tillIds: ['T3'] });
    assign(early.engine, early.id, '2026-11-10T10:50:00Z', 'rapid');
    const all = [ticked.t(), unticked.t(), early.t()];
    expect(all.map((t) => t.earlierHolders?.map((s) => [s.providerId, s.from, s.breached]))).toEqual([
      [['pilot', '2026-11-10T10:00:00.000Z', ['response']]],
      [['pilot', '2026-11-10T10:00:00.000Z', ['response']]],
      [['pilot', '2026-11-10T10:00:00.000Z', []]],
    ]);
    const now = at('2026-11-10T11:15:00Z');
    const pilotRow = slaReport(all, stores, '2026-11', now, 'pilot');
    expect(pilotRow).toEqual([expect.objectContaining({ providerId: 'pilot', withdrawn: 3, mttaMs: null, breaches: { response: 2, onSite: 0, resolve: 0, total: 2 } })]);
    expect(pilotRow![0]!.tickets.total).toBe(0);
    // Rapid's own clocks started at its assignment: nothing of Pilot's breach is on its row.
    expect(slaReport(all, stores, '2026-11', now, 'rapid')?.map((r) => [r.tickets.total, r.withdrawn, r.breaches.total])).toEqual([[3, 0, 0]]);
  });

  it('counts a ticket HQ took from a provider and later gave back as that provider\'s, with both its times on it', () => {
    const { engine, id, t } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:10:00Z'), ticketId: id, actor: PILOT, to: 'acknowledged' });
    assign(engine, id, '2026-11-10T10:30:00Z', 'rapid');
    assign(engine, id, '2026-11-10T10:40:00Z', 'pilot');
    assign(engine, id, '2026-11-10T10:50:00Z', 'rapid');
    assign(engine, id, '2026-11-10T11:00:00Z', 'pilot');
    engine.apply({ type: 'transition', at: at('2026-11-10T11:30:00Z'), ticketId: id, actor: PILOT, to: 'acknowledged' });
    expect(t().earlierHolders?.map((s) => [s.providerId, s.from, s.acknowledgedAt])).toEqual([
      ['pilot', '2026-11-10T10:00:00.000Z', '2026-11-10T10:10:00.000Z'],
      ['rapid', '2026-11-10T10:30:00.000Z', null],
      ['pilot', '2026-11-10T10:40:00.000Z', null],
      ['rapid', '2026-11-10T10:50:00.000Z', null],
    ]);
    const rows = slaReport([t()], stores, '2026-11', at('2026-11-10T11:45:00Z'));
    // One ticket: Pilot's, not taken from it in the end; Rapid had it taken, once, though twice over.
    expect(rows?.map((r) => [r.providerId, r.tickets.total, r.withdrawn, r.mttaMs])).toEqual([
      ['pilot', 1, 0, 20 * M],
      ['rapid', 0, 1, null],
    ]);
  });
});

describe('assigning a ticket whose fault is over or ending', () => {
  it('still closes it itself when the incident ends after the assignment, its recovery having begun before', () => {
    const { engine, id, t } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: id, actor: PILOT, to: 'acknowledged' });
    // The tills are back at 10:20; the incident holds the recovery two minutes before it closes with that end.
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:20:00Z'), incident: incident({ failing: [] }) });
    assign(engine, id, '2026-11-10T10:21:00Z', 'rapid');
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:22:00Z'), incident: incident({ endedAt: '2026-11-10T10:20:00Z', failing: [] }) });
    expect(t()).toMatchObject({ providerId: 'rapid', recoveredAt: '2026-11-10T10:20:00.000Z', autoCloseAt: '2026-11-10T10:52:00.000Z' });
    const later = [...tick(engine, '2026-11-10T10:45:00Z'), ...tick(engine, '2026-11-10T10:53:00Z')];
    expect(later.map((e) => e.type)).toEqual(['ticket.closed']);
  });

  it('keeps a recovered ticket recovered: no clock, no escalation, and it still closes itself', () => {
    const { engine, id, t } = opened();
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:09:00Z'), incident: incident({ endedAt: '2026-11-10T10:07:00Z', failing: [] }) });
    assign(engine, id, '2026-11-10T10:15:00Z', 'rapid');
    expect(t()).toMatchObject({ providerId: 'rapid', recoveredAt: '2026-11-10T10:07:00.000Z', autoCloseAt: '2026-11-10T10:39:00.000Z' });
    expect(ticketSla(t(), store(), at('2026-11-10T10:30:00Z'))).toMatchObject({ breached: false, targets: { response: { stopped: true, elapsedMs: 0 } } });
    const later = [...tick(engine, '2026-11-10T10:36:00Z'), ...tick(engine, '2026-11-10T10:40:00Z')];
    expect(later.map((e) => e.type)).toEqual(['ticket.closed']);
  });
});

describe('assignments HQ cannot make', () => {
  it('refuses them clearly and changes nothing', () => {
    const { engine, id } = opened();
    const before = JSON.stringify(engine.state);
    expect(assign(engine, id, '2026-11-10T10:30:00Z', 'rapid', PILOT).rejection).toMatchObject({ code: 'invalid_transition', message: 'only HQ assigns tickets' });
    expect(assign(engine, id, '2026-11-10T10:30:00Z', 'nobody').rejection).toMatchObject({ code: 'unknown_provider', message: 'providerId: no provider nobody' });
    expect(assign(engine, id, '2026-11-10T10:30:00Z', 'pilot').rejection).toMatchObject({ code: 'invalid_transition', message: "the ticket is already pilot's" });
    expect(assign(engine, 'T-000000000000', '2026-11-10T10:30:00Z', 'rapid').rejection?.code).toBe('not_found');
    expect(JSON.stringify(engine.state)).toBe(before);

    engine.apply({ type: 'transition', at: at('2026-11-10T10:40:00Z'), ticketId: id, actor: HQ, to: 'cancelled', reason: 'false_alarm' });
    expect(assign(engine, id, '2026-11-10T10:50:00Z', 'rapid').rejection).toMatchObject({ code: 'invalid_transition', message: 'a cancelled ticket cannot be assigned' });
  });
});

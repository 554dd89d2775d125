import { describe, expect, it } from 'vitest';
import { DEFAULT_TICKETS_CONFIG } from '../../../src/domain/tickets/config.js';
import { TicketEngine, type TicketContext } from '../../../src/domain/tickets/engine.js';
import type { TicketIncident } from '../../../src/domain/tickets/incident.js';
import { slaReport } from '../../../src/domain/tickets/report.js';
import { toProvider, type ProviderConfig } from '../../../src/domain/sla/providers.js';
import { at, pilotConfig, store } from './fixtures.js';

// Tuesday 2026-11-10, Madrid (UTC+1): S001 is open 09:00Z-21:00Z. Tillcare fixes its tills, Netline its network.
const provider = (id: string, categories: ProviderConfig['categories']) => toProvider({ ...pilotConfig, id, name: id, categories, stores: ['S001'], webhooks: [] });
const ctx = (): TicketContext => ({
  stores: new Map([['S001', store()]]),
  providers: [provider('tillcare', ['pos', 'payment', 'printer']), provider('netline', ['network'])],
  config: DEFAULT_TICKETS_CONFIG,
});
const HQ = { role: 'hq' as const, id: 'ana' };
const TILLCARE = { role: 'provider' as const, id: 'tillcare' };

const tillDown: TicketIncident = {
  id: 'S001:till_down:1',
  storeId: 'S001',
  kind: 'till_down',
  tillIds: ['T1'],
  startedAt: '2026-11-10T09:58:00Z',
  components: { pos: { state: 'down', detail: 'POS application not responding' } },
  failing: ['T1 still reports pos down'],
};
// The store's network goes: every agent offline, the same incident grown, nothing known of the tills' parts.
const offline: TicketIncident = { ...tillDown, kind: 'store_offline', tillIds: ['T1', 'T2', 'T3', 'T4'], components: null, failing: ['T1, T2, T3, T4 are still offline'] };

function opened() {
  const engine = new TicketEngine(ctx());
  engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
  const t = () => engine.ticketForIncident(tillDown.id)!;
  return { engine, t, grow: (iso: string, incident: TicketIncident = offline) => engine.apply({ type: 'incident.updated', at: at(iso), incident }).effects };
}

describe('a ticket whose fault grows into the store offline, which its provider does not cover', () => {
  it('goes to the provider routed for the new cause while nobody has taken it up, clocks from then', () => {
    const { t, grow } = opened();
    expect(t()).toMatchObject({ providerId: 'tillcare', category: 'pos' });

    const effects = grow('2026-11-10T10:10:00Z');
    expect(effects.map((e) => [e.type, e.ticket.providerId, e.detail])).toEqual([
      ['ticket.withdrawn', 'tillcare', { change: 'assigned', reason: 'rerouted' }],
      ['ticket.opened', 'netline', { change: 'assigned', reason: 'rerouted', fromProvider: 'tillcare' }],
    ]);
    expect(t()).toMatchObject({ providerId: 'netline', category: 'network', kind: 'store_offline', status: 'open', assignedAt: '2026-11-10T10:10:00.000Z' });
    expect(t().audit.at(-1)).toMatchObject({ actor: { role: 'system' }, reason: 'rerouted', fromProvider: 'tillcare', toProvider: 'netline' });
    // Tillcare keeps its part in the SLA report: the ticket counts as handed to another provider.
    const report = slaReport([t()], new Map([['S001', store()]]), '2026-11', at('2026-11-10T10:15:00Z'));
    expect(report?.map((r) => [r.providerId, r.tickets.total, r.withdrawn])).toEqual([['netline', 1, 0], ['tillcare', 0, 1]]);
  });

  it('goes once: the network back with T1 still down leaves it with the network provider, for HQ to move', () => {
    const { t, grow } = opened();
    grow('2026-11-10T10:10:00Z');
    // The incident stays a store offline (its kind never goes back); its tills now report their parts again.
    const back = { ...tillDown, kind: 'store_offline', tillIds: offline.tillIds };
    expect(grow('2026-11-10T10:20:00Z', back).map((e) => e.type)).toEqual(['ticket.updated']);
    expect(t()).toMatchObject({ providerId: 'netline', category: 'network' });
  });

  it('is told withdrawn as its provider had it, and charged only the targets it had breached at its own priority', () => {
    const { t, grow } = opened();
    // 35 min into a P2 (1 h to respond): nothing breached. The store offline is P1 (15 min), which it never had.
    const effects = grow('2026-11-10T10:35:00Z');
    expect(effects[0]).toMatchObject({ type: 'ticket.withdrawn', ticket: { providerId: 'tillcare', priority: 'P2', kind: 'till_down', category: 'pos' } });
    expect(effects[1]).toMatchObject({ type: 'ticket.opened', ticket: { providerId: 'netline', priority: 'P1', kind: 'store_offline', category: 'network' } });
    expect(t().earlierHolders).toEqual([expect.objectContaining({ providerId: 'tillcare', breached: [] })]);
    expect(t().sla?.goalsMs.response).toBe(15 * 60_000);
  });

  it('stays with a provider that acknowledged it, even once it is open again', () => {
    const { engine, t, grow } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:02:00Z'), ticketId: t().id, actor: TILLCARE, to: 'acknowledged' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:04:00Z'), ticketId: t().id, actor: HQ, to: 'resolved', reason: 'remote_fix' });
    engine.apply({ type: 'transition', at: at('2026-11-10T10:06:00Z'), ticketId: t().id, actor: HQ, to: 'open' });
    expect(t()).toMatchObject({ status: 'open', providerId: 'tillcare' });
    expect(grow('2026-11-10T10:10:00Z').map((e) => e.type)).not.toContain('ticket.withdrawn');
    expect(t().providerId).toBe('tillcare');
  });

  it('tells the provider that keeps it that the store went offline, though its priority was already P1', () => {
    const engine = new TicketEngine(ctx());
    const two = { ...tillDown, tillIds: ['T1', 'T2'], peakTills: 2 };
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: two });
    const t = engine.ticketForIncident(two.id)!;
    expect(t.priority).toBe('P1');
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: t.id, actor: TILLCARE, to: 'acknowledged' });
    const effects = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: { ...offline, peakTills: 4 } }).effects;
    expect(effects.map((e) => [e.type, e.notify, e.ticket.kind, e.ticket.providerId])).toEqual([['ticket.updated', true, 'store_offline', 'tillcare']]);
    // Later figures of the same store offline are news for the boards only.
    const later = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:11:00Z'), incident: { ...offline, peakTills: 4, visitors: 12 } }).effects;
    expect(later.map((e) => [e.type, e.notify])).toEqual([['ticket.updated', false]]);
  });

  it('does not follow its parts changing within the same kind of fault', () => {
    const { t, grow } = opened();
    grow('2026-11-10T10:10:00Z', { ...tillDown, components: { pos: { state: 'ok' }, payment: { state: 'unreachable' } } });
    expect(t()).toMatchObject({ providerId: 'tillcare', category: 'pos' });
  });

  it('stays with a provider that has acknowledged it, its category following the fault', () => {
    const { engine, t, grow } = opened();
    engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: t().id, actor: TILLCARE, to: 'acknowledged' });
    const effects = grow('2026-11-10T10:10:00Z');
    expect(effects.map((e) => e.type)).toEqual(['ticket.updated']);
    expect(t()).toMatchObject({ providerId: 'tillcare', category: 'network', status: 'acknowledged' });
  });

  it('stays where HQ placed it by hand', () => {
    const { engine, t, grow } = opened();
    engine.apply({ type: 'assign', at: at('2026-11-10T10:02:00Z'), ticketId: t().id, actor: HQ, providerId: 'netline' });
    engine.apply({ type: 'assign', at: at('2026-11-10T10:03:00Z'), ticketId: t().id, actor: HQ, providerId: 'tillcare' });
    expect(grow('2026-11-10T10:10:00Z').map((e) => e.type)).toEqual(['ticket.updated']);
    expect(t().providerId).toBe('tillcare');
  });

  it('stays when its provider covers the new cause too, or no provider is routed for it', () => {
    const all = new TicketEngine({ ...ctx(), providers: [provider('tillcare', ['all']), provider('netline', ['network'])] });
    all.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
    all.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: offline });
    expect(all.ticketForIncident(tillDown.id)).toMatchObject({ providerId: 'tillcare', category: 'network' });

    const alone = new TicketEngine({ ...ctx(), providers: [provider('tillcare', ['pos'])] });
    alone.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
    alone.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: offline });
    expect(alone.ticketForIncident(tillDown.id)).toMatchObject({ providerId: 'tillcare', category: 'network' });
  });

  it('keeps its category once the fault has recovered (nothing fails to say otherwise)', () => {
    const { t, grow } = opened();
    const recovering = { ...tillDown, components: { pos: { state: 'ok' } }, failing: [] };
    grow('2026-11-10T10:10:00Z', recovering);
    expect(t()).toMatchObject({ providerId: 'tillcare', category: 'pos' });
    grow('2026-11-10T10:20:00Z', { ...offline, failing: [], endedAt: '2026-11-10T10:15:00Z' });
    expect(t()).toMatchObject({ providerId: 'tillcare', category: 'pos' });
  });

  it('goes from the unassigned queue to the provider of the new cause', () => {
    const engine = new TicketEngine({ ...ctx(), providers: [provider('netline', ['network'])] });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
    expect(engine.ticketForIncident(tillDown.id)?.providerId).toBeNull();
    const effects = engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:10:00Z'), incident: offline }).effects;
    expect(effects.map((e) => [e.type, e.ticket.providerId, e.detail])).toEqual([['ticket.opened', 'netline', { change: 'assigned', reason: 'rerouted' }]]);
  });
});

describe('a ticket the fault reopens after the contracts changed', () => {
  const recurrence: TicketIncident = { ...tillDown, id: 'S001:till_down:2', startedAt: '2026-11-10T14:58:00Z' };
  /** Opened for Tillcare at 10:00, recovered at 10:05 and closed by itself; the contracts change; the fault recurs at 15:00. */
  function reopenedWith(providers: ReturnType<typeof provider>[], before?: (engine: TicketEngine) => void) {
    const engine = new TicketEngine(ctx());
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
    before?.(engine);
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:05:00Z'), incident: { ...tillDown, endedAt: '2026-11-10T10:05:00Z', failing: [] } });
    engine.apply({ type: 'tick', at: at('2026-11-10T10:40:00Z') });
    engine.setContext({ ...ctx(), providers });
    const effects = engine.apply({ type: 'incident.opened', at: at('2026-11-10T15:00:00Z'), incident: recurrence }).effects;
    return { effects: effects.map((e) => [e.type, e.ticket.providerId, e.detail]), t: engine.ticketForIncident(tillDown.id)! };
  }

  it('goes to the provider that covers it now when its own was deleted, as rerouted', () => {
    const { effects, t } = reopenedWith([provider('fixit', ['all'])]);
    expect(effects).toEqual([
      ['ticket.withdrawn', 'tillcare', { change: 'assigned', reason: 'rerouted' }],
      ['ticket.opened', 'fixit', { change: 'assigned', reason: 'rerouted', fromProvider: 'tillcare' }],
    ]);
    expect(t).toMatchObject({ status: 'open', providerId: 'fixit', assignedAt: '2026-11-10T15:00:00.000Z', sla: { goalsMs: { response: 3_600_000 } } });
    expect(t.audit.at(-1)).toMatchObject({ actor: { role: 'system' }, reason: 'rerouted', fromProvider: 'tillcare', toProvider: 'fixit' });
  });

  it('goes to HQ’s unassigned queue when its provider no longer covers the store and nobody else does', () => {
    const { effects, t } = reopenedWith([{ ...provider('tillcare', ['pos']), stores: ['S002'] }]);
    expect(effects).toEqual([
      ['ticket.withdrawn', 'tillcare', { change: 'assigned', reason: 'rerouted' }],
      ['ticket.opened', null, { change: 'assigned', reason: 'rerouted', fromProvider: 'tillcare' }],
    ]);
    expect(t).toMatchObject({ status: 'open', providerId: null, sla: null });
  });

  it('leaves the unassigned queue for a provider that now covers it', () => {
    const engine = new TicketEngine({ ...ctx(), providers: [] });
    engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: tillDown });
    engine.apply({ type: 'incident.closed', at: at('2026-11-10T10:05:00Z'), incident: { ...tillDown, endedAt: '2026-11-10T10:05:00Z', failing: [] } });
    engine.apply({ type: 'tick', at: at('2026-11-10T10:40:00Z') });
    engine.setContext(ctx());
    const effects = engine.apply({ type: 'incident.opened', at: at('2026-11-10T15:00:00Z'), incident: recurrence }).effects;
    expect(effects.map((e) => [e.type, e.ticket.providerId, e.detail])).toEqual([['ticket.opened', 'tillcare', { change: 'assigned', reason: 'rerouted' }]]);
  });

  it('stays with its provider while it covers it, and where HQ placed it while that provider exists', () => {
    expect(reopenedWith(ctx().providers as ReturnType<typeof provider>[]).effects).toEqual([['ticket.updated', 'tillcare', { change: 'reopened' }]]);
    const placed = (e: TicketEngine) => e.apply({ type: 'assign', at: at('2026-11-10T10:02:00Z'), ticketId: e.ticketForIncident(tillDown.id)!.id, actor: HQ, providerId: 'netline' });
    const netline = provider('netline', ['network']);
    expect(reopenedWith([provider('tillcare', ['all']), netline], placed).effects).toEqual([['ticket.updated', 'netline', { change: 'reopened' }]]);
    expect(reopenedWith([provider('tillcare', ['all'])], placed).effects.map((e) => e[0])).toEqual(['ticket.withdrawn', 'ticket.opened']);
  });
});

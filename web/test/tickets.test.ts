import { describe, expect, it } from 'vitest';
import {
  applyTicketChange,
  DEFAULT_FILTER,
  filterTickets,
  hasSla,
  HQ_ACTIONS,
  hqActions,
  hqReasons,
  keepOrder,
  shownCards,
  type ShownCard,
  nextDue,
  providerActions,
  pressure,
  recovery,
  stillFailing,
  waitedFrom,
  ticketMoves,
  sortTickets,
  ticketCounts,
} from '../src/lib/tickets/tickets.js';
import type { TicketSlaTarget, TicketView } from '@storepulse/protocol';
import { target, ticket } from './fixtures.js';
import { agentDetail, componentDetail, reasonLabel } from '../src/lib/i18n/labels.js';
import { failingFromRefusal, liveFaultNote, moveFailureText } from '../src/lib/tickets/refusal.js';
import { stillFailingLines } from '../src/lib/tickets/failing.js';
import { allowedTransitions } from '../../server/src/domain/tickets/transitions.js';
import { TICKET_STATUSES, type Actor } from '../../server/src/domain/tickets/types.js';
import { TicketEngine, ticketIdFor } from '../../server/src/domain/tickets/engine.js';
import { DEFAULT_TICKETS_CONFIG } from '../../server/src/domain/tickets/config.js';
import { toProvider } from '../../server/src/domain/sla/providers.js';
import type { StoreConfig } from '../../server/src/domain/store.js';

const at = (iso: string) => Date.parse(iso);

/**
 * The server's own ticket engine, with one store of four tills and one provider: a ticket opened for a fault whose
 * tills still fail as `failing` says (empty: recovered), moved by `path` to the status a test needs.
 */
function serverTicket(failing: string[], path: readonly [Actor, TicketView['status'], string?][] = []) {
  const store: StoreConfig = {
    id: 'S001',
    name: 'Gran Vía',
    city: 'Madrid',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    tills: ['T1', 'T2', 'T3', 'T4'],
    hours: { mon: '00:00-24:00', tue: '00:00-24:00', wed: '00:00-24:00', thu: '00:00-24:00', fri: '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' },
    holidays: [],
    provider: null,
    conversion: 0.2,
    avgBasket: 30,
  };
  const pilot = toProvider({
    id: 'pilot',
    name: 'Pilot Service',
    categories: ['all'],
    stores: ['S001'],
    sla: { P2: { response: '1h', onSite: '8h', resolve: '1d', clock: '24x7' } },
  });
  const engine = new TicketEngine({ stores: new Map([['S001', store]]), providers: [pilot], config: DEFAULT_TICKETS_CONFIG });
  let now = at('2026-11-10T10:00:00Z');
  const incident = {
    id: 'S001:till_down:T4:1',
    storeId: 'S001',
    kind: 'till_down',
    tillIds: ['T4'],
    startedAt: '2026-11-10T09:58:00Z',
    components: { printer: { state: 'paper_out' } },
    failing,
    peakTills: 1,
    faultAt: '2026-11-10T09:58:00Z',
  };
  engine.apply({ type: 'incident.opened', at: now, incident });
  const id = ticketIdFor(incident.id);
  const move = (actor: Actor, to: TicketView['status'], reason?: string) =>
    engine.apply({ type: 'transition', at: (now += 60_000), ticketId: id, actor, to, ...(reason ? { reason } : {}) }).rejection;
  for (const [actor, to, reason] of path) {
    if (move(actor, to, reason)) throw new Error(`cannot reach ${to}`);
  }
  return { ticket: () => engine.state.tickets[id]!, move };
}

const HQ: Actor = { role: 'hq', id: 'ops' };
const PILOT: Actor = { role: 'provider', id: 'pilot' };
const STORE: Actor = { role: 'store', id: 'S001' };
const ACTORS = { hq: HQ, provider: PILOT, store: STORE } as const;
/** How the server's ticket gets to each status. */
const PATHS: Record<TicketView['status'], [Actor, TicketView['status'], string?][]> = {
  open: [],
  acknowledged: [[HQ, 'acknowledged']],
  waiting_store: [[HQ, 'waiting_store']],
  on_site: [[PILOT, 'on_site']],
  resolved: [[HQ, 'resolved', 'hardware_replaced']],
  closed: [[HQ, 'resolved', 'hardware_replaced'], [HQ, 'closed']],
  cancelled: [[HQ, 'cancelled', 'false_alarm']],
};

describe('ticket figures', () => {
  it('counts active tickets, breaches and the unassigned queue; ended tickets do not count', () => {
    const counts = ticketCounts([
      ticket('a'),
      ticket('b', { providerId: null }),
      ticket('c', {}, { breached: true }),
      ticket('d', { status: 'resolved', providerId: null }, { breached: true }),
    ]);
    expect(counts).toEqual({ open: 3, breached: 1, unassigned: 1 });
  });

  it('keeps the newest copy of a ticket', () => {
    const map = new Map([['a', ticket('a', { updatedAt: '2026-11-23T09:00:00Z', status: 'acknowledged' })]]);
    expect(applyTicketChange(map, { ticket: ticket('a', { updatedAt: '2026-11-23T08:30:00Z' }) })).toBe(false);
    expect(map.get('a')!.status).toBe('acknowledged');
    expect(applyTicketChange(map, { ticket: ticket('a', { updatedAt: '2026-11-23T09:30:00Z', status: 'on_site' }) })).toBe(true);
    expect(map.get('a')!.status).toBe('on_site');
  });
});

describe('SLA countdown', () => {
  it('picks the target due first and colours it by the share of the goal used', () => {
    const t = ticket('a');
    expect(nextDue(t, at('2026-11-23T08:11:00Z'))).toMatchObject({ target: 'response', urgency: 'ok', remainingMs: 50 * 60_000 });
    expect(nextDue(t, at('2026-11-23T08:35:00Z'))!.urgency).toBe('warn');
    expect(nextDue(t, at('2026-11-23T08:50:00Z'))!.urgency).toBe('near');
    expect(nextDue(t, at('2026-11-23T09:02:00Z'))).toMatchObject({ urgency: 'breached', remainingMs: -60_000 });
  });

  it('moves on to the next target once one is met, and reports a paused clock as paused', () => {
    const met = ticket('a', {}, { targets: { response: target('2026-11-23T09:01:00Z', { stopped: true }), onSite: null, resolve: target('2026-11-23T12:01:00Z', { goalMs: 4 * 3_600_000 }) } });
    expect(nextDue(met, at('2026-11-23T08:30:00Z'))!.target).toBe('resolve');
    const paused = ticket('b', {}, { targets: { response: target('2026-11-23T09:01:00Z', { paused: true, percent: 20 }), onSite: null, resolve: null } });
    expect(nextDue(paused, at('2026-11-23T10:00:00Z'))!.urgency).toBe('paused');
  });

  it('trusts the server\'s share on a store-hours clock until the due time passes', () => {
    const t = ticket('a', {}, { clock: 'store_hours', targets: { response: target('2026-11-23T18:00:00Z', { percent: 10 }), onSite: null, resolve: null } });
    expect(nextDue(t, at('2026-11-23T17:30:00Z'))!.urgency).toBe('ok');
    expect(nextDue(t, at('2026-11-23T18:00:01Z'))!.urgency).toBe('breached');
  });

  it('knows a ticket without any SLA target (no provider, no contract) from one whose targets all stopped', () => {
    expect(hasSla(ticket('a', { providerId: null }, { clock: null, targets: { response: null, onSite: null, resolve: null } }))).toBe(false);
    expect(hasSla(ticket('b', { status: 'resolved' }, { targets: { response: target(null, { stopped: true }), onSite: null, resolve: null } }))).toBe(true);
  });
});

describe('tickets board', () => {
  const list = [
    ticket('late', { priority: 'P3' }, { breached: true, targets: { response: target('2026-11-23T08:30:00Z', { breached: true }), onSite: null, resolve: null } }),
    ticket('soon', { priority: 'P2', storeId: 'S002' }, { targets: { response: target('2026-11-23T09:00:00Z'), onSite: null, resolve: null } }),
    ticket('later', { priority: 'P1', providerId: null }, { targets: { response: target('2026-11-23T11:00:00Z'), onSite: null, resolve: null } }),
    ticket('done', { status: 'closed', priority: 'P1' }),
  ];
  const now = at('2026-11-23T08:45:00Z');

  it('shows active tickets by default and filters by status, priority, provider and text', () => {
    expect(filterTickets(list, DEFAULT_FILTER).map((t) => t.id)).toEqual(['late', 'soon', 'later']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, status: 'all', priority: 'P1' }).map((t) => t.id)).toEqual(['later', 'done']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, provider: '' }).map((t) => t.id)).toEqual(['later']);
    expect(filterTickets(list, { ...DEFAULT_FILTER, query: 'plaza' }, (id) => (id === 'S002' ? 'Plaza Mayor' : id)).map((t) => t.id)).toEqual(['soon']);
  });

  it('sorts breached first, then by the nearest due time; or by priority', () => {
    expect(sortTickets(list, 'due', now).map((t) => t.id)).toEqual(['late', 'soon', 'later', 'done']);
    expect(sortTickets(list, 'priority', now).map((t) => t.id)).toEqual(['done', 'later', 'soon', 'late']);
  });

  it('sorts by loss in HQ\'s currency when HQ gives rates: 900 roubles come after 500 euros', () => {
    const lost = (gross: number, currency: string) => ({ gross, net: gross, low: gross, high: gross, currency });
    const two = [ticket('rub', { lostRevenue: lost(900, 'RUB') }), ticket('eur', { lostRevenue: lost(500, 'EUR') }), ticket('none')];
    expect(sortTickets(two, 'loss', now).map((t) => t.id)).toEqual(['rub', 'eur', 'none']);
    expect(sortTickets(two, 'loss', now, { currency: 'EUR', rates: { RUB: 0.01 } }).map((t) => t.id)).toEqual(['eur', 'rub', 'none']);
  });

  it('offers a provider the moves the server allows it', () => {
    expect(providerActions('open')).toEqual(['acknowledged', 'waiting_store', 'on_site', 'resolved']);
    expect(providerActions('acknowledged')).toEqual(['waiting_store', 'on_site', 'resolved']);
    expect(providerActions('waiting_store')).toEqual(['acknowledged', 'on_site', 'resolved']);
    expect(providerActions('on_site')).toEqual(['waiting_store', 'resolved']);
    expect(providerActions('resolved')).toEqual([]);
    expect(providerActions('closed')).toEqual([]);
  });

  it('goes on from on site, not back to acknowledge, when a ticket waited for the store after the engineer came', () => {
    const entry = (from: TicketView['status'] | null, to: TicketView['status']) => ({ at: '2026-11-23T09:00:00Z', actor: { role: 'provider' as const, id: 'pilot' }, from, to, reason: null, note: null });
    const afterOnSite = ticket('w', { status: 'waiting_store', onSiteAt: '2026-11-23T08:50:00Z', audit: [entry(null, 'open'), entry('open', 'on_site'), entry('on_site', 'waiting_store')] });
    expect(waitedFrom(afterOnSite)).toBe('on_site');
    expect(providerActions('waiting_store', 'on_site')).toEqual(['on_site', 'resolved']);
    // Without the audit trail (a copy that lacks it), the check-in says it.
    expect(waitedFrom({ status: 'waiting_store', onSiteAt: '2026-11-23T08:50:00Z' })).toBe('on_site');
    // Waiting straight after acknowledging: acknowledging again is the way back, and stays first.
    const afterAck = ticket('w', { status: 'waiting_store', audit: [entry('open', 'acknowledged'), entry('acknowledged', 'waiting_store')] });
    expect(waitedFrom(afterAck)).toBe('acknowledged');
    expect(providerActions('waiting_store', 'acknowledged')).toEqual(['acknowledged', 'on_site', 'resolved']);
    expect(waitedFrom(ticket('o', { status: 'on_site', onSiteAt: '2026-11-23T08:50:00Z' }))).toBeNull();
  });

  it('offers no Resolve to a provider while the fault is live, as the ticket says it', () => {
    const live = ticket('l', { status: 'on_site', failing: ['T4 still reports printer paper_out'] });
    expect(providerActions(live.status, null, stillFailing(live))).toEqual(['waiting_store']);
    expect(providerActions('waiting_store', 'on_site', stillFailing(live))).toEqual(['on_site']);
    // Recovered, or a copy that does not say (the list API's): resolving is offered; the server has the last word.
    expect(providerActions('on_site', null, stillFailing(ticket('r', { status: 'on_site', failing: [] })))).toEqual(['waiting_store', 'resolved']);
    expect(stillFailing({})).toEqual([]);
  });
});

describe('the provider view\'s order', () => {
  const now = at('2026-11-23T08:45:00Z');
  const due = (id: string, iso: string, extra: Partial<TicketView> = {}, targetExtra: Partial<TicketSlaTarget> = {}) =>
    ticket(id, extra, { targets: { response: target(iso, targetExtra), onSite: null, resolve: null } });
  const ids = (list: { id: string }[]) => list.map((t) => t.id);
  /** What the page does on each pass: sort, keep the order shown, remember it. */
  const pass = (shown: ShownCard[], tickets: TicketView[], when = now) => {
    const list = keepOrder(shown, sortTickets(tickets, 'due', when), when);
    return { list, shown: shownCards(list, when) };
  };
  const first = () => [due('a', '2026-11-23T09:00:00Z'), due('b', '2026-11-23T09:30:00Z'), due('c', '2026-11-23T10:00:00Z')];

  it('keeps an acknowledged card where it was, which sorting again would take down the list', () => {
    const { shown } = pass([], first());
    expect(ids(shown)).toEqual(['a', 'b', 'c']);
    // Acknowledged, "a" has met its response target: its next is on site, hours away.
    const acked = ticket('a', { status: 'acknowledged' }, {
      targets: { response: target('2026-11-23T09:00:00Z', { stopped: true }), onSite: target('2026-11-23T16:00:00Z'), resolve: null },
    });
    const tickets = [acked, first()[1]!, first()[2]!];
    expect(ids(sortTickets(tickets, 'due', now))).toEqual(['b', 'c', 'a']);
    const kept = pass(shown, tickets);
    expect(ids(kept.list)).toEqual(['a', 'b', 'c']);
    // The card is the new copy, with its new status; and it stays on the passes after.
    expect(kept.list[0]!.status).toBe('acknowledged');
    expect(ids(pass(kept.shown, tickets, now + 60_000).list)).toEqual(['a', 'b', 'c']);
  });

  it('puts a new ticket where its deadline sorts it among the cards shown, and drops one that left', () => {
    const { shown } = pass([], first());
    const tickets = [due('n1', '2026-11-23T08:50:00Z'), due('a', '2026-11-23T09:00:00Z'), due('n2', '2026-11-23T09:10:00Z'), due('b', '2026-11-23T09:30:00Z'), due('n3', '2026-11-23T11:00:00Z')];
    // "c" left; "n1" sorts before everything, "n2" between "a" and "b", "n3" last.
    expect(ids(pass(shown, tickets).list)).toEqual(['n1', 'a', 'n2', 'b', 'n3']);
    // Among cards kept out of order, a new one goes before the first card that sorts after it.
    const outOfOrder = shownCards([tickets[3]!, tickets[1]!], now);
    expect(ids(pass(outOfOrder, tickets).list)).toEqual(['n1', 'n2', 'b', 'a', 'n3']);
  });

  it('lets a card that breaches rise to the top, above the cards that were shown above it', () => {
    const { shown } = pass([], first());
    // "c" was last; its response target is now breached (the server says so before its due time on the wall clock).
    const tickets = [first()[0]!, first()[1]!, due('c', '2026-11-23T10:00:00Z', {}, { breached: true })];
    expect(ids(pass(shown, tickets).list)).toEqual(['c', 'a', 'b']);
    // The clock alone does it too. "a", acknowledged, is on top with its next target hours away; "b" under it stays
    // there while its step holds, and rises once its clock passes a warning step or its due time.
    const acked = ticket('a', { status: 'acknowledged' }, {
      targets: { response: target('2026-11-23T09:00:00Z', { stopped: true }), onSite: target('2026-11-23T16:00:00Z', { goalMs: 8 * 3_600_000 }), resolve: null },
    });
    const two = [acked, first()[1]!];
    const kept = pass(pass([], first().slice(0, 2)).shown, two);
    expect(ids(kept.list)).toEqual(['a', 'b']);
    expect(ids(pass(kept.shown, two, at('2026-11-23T08:59:00Z')).list)).toEqual(['a', 'b']);
    expect(ids(pass(kept.shown, two, at('2026-11-23T09:01:00Z')).list)).toEqual(['b', 'a']);
    const near = shownCards(two, at('2026-11-23T09:25:00Z'));
    expect(ids(pass(near, two, at('2026-11-23T09:29:00Z')).list)).toEqual(['a', 'b']);
    expect(ids(pass(near, two, at('2026-11-23T09:31:00Z')).list)).toEqual(['b', 'a']);
  });

  it('lets a card rise when its priority is raised or its paused clock runs again, and only up', () => {
    const { shown } = pass([], first());
    // More tills down: "c" becomes P1 and takes P1's shorter response target.
    const raised = [first()[0]!, first()[1]!, due('c', '2026-11-23T08:55:00Z', { priority: 'P1' })];
    expect(ids(pass(shown, raised).list)).toEqual(['c', 'a', 'b']);
    // "b" waits for the store (paused: it keeps its place), then its clock runs again, its deadline now first.
    const waiting = pass(shown, [first()[0]!, due('b', '2026-11-23T08:50:00Z', { status: 'waiting_store' }, { paused: true }), first()[2]!]);
    expect(ids(waiting.list)).toEqual(['a', 'b', 'c']);
    expect(ids(pass(waiting.shown, [first()[0]!, due('b', '2026-11-23T08:50:00Z'), first()[2]!]).list)).toEqual(['b', 'a', 'c']);
    // More pressing but still sorting after the cards above it: "a" stays on top rather than going down.
    const top = pass([], first());
    const aLater = [due('a', '2026-11-23T09:45:00Z', { priority: 'P1' }), first()[1]!, first()[2]!];
    expect(ids(pass(top.shown, aLater).list)).toEqual(['a', 'b', 'c']);
  });

  it('puts a ticket whose fault recovered by itself below the live faults, however late its clock, until the fault comes back', () => {
    // "r" is a P1 whose response target passed; its store came back at 08:35 and it now closes itself.
    const gone = { recoveredAt: '2026-11-23T08:35:00Z', resolutionProposedAt: '2026-11-23T08:35:00Z' };
    const recovered = due('r', '2026-11-23T08:30:00Z', { priority: 'P1', ...gone }, { breached: true });
    const tickets = [recovered, ...first(), ticket('x', { status: 'closed' })];
    expect(ids(sortTickets(tickets, 'due', now))).toEqual(['a', 'b', 'c', 'r', 'x']);
    expect(pressure(recovered, now).sla).toBe(0);
    const { list, shown } = pass([], tickets.slice(0, 4));
    expect(ids(list)).toEqual(['a', 'b', 'c', 'r']);
    // A new live fault comes in above it.
    const more = [...tickets.slice(0, 4), due('n', '2026-11-23T12:00:00Z')];
    expect(ids(pass(shown, more).list)).toEqual(['a', 'b', 'c', 'n', 'r']);
    // The fault comes back (the server clears recoveredAt): breached again, the card goes to the top.
    const back = due('r', '2026-11-23T08:30:00Z', { priority: 'P1' }, { breached: true });
    expect(ids(pass(shown, [back, ...first()]).list)).toEqual(['r', 'a', 'b', 'c']);
  });

  it('tells a recovered ticket that closes itself from one moved by hand since, and a lasting fault from both', () => {
    const when = '2026-11-23T08:35:00Z';
    expect(recovery(ticket('a', { recoveredAt: when, resolutionProposedAt: when }))).toEqual({ at: at(when), closesItself: true, closesAt: null });
    expect(recovery(ticket('a', { recoveredAt: when, resolutionProposedAt: when, autoCloseAt: '2026-11-23T09:32:00Z' }))).toEqual({
      at: at(when),
      closesItself: true,
      closesAt: at('2026-11-23T09:32:00Z'),
    });
    expect(recovery(ticket('a', { status: 'acknowledged', recoveredAt: when }))).toEqual({ at: at(when), closesItself: false, closesAt: null });
    expect(recovery(ticket('a', { status: 'resolved', recoveredAt: when, resolutionProposedAt: '2026-11-23T08:40:00Z' }))?.closesItself).toBe(true);
    expect(recovery(ticket('a'))).toBeNull();
    expect(recovery(ticket('a', { status: 'closed', recoveredAt: when }))).toBeNull();
    // The list API's copy does not carry the fields.
    const { recoveredAt: _r, resolutionProposedAt: _p, ...summary } = ticket('a');
    expect(recovery(summary)).toBeNull();
  });

  it('never loses or repeats a card, however tickets come, go, rise and fall', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <X>(xs: readonly X[]) => xs[Math.floor(random() * xs.length)]!;
    let shown: ShownCard[] = [];
    let when = now;
    for (let round = 0; round < 300; round++) {
      const tickets: TicketView[] = [];
      for (let i = 0; i < 12; i++) {
        if (random() < 0.3) continue;
        const minutes = Math.floor(random() * 120) - 20;
        const dueAt = new Date(when + minutes * 60_000).toISOString();
        tickets.push(
          due(`t${i}`, dueAt, { priority: pick(['P1', 'P2', 'P3'] as const), status: pick(['open', 'acknowledged', 'waiting_store'] as const) }, {
            paused: random() < 0.2,
            breached: random() < 0.2,
          }),
        );
      }
      const next = pass(shown, tickets, when);
      expect(ids(next.list).sort()).toEqual(ids(tickets).sort());
      // Each card the same copy as the ticket's.
      for (const t of next.list) expect(tickets).toContain(t);
      shown = next.shown;
      when += 30_000;
    }
  });
});

describe('the lifecycle the web offers', () => {
  it('is the server\'s: the same moves and reasons for every status and role', () => {
    for (const status of TICKET_STATUSES) {
      for (const role of ['provider', 'hq', 'store'] as const) {
        expect(ticketMoves(status, role), `${status} × ${role}`).toEqual(allowedTransitions(status, role));
      }
    }
  });

  it('is the server engine\'s while the fault is live: no resolving for a provider or the store, HQ still can', () => {
    let refused = 0;
    for (const failing of [[], ['T4 still reports printer paper_out']]) {
      for (const status of TICKET_STATUSES) {
        for (const role of ['provider', 'hq', 'store'] as const) {
          const offered = ticketMoves(status, role, failing).map((m) => m.to);
          for (const rule of allowedTransitions(status, role)) {
            const server = serverTicket(failing, PATHS[status]);
            expect(server.ticket().status).toBe(status);
            const rejection = server.move(ACTORS[role], rule.to, rule.reasons[0]);
            if (rejection) refused += 1;
            expect(rejection === null, `${status} → ${rule.to} × ${role}, ${failing.length ? 'live' : 'recovered'}`).toBe(offered.includes(rule.to));
          }
        }
      }
    }
    // The live fault's resolutions, by the provider and the store from each active status.
    expect(refused).toBeGreaterThanOrEqual(6);
  });

  it('gives an HQ administrator its own moves, the ending ones last', () => {
    expect(hqActions('open')).toEqual(['acknowledged', 'waiting_store', 'resolved', 'cancelled']);
    expect(hqActions('acknowledged')).toEqual(['waiting_store', 'resolved', 'cancelled']);
    expect(hqActions('waiting_store')).toEqual(['acknowledged', 'resolved', 'cancelled']);
    expect(hqActions('on_site')).toEqual(['waiting_store', 'resolved', 'cancelled']);
    expect(hqActions('resolved')).toEqual(['closed', 'open', 'cancelled']);
    expect(hqActions('closed')).toEqual(['open']);
    expect(hqActions('cancelled')).toEqual([]);
    expect(hqReasons('open', 'cancelled')).toEqual(['false_alarm', 'duplicate']);
    expect(hqReasons('open', 'resolved')).toEqual(['hardware_replaced', 'config_fixed', 'remote_fix', 'staff_fixed']);
  });
});

describe('ticket history reasons', () => {
  it('names every reason the server writes, the ticket opened for an incident included, rather than its code', () => {
    const written = ['incident', 'hardware_replaced', 'config_fixed', 'remote_fix', 'staff_fixed', 'recovered', 'recurred', 'false_alarm', 'duplicate'];
    for (const r of written) expect(reasonLabel(r), r).not.toBe(r);
    expect(reasonLabel('incident')).toBe('Opened for an incident');
  });
});

describe('component details', () => {
  it('shows an agent\'s detail only where it adds to the state', () => {
    expect(componentDetail({ state: 'cover_open', detail: 'cover open' })).toBeNull();
    expect(componentDetail({ state: 'paper_out', detail: 'Paper out' })).toBeNull();
    expect(componentDetail({ state: 'error', detail: 'OPOS_E_OFFLINE (105)' })).toBe('OPOS_E_OFFLINE (105)');
    expect(componentDetail({ state: 'ok' })).toBeNull();
  });

  it('quotes the agent\'s own words rather than running them into the translated state', () => {
    expect(agentDetail({ state: 'error', detail: 'POS application not responding' })).toBe('agent says “POS application not responding”');
    expect(agentDetail({ state: 'cover_open', detail: 'cover open' })).toBeNull();
  });
});

describe('a refused move', () => {
  const allowed = [
    { to: 'waiting_store' as const, reasons: [] },
    { to: 'on_site' as const, reasons: [] },
    { to: 'resolved' as const, reasons: ['hardware_replaced', 'config_fixed', 'remote_fix'] },
  ];
  const refused = { type: 'refused' as const, code: 'invalid_transition' as const, allowed, wanted: 'acknowledged' as const, shown: 'open' as const, now: 'acknowledged' as const };

  it('says in the reader\'s language that someone moved the ticket meanwhile, and what the page can do now', () => {
    expect(moveFailureText(refused, 'en')).toBe('Someone else has already moved this ticket. Its status now: Acknowledged. What you can do now: “Waiting for store”, “I\'m on site”, or “Resolve”.');
    expect(moveFailureText(refused, 'ru')).toBe('Заявку уже изменил кто-то другой. Статус сейчас: Принята. Сейчас можно: «Ждать магазин», «Я на месте» или «Решить».');
    expect(moveFailureText(refused, 'es')).toBe('Otra persona ya ha cambiado este ticket. Estado actual: Aceptado. Ahora puede: «Esperar a la tienda», «Estoy en la tienda» o «Resolver».');
    // Never the server's English.
    expect(moveFailureText(refused, 'ru')).not.toMatch(/cannot|provider/);
  });

  it('does not blame anyone else when the status is the one shown, and says when nothing is left to do here', () => {
    const closed = { ...refused, allowed: [], shown: 'resolved' as const, now: 'resolved' as const, wanted: 'on_site' as const };
    expect(moveFailureText(closed, 'ru')).toBe('Сейчас это действие недоступно. Статус: Решена. Больше здесь с ней ничего сделать нельзя.');
    // The ticket could not be read again: what the page showed stands.
    expect(moveFailureText({ ...closed, now: null }, 'en')).toMatch(/^This move is not possible now\. Status: Resolved\./);
  });

  it('names an HQ administrator\'s own moves when its buttons include them', () => {
    const hq = {
      ...refused,
      allowed: [
        { to: 'closed' as const, reasons: [] },
        { to: 'open' as const, reasons: [] },
        { to: 'cancelled' as const, reasons: ['false_alarm', 'duplicate'] },
      ],
      wanted: 'waiting_store' as const,
      shown: 'open' as const,
      now: 'resolved' as const,
      offered: HQ_ACTIONS,
    };
    expect(moveFailureText(hq, 'en')).toBe('Someone else has already moved this ticket. Its status now: Resolved. What you can do now: “Close”, “Reopen”, or “Cancel ticket”.');
    expect(moveFailureText(hq, 'ru')).toBe('Заявку уже изменил кто-то другой. Статус сейчас: Решена. Сейчас можно: «Закрыть», «Открыть заново» или «Отменить заявку».');
    // A provider has no such buttons: they are not offered to it.
    expect(moveFailureText({ ...hq, offered: undefined }, 'en')).toMatch(/There is nothing more you can do with it here\.$/);
  });

  it('names the fixes the server accepts when it refuses the reason', () => {
    const reason = { ...refused, code: 'invalid_reason' as const, wanted: 'resolved' as const, now: 'open' as const };
    expect(moveFailureText(reason, 'es')).toBe(
      'Esa forma de reparación no se acepta para este ticket. Elija una de: «Equipo sustituido», «Configuración corregida» o «Reparado en remoto».',
    );
  });

  it('reads what still fails from the server\'s own refusal to resolve a live fault, one till or several', () => {
    const one = serverTicket(['T4 still reports printer paper_out']).move(PILOT, 'resolved', 'remote_fix');
    expect(failingFromRefusal(one!.message)).toEqual(['T4 still reports printer paper_out']);
    const lines = ['T1, T2 are still offline', 'T4 still reports printer paper_out'];
    const several = serverTicket(lines).move(STORE, 'resolved', 'staff_fixed');
    expect(failingFromRefusal(several!.message)).toEqual(lines);
    const tills = serverTicket(['T1, T2 are still offline']).move(PILOT, 'resolved', 'remote_fix');
    expect(failingFromRefusal(tills!.message)).toEqual(['T1, T2 are still offline']);
    // Any other refusal is not about the fault.
    const other = serverTicket([], PATHS.closed).move(PILOT, 'resolved', 'remote_fix');
    expect(other?.code).toBe('invalid_transition');
    expect(failingFromRefusal(other!.message)).toEqual([]);
  });

  it('says what still fails and that the ticket resolves itself, in the reader\'s language, for one till or several', () => {
    const one = ['T4 still reports printer paper_out'];
    expect(moveFailureText({ type: 'still_failing', failing: one }, 'en')).toBe('T4 still reports printer paper_out: the ticket resolves itself once the till has recovered.');
    expect(moveFailureText({ type: 'still_failing', failing: ['T1, T2 are still offline'] }, 'ru')).toBe('T1, T2 are still offline: заявка решится сама, когда кассы восстановятся.');
    expect(moveFailureText({ type: 'still_failing', failing: one }, 'es')).toBe('T4 still reports printer paper_out: el ticket se resuelve solo cuando la caja se recupere.');
    expect(liveFaultNote(one, false, 'en')).toMatch(/^Not resolvable by hand while the till still fails/);
    expect(liveFaultNote(one, true, 'en')).toMatch(/^The till still fails: resolving now closes a live fault by hand/);
    expect(liveFaultNote([], false, 'en')).toBeNull();
  });

  it('says a 403 and a 404 in words', () => {
    expect(moveFailureText({ type: 'http', status: 403 }, 'ru')).toBe('У вас нет прав изменять эту заявку.');
    expect(moveFailureText({ type: 'http', status: 404 }, 'es')).toBe('Este ticket ya no está disponible para usted.');
    expect(moveFailureText({ type: 'http', status: 500 }, 'en')).toBe('Could not save (HTTP 500). Try again.');
    expect(moveFailureText({ type: 'http', status: 0 }, 'en')).toBe('Could not save: the server cannot be reached. Try again.');
    expect(moveFailureText({ type: 'http', status: 0 }, 'ru')).toBe('Не удалось сохранить: сервер недоступен. Попробуйте ещё раз.');
  });
});

describe('what still fails, in the reader\'s language', () => {
  const groups = [
    { tillIds: ['T1', 'T2'], components: [{ name: 'pos', state: 'error', detail: 'POS app not responding' }, { name: 'printer', state: 'cover_open' }], condition: null },
    { tillIds: ['T3'], components: [], condition: 'not_reporting' as const },
    { tillIds: ['T5'], components: [], condition: 'silent' as const },
    { tillIds: ['T6'], components: [{ name: 'scanner', state: 'jammed' }], condition: null },
  ];

  it('names each group of tills with its faults, the agent\'s own words quoted as sent', () => {
    expect(stillFailingLines(groups, 'en')).toEqual([
      'T1, T2 (POS app: error, agent says “POS app not responding”; Receipt printer: cover open)',
      'T3 (not reporting)',
      'T5 (no sales)',
      // A component or state this page does not know is shown as sent.
      'T6 (scanner: jammed)',
    ]);
    expect(stillFailingLines(groups, 'ru')).toEqual([
      'T1, T2 (Кассовая программа: ошибка, агент сообщает: «POS app not responding»; Чековый принтер: крышка открыта)',
      'T3 (нет данных)',
      'T5 (нет продаж)',
      'T6 (scanner: jammed)',
    ]);
    expect(stillFailingLines([{ tillIds: ['T1'], components: [], condition: 'offline' }], 'es')).toEqual(['T1 (sin conexión)']);
  });

  it('is what a ticket says still fails when it carries it, its lines otherwise, and counts several tills alike', () => {
    const lines = stillFailing({ failing: ['T1, T2 are still offline'], stillFailing: [{ tillIds: ['T1', 'T2'], components: [], condition: 'offline' }] }, 'ru');
    expect(lines).toEqual(['T1, T2 (нет связи)']);
    expect(liveFaultNote(lines, false, 'en')).toBe(liveFaultNote(['T1, T2 are still offline'], false, 'en'));
    expect(stillFailing({ failing: ['T4 still reports printer paper_out'] })).toEqual(['T4 still reports printer paper_out']);
    expect(stillFailing({ failing: ['T4 still reports printer paper_out'], stillFailing: [] })).toEqual([]);
  });
});

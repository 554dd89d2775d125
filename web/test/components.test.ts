import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { Role, TicketStatus } from '@storepulse/protocol';
import WallKpis from '../src/lib/components/WallKpis.svelte';
import SlaBadge from '../src/lib/components/SlaBadge.svelte';
import EventTicker from '../src/lib/components/EventTicker.svelte';
import TicketActions from '../src/lib/components/TicketActions.svelte';
import TicketStillFailing from '../src/lib/components/TicketStillFailing.svelte';
import TicketAssign from '../src/lib/components/TicketAssign.svelte';
import TicketTimeline from '../src/lib/components/TicketTimeline.svelte';
import StoreTile from '../src/lib/components/StoreTile.svelte';
import IncidentTable from '../src/lib/components/IncidentTable.svelte';
import TicketLoss from '../src/lib/components/TicketLoss.svelte';
import { fleetCounts } from '../src/lib/fleet/counts.js';
import { incident, summary, target, ticket, tills } from './fixtures.js';
import { m } from '../src/lib/paraglide/messages.js';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ').replace(/<!--.*?-->/g, '');
const counts = fleetCounts([summary('a', 'down', { tills: tills({ down: 2, up: 1 }) }), summary('b', 'ok')]);

describe('WallKpis', () => {
  it('says "not available" rather than zero while the incident and ticket feeds are silent', () => {
    const body = plain(render(WallKpis, { props: { counts, today: null, tickets: null } }).body);
    expect(body.match(/not available/g)).toHaveLength(2);
    expect(body).not.toContain('data-count="breaches"');
    expect(body).toMatch(/data-count="down"[^]*?<strong[^>]*>1<\/strong>/);
    expect(body).toMatch(/data-count="tills-down"[^]*?<strong[^>]*>2<\/strong>/);
  });

  it('counts the stores in maintenance only while there are some', () => {
    expect(render(WallKpis, { props: { counts, today: null, tickets: null } }).body).not.toContain('data-count="maintenance"');
    const held = fleetCounts([summary('a', 'down', { maintenance: { windowId: 'w', until: '2026-12-06T04:00:00Z' } }), summary('b', 'ok')]);
    const body = plain(render(WallKpis, { props: { counts: held, today: null, tickets: null } }).body);
    expect(body).toMatch(/data-count="maintenance"[^]*?In maintenance[^]*?<strong[^>]*>1<\/strong>/);
  });

  it('shows lost revenue per currency, largest first, and a total in HQ\'s currency when it has the rates', () => {
    const today = [
      { currency: 'EUR', gross: 1200.4, net: 1000, incidents: 2 },
      { currency: 'RUB', gross: 90_000, net: 80_000, incidents: 1 },
    ];
    // With rates, largest by worth: 90,000 roubles are €900, less than €1,200.
    const withRates = plain(render(WallKpis, { props: { counts, today, tickets: null, hq: { currency: 'EUR', rates: { RUB: 0.01 } } } }).body);
    expect(withRates.indexOf('€1,200')).toBeLessThan(withRates.indexOf('RUB 90,000'));
    expect(withRates).toMatch(/data-testid="lost-total"[^]*?€2,100/);
    // Without, by the amounts as they are.
    const without = plain(render(WallKpis, { props: { counts, today, tickets: null } }).body);
    expect(without.indexOf('RUB 90,000')).toBeLessThan(without.indexOf('€1,200'));
    expect(without).toContain('no total without exchange rates');
    expect(without).not.toContain('lost-total');
  });

  it('does not pass for exact while a store offline may be losing what it cannot count yet', () => {
    const uncounted = [{ currency: 'EUR', amount: 90 }];
    // Nothing else lost: not "none", but how much it may come to.
    const only = plain(render(WallKpis, { props: { counts, today: [{ currency: 'EUR', gross: 0, net: 0, incidents: 1 }], tickets: null, uncounted } }).body);
    expect(only).toMatch(/data-testid="lost-up-to"[^>]*>none counted yet, up to €90</);
    expect(only).not.toMatch(/data-count="lost-today"[^]*?<strong[^>]*>none/);
    expect(only).not.toMatch(/class="count lost[^"]*zero/);
    // Beside a counted loss, a note after it.
    const beside = plain(render(WallKpis, { props: { counts, today: [{ currency: 'EUR', gross: 40, net: 30, incidents: 2 }], tickets: null, uncounted } }).body);
    expect(beside).toMatch(/data-currency="EUR"[^]*?€40[^]*?data-testid="lost-up-to"[^>]*>\+ up to €90 not counted yet</);
    // The reason, a tooltip for a mouse, is hidden text for a screen reader.
    expect(beside).toMatch(/\+ up to €90 not counted yet<\/span><span class="visually-hidden"> \(The tills may still be selling offline/);
    // No bound, or the feed not heard from: nothing of it.
    expect(render(WallKpis, { props: { counts, today: [], tickets: null } }).body).not.toContain('lost-up-to');
    expect(render(WallKpis, { props: { counts, today: null, tickets: null, uncounted } }).body).not.toContain('lost-up-to');
  });

  it('leaves out a currency with nothing lost rather than show "0 MX$"', () => {
    const today = [
      { currency: 'MXN', gross: 0, net: 0, incidents: 1 },
      { currency: 'USD', gross: 0.2, net: 0, incidents: 1 },
      { currency: 'EUR', gross: 40, net: 30, incidents: 1 },
    ];
    const body = plain(render(WallKpis, { props: { counts, today, tickets: null } }).body);
    expect(body).toContain('data-currency="EUR"');
    expect(body).not.toContain('data-currency="MXN"');
    expect(body).not.toContain('data-currency="USD"');
    expect(body).not.toContain('no total without exchange rates');
    const none = plain(render(WallKpis, { props: { counts, today: today.slice(0, 2), tickets: null } }).body);
    expect(none).toMatch(/data-count="lost-today"[^]*?none/);
    expect(none).not.toContain('data-currency');
  });

  it('leads from the loss today to where it was lost: the month\'s report per store', () => {
    const body = plain(render(WallKpis, { props: { counts, today: [{ currency: 'EUR', gross: 40, net: 30, incidents: 1 }], tickets: null } }).body);
    expect(body).toMatch(/<a class="count lost[^"]*" href="\/reports\/lost-revenue" data-count="lost-today"[^]*?€40[^]*?<\/a>/);
  });

  it('does not show a provider the unassigned queue, which is never theirs', () => {
    const tickets = { open: 4, breached: 1, unassigned: 2 };
    expect(render(WallKpis, { props: { counts, today: [], tickets, role: 'provider' } }).body).not.toContain('data-count="unassigned"');
    expect(render(WallKpis, { props: { counts, today: [], tickets, role: 'hq-viewer' } }).body).toContain('data-count="unassigned"');
  });

  it('counts open tickets, breaches and the unassigned queue', () => {
    const body = plain(render(WallKpis, { props: { counts, today: [], tickets: { open: 4, breached: 1, unassigned: 2 } } }).body);
    expect(body).toMatch(/data-count="tickets"[^]*?<strong[^>]*>4<\/strong>/);
    expect(body).toMatch(/data-count="breaches"[^]*?<strong[^>]*>1<\/strong>/);
    expect(body).toMatch(/data-count="unassigned"[^]*?<strong[^>]*>2<\/strong>/);
    expect(body).toMatch(/data-count="lost-today"[^]*?none/);
  });
});

describe('TicketLoss', () => {
  const zero = { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' };
  const shown = (lost: Parameters<typeof TicketLoss>[1]['lost']) => plain(render(TicketLoss, { props: { lost, none: 'nothing yet' } }).body).trim();

  it('says "none counted yet, up to …" for a ticket the server marks uncounted, from the ticket alone', () => {
    const body = shown({ ...zero, high: 780, uncounted: true });
    expect(body).toMatch(/data-testid="ticket-lost-up-to"[^>]*>none counted yet, up to €780\.00</);
    expect(body).toContain('title="The tills may still be selling offline');
  });

  it('says why nothing is counted yet where a tooltip cannot reach: a line of its own when asked, hidden text for screen readers otherwise', () => {
    const lost = { ...zero, high: 780, uncounted: true as const };
    const explained = plain(render(TicketLoss, { props: { lost, none: 'nothing yet', explain: true } }).body);
    expect(explained).toMatch(/data-testid="ticket-lost-up-to-hint"[^>]*>The tills may still be selling offline: their sales, once they come in, settle the figure\.</);
    expect(shown(lost)).toMatch(/class="visually-hidden[^"]*"[^>]*> \(The tills may still be selling offline/);
    expect(shown(lost)).not.toContain('ticket-lost-up-to-hint');
  });

  it('shows a counted loss as it is, and a 0 that is not marked (or no estimate) as nothing yet', () => {
    expect(shown({ gross: 120, net: 100, low: 80, high: 400, currency: 'EUR', uncounted: true })).toBe('€120.00');
    expect(shown({ ...zero, high: 780 })).toBe('nothing yet');
    expect(shown(null)).toBe('nothing yet');
  });
});

describe('IncidentTable', () => {
  it('shows gross, net and the band net likely lies in, and no band where there is none', () => {
    const banded = incident('a', 'S1');
    const exact = incident('b', 'S1', { lostRevenue: { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' } });
    const body = plain(render(IncidentTable, { props: { incidents: [banded, exact], timeZone: 'Europe/Madrid' } }).body);
    const [first, second] = body.split('data-incident-id').slice(1);
    expect(first).toMatch(/€100\.00[^]*€80\.00[^]*likely €60\.00–€140\.00/);
    expect(first).toContain('title="80 % interval: the true net lies in this range four times in five"');
    expect(second).not.toContain('likely');
  });

  it('says an open incident has no figure yet rather than 0.00, why when the visitors are unknown, and how much it could be; a closed 0 is a figure', () => {
    const zero = { gross: 0, net: 0, low: 0, high: 0, currency: 'EUR' };
    const rows = plain(render(IncidentTable, { props: {
      incidents: [
        incident('a', 'S1', { lostRevenue: zero }),
        incident('b', 'S1', { lostRevenue: zero, flags: ['no_visitor_data'] }),
        incident('c', 'S1', { lostRevenue: zero, status: 'closed', endedAt: '2026-11-23T08:30:00Z' }),
        incident('d', 'S1', { kind: 'store_offline', lostRevenue: { ...zero, high: 780 }, flags: ['capacity_assumed'] }),
        incident('e', 'S1', { lostRevenue: { ...zero, high: 248 } }),
      ],
      timeZone: 'Europe/Madrid',
    } }).body).split('data-incident-id').slice(1);
    expect(rows[0]).toMatch(/data-testid="incident-lost-pending"[^>]*>\s*nothing yet/);
    expect(rows[1]).toMatch(/data-testid="incident-lost-pending"[^>]*>\s*no visitor data yet/);
    expect(rows[0]).not.toContain('€0.00');
    expect(rows[2]).toContain('€0.00');
    expect(rows[2]).not.toContain('incident-lost-pending');
    // A store offline may sell on behind its network: nothing is charged yet, and the band says how much it could be.
    expect(rows[3]).toMatch(/data-testid="incident-lost-pending"[^]*none counted yet, up to €780\.00/);
    // Its reason is a tooltip for a mouse, and hidden text for a screen reader.
    expect(rows[3]).toMatch(/none counted yet, up to €780\.00<\/span><span class="visually-hidden"> \(The tills may still be selling offline/);
    // Tills known to be down, the capacity model's 0 so far: nothing yet, and no talk of selling offline.
    expect(rows[4]).toMatch(/data-testid="incident-lost-pending"[^>]*>\s*nothing yet/);
  });

  it('says an open incident is recovering, and since when, while the hold period runs', () => {
    const held = incident('a', 'S1', { recoveringSince: '2026-11-23T09:30:00Z' });
    const down = incident('b', 'S1');
    const [first, second] = plain(render(IncidentTable, { props: { incidents: [held, down], timeZone: 'Europe/Madrid' } }).body)
      .split('data-incident-id')
      .slice(1);
    expect(first).toMatch(/data-testid="incident-recovering"[^>]*>\s*recovering since 10:30/);
    expect(first).not.toContain('ongoing');
    expect(second).toContain('ongoing');
    expect(second).not.toContain('recovering');
  });
});

describe('SlaBadge', () => {
  const t = ticket('T-1');
  const at = (iso: string) => Date.parse(iso);

  it('counts down to the next target and says how it stands in words and by icon', () => {
    const body = plain(render(SlaBadge, { props: { ticket: t, now: at('2026-11-23T08:50:00Z') } }).body);
    expect(body).toContain('data-urgency="near"');
    // Eleven minutes, said as such: "11:00 left" read like a time of day.
    expect(body).toContain('Response: 11 min left');
    expect(body).toContain('near breach');
    expect(body).toContain('href="#icon-degraded"');
  });

  it('counts up once overdue', () => {
    const body = plain(render(SlaBadge, { props: { ticket: t, now: at('2026-11-23T09:03:30Z') } }).body);
    expect(body).toContain('data-urgency="breached"');
    expect(body).toContain('Response: 2 min overdue');
  });

  it('says the SLA was met once every target stopped', () => {
    const done = ticket('T-2', { status: 'resolved' }, { targets: { response: target(null, { stopped: true }), onSite: null, resolve: null } });
    expect(plain(render(SlaBadge, { props: { ticket: done, now: 0 } }).body)).toContain('SLA met');
  });

  it('says plainly that the fault recovered and the ticket closes itself, without the breached alarm', () => {
    // A P1 store offline: its response target passed at 09:01; the store came back at 09:02 (10:02 in Madrid).
    const gone = { priority: 'P1' as const, recoveredAt: '2026-11-23T09:02:00Z', resolutionProposedAt: '2026-11-23T09:02:00Z' };
    const late = { breached: true, targets: { response: target('2026-11-23T09:01:00Z', { breached: true }), onSite: null, resolve: null } };
    const body = plain(render(SlaBadge, { props: { ticket: ticket('T-4', gone, late), now: at('2026-11-23T09:04:00Z'), timeZone: 'Europe/Madrid' } }).body);
    expect(body).toContain('data-urgency="recovered"');
    expect(body).toMatch(/Recovered at 10:02( AM)?: the fault went away by itself, and the ticket closes itself unless it comes back/);
    // With the server's time for it, it says when, in the store's time zone.
    const timed = plain(render(SlaBadge, { props: { ticket: ticket('T-4', { ...gone, autoCloseAt: '2026-11-23T09:32:00Z' }, late), now: at('2026-11-23T09:04:00Z'), timeZone: 'Europe/Madrid' } }).body);
    expect(timed).toMatch(/the ticket closes itself at 10:32( AM)? unless it comes back/);
    // Recovered late in the evening, it closes itself after the store's midnight: that time carries its date.
    const evening = { ...gone, recoveredAt: '2026-11-23T22:50:00Z', resolutionProposedAt: '2026-11-23T22:50:00Z', autoCloseAt: '2026-11-23T23:20:00Z' };
    const overnight = plain(render(SlaBadge, { props: { ticket: ticket('T-6', evening, late), now: at('2026-11-23T22:55:00Z'), timeZone: 'Europe/Madrid' } }).body);
    expect(overnight).toMatch(/Recovered at 11:50 PM: .* closes itself at Nov 24, 2026,? (at )?12:20 AM unless/);
    expect(body).not.toContain('data-urgency="breached"');
    expect(body).not.toMatch(/urgency-breached|breached</i);
    // The clock is still said, in muted words.
    expect(body).toMatch(/class="quiet[^"]*"[^>]*>\s*Response: 3 min overdue/);
    // Moved by hand after the recovery: it will not close itself, and says so.
    const kept = plain(render(SlaBadge, { props: { ticket: ticket('T-5', { ...gone, status: 'acknowledged', resolutionProposedAt: null }, late), now: 0 } }).body);
    expect(kept).toContain('will not close itself');
    expect(kept).toContain('data-closes-itself="false"');
    for (const locale of ['ru', 'es'] as const) {
      expect(m.sla_recovered_closes({ time: '10:02' }, { locale })).toContain('10:02');
      expect(m.sla_recovered_closes({ time: '10:02' }, { locale })).not.toBe(m.sla_recovered_closes({ time: '10:02' }));
      expect(m.sla_recovered_closes_at({ time: '10:02', closes: '10:32' }, { locale })).toContain('10:32');
      expect(m.sla_recovered_closes_at({ time: '10:02', closes: '10:32' }, { locale })).not.toBe(m.sla_recovered_closes_at({ time: '10:02', closes: '10:32' }));
      expect(m.sla_recovered_kept({ time: '10:02' }, { locale })).not.toBe(m.sla_recovered_kept({ time: '10:02' }));
    }
  });

  it('says "No SLA", neutral, for an unassigned ticket with no targets, open or ended', () => {
    const none = { clock: null, breached: false, targets: { response: null, onSite: null, resolve: null } };
    for (const status of ['open', 'cancelled'] as const) {
      const body = plain(render(SlaBadge, { props: { ticket: ticket('T-3', { providerId: null, status }, none), now: 0 } }).body);
      expect(body, status).toContain('data-urgency="none"');
      expect(body, status).toContain('No SLA');
      expect(body, status).not.toContain('SLA met');
      expect(body, status).not.toContain('#icon-ok');
    }
  });
});

describe('EventTicker', () => {
  it('shows each event with HQ time and, when it differs, the store\'s local time', () => {
    const at = Date.UTC(2026, 10, 23, 9, 5);
    const body = plain(
      render(EventTicker, {
        props: {
          entries: [
            { id: '1', at, type: 'store', storeId: 'S9', from: 'ok', to: 'down' },
            { id: '2', at, type: 'ticket', storeId: 'S9', ticketId: 'T-1', event: 'sla.breached', status: 'open' },
            { id: '3', at, type: 'maintenance', storeId: 'S9', windowId: 'pos-upgrade', started: true },
          ],
        },
      }).body,
    );
    expect(body.replace(/<[^>]*>/g, '')).toContain('Maintenance pos-upgrade started');
    expect(body).toMatch(/data-ticker-type="maintenance"[^]*?#icon-wrench/);
    expect(body).toContain('OK → Down');
    // The id is kept whole on one line (a span of its own).
    expect(body.replace(/<[^>]*>/g, '')).toContain('Ticket T-1: SLA breached');
    expect(body).toMatch(/<span class="id[^"]*">T-1<\/span>/);
    expect(body).toContain('data-tone="down"');
  });

  it('says so when nothing has happened yet', () => {
    expect(render(EventTicker, { props: { entries: [] } }).body).toContain('No events since this screen opened.');
  });
});

describe('TicketActions', () => {
  it('offers a provider acknowledge, waiting for the store, on site and resolve on an open ticket', () => {
    const body = render(TicketActions, { props: { ticket: { id: 'T-1', status: 'open' }, role: 'provider' } }).body;
    expect([...body.matchAll(/data-action="(\w+)"/g)].map((m) => m[1])).toEqual(['acknowledged', 'waiting_store', 'on_site', 'resolved']);
  });

  it('offers an engineer back on site first, and no step back to acknowledge, when the ticket waited for the store after the check-in', () => {
    const waiting = { id: 'T-1', status: 'waiting_store' as const, onSiteAt: '2026-11-23T08:50:00Z' };
    const body = render(TicketActions, { props: { ticket: waiting, role: 'provider' } }).body;
    expect([...body.matchAll(/data-action="(\w+)"/g)].map((m) => m[1])).toEqual(['on_site', 'resolved']);
    expect(body).toMatch(/data-action="on_site" class="[^"]*primary">Back on site</);
  });

  const buttons = (status: TicketStatus, role: Role) =>
    [...render(TicketActions, { props: { ticket: { id: 'T-1', status }, role } }).body.matchAll(/data-action="(\w+)"/g)].map((m) => m[1]!);

  it('keeps on-site check-in for the engineer: HQ admins get the other moves, and those only HQ may make', () => {
    expect(buttons('open', 'hq-admin')).toEqual(['acknowledged', 'waiting_store', 'resolved', 'cancelled']);
    expect(buttons('on_site', 'hq-admin')).toEqual(['waiting_store', 'resolved', 'cancelled']);
    expect(buttons('resolved', 'hq-admin')).toEqual(['closed', 'open', 'cancelled']);
    expect(buttons('closed', 'hq-admin')).toEqual(['open']);
    expect(buttons('cancelled', 'hq-admin')).toEqual([]);
    const body = render(TicketActions, { props: { ticket: { id: 'T-1', status: 'resolved' }, role: 'hq-admin' } }).body;
    expect(body).toContain('>Close</button>');
    expect(body).toContain('>Reopen</button>');
    expect(body).toContain('>Cancel ticket</button>');
  });

  it('does not give a provider the moves only HQ may make', () => {
    const hqOnly = ['closed', 'open', 'cancelled'];
    for (const status of ['open', 'acknowledged', 'waiting_store', 'on_site', 'resolved', 'closed'] as const) {
      // An HQ administrator has at least one of them from every one of these statuses; a provider none.
      expect(buttons(status, 'hq-admin').some((b) => hqOnly.includes(b)), status).toBe(true);
      expect(buttons(status, 'provider').filter((b) => hqOnly.includes(b)), status).toEqual([]);
    }
    // Waiting for the store is the engineer's move too: what the store must do first pauses the clock.
    expect(buttons('acknowledged', 'provider')).toEqual(['waiting_store', 'on_site', 'resolved']);
  });

  it('gives a provider no Resolve while the fault is live, and says why; HQ keeps it, told it closes a live fault', () => {
    const live = { id: 'T-1', status: 'on_site' as const, failing: ['T4 still reports printer paper_out'] };
    const provider = plain(render(TicketActions, { props: { ticket: live, role: 'provider' } }).body);
    expect([...provider.matchAll(/data-action="(\w+)"/g)].map((m) => m[1])).toEqual(['waiting_store']);
    expect(provider).toMatch(/data-testid="resolve-live-fault"[^>]*>Not resolvable by hand while the till still fails: the ticket resolves itself once the till has recovered\.</);
    const hq = plain(render(TicketActions, { props: { ticket: live, role: 'hq-admin' } }).body);
    expect([...hq.matchAll(/data-action="(\w+)"/g)].map((m) => m[1])).toEqual(['waiting_store', 'resolved', 'cancelled']);
    expect(hq).toMatch(/data-testid="resolve-live-fault"[^>]*>The till still fails: resolving now closes a live fault by hand/);
    // Recovered, or resolved already: nothing to say about it.
    expect(render(TicketActions, { props: { ticket: { ...live, failing: [] }, role: 'provider' } }).body).not.toContain('resolve-live-fault');
    expect(render(TicketActions, { props: { ticket: { ...live, status: 'resolved' }, role: 'hq-admin' } }).body).not.toContain('resolve-live-fault');
  });

  it('is read-only for HQ viewers', () => {
    const body = render(TicketActions, { props: { ticket: { id: 'T-1', status: 'open' }, role: 'hq-viewer' } }).body;
    expect(body).not.toContain('<button');
    expect(body).toContain('Read-only');
  });
});

describe('TicketStillFailing', () => {
  const shown = (ticket: { status: TicketStatus; failing?: string[] }) => plain(render(TicketStillFailing, { props: { ticket } }).body);

  it('says what still fails on an active ticket, in the server\'s words', () => {
    expect(shown({ status: 'acknowledged', failing: ['T1, T2 are still offline', 'T4 still reports printer paper_out'] })).toMatch(
      /data-testid="ticket-still-failing"[^>]*>Still failing: T1, T2 are still offline; T4 still reports printer paper_out</,
    );
  });

  it("words it in the reader's language when the ticket says it structured, rather than the server's English", () => {
    const stillFailing = [
      { tillIds: ['T1', 'T2'], components: [], condition: 'offline' as const },
      { tillIds: ['T4'], components: [{ name: 'printer', state: 'paper_out' }], condition: null },
    ];
    const body = plain(render(TicketStillFailing, { props: { ticket: { status: 'acknowledged', failing: ['T1, T2 are still offline', 'T4 still reports printer paper_out'], stillFailing } } }).body);
    expect(body).toMatch(/data-testid="ticket-still-failing"[^>]*>Still failing: T1, T2 \(offline\); T4 \(Receipt printer: paper out\)</);
  });

  it('says nothing once it has recovered, when the copy does not say, or for an ended ticket', () => {
    expect(shown({ status: 'open', failing: [], stillFailing: [] } as never)).not.toContain('ticket-still-failing');
    expect(shown({ status: 'open', failing: [] })).not.toContain('ticket-still-failing');
    expect(shown({ status: 'open' })).not.toContain('ticket-still-failing');
    expect(shown({ status: 'resolved', failing: ['T4 still reports printer paper_out'] })).not.toContain('ticket-still-failing');
  });
});

describe('TicketAssign', () => {
  const active = { id: 'T-1', status: 'open' as const, providerId: null, storeId: 'S001', category: 'printer' as const };
  const body = (ticket: Parameters<typeof TicketAssign>[1]['ticket'], role: Role, opened = false) =>
    plain(render(TicketAssign, { props: { ticket, role, opened } }).body);

  it('offers an HQ administrator to assign an unassigned ticket, and to reassign one a provider has, with a big button', () => {
    expect(body(active, 'hq-admin')).toMatch(/<button type="button" data-action="assign" class="[^"]*primary[^"]*">Assign to provider</);
    expect(body({ ...active, providerId: 'pilot' }, 'hq-admin')).toMatch(/data-action="assign" class="[^"]*">Reassign</);
  });

  it('shows nothing of it to HQ viewers and providers, nor on a ticket that has ended', () => {
    for (const role of ['hq-viewer', 'provider'] as const) expect(body(active, role, true)).not.toContain('ticket-assign');
    for (const status of ['resolved', 'closed', 'cancelled'] as const) expect(body({ ...active, status }, 'hq-admin', true)).not.toContain('ticket-assign');
  });

  it('opens on the form when the page is entered for it, the list to choose from while it loads', () => {
    const form = body(active, 'hq-admin', true);
    expect(form).toContain('data-testid="assign-form"');
    expect(form).toContain('No provider covers this ticket, so no SLA runs.');
    // Not disabled, which would keep keyboard focus off it: busy.
    expect(form).toMatch(/<select id="assign-provider-T-1"[^>]*aria-busy="true"/);
    expect(form).not.toMatch(/<select[^>]*disabled/);
    expect(form).toContain('Note for the provider (optional)');
    // Reassigning says nothing of the unassigned queue.
    expect(body({ ...active, providerId: 'pilot' }, 'hq-admin', true)).not.toContain('No provider covers');
  });
});

describe('TicketTimeline', () => {
  const entry = (extra: object) => ({ at: '2026-11-23T09:00:00Z', actor: { role: 'hq' as const, id: 'ops' }, from: 'open' as const, to: 'open' as const, reason: 'assigned', note: null, ...extra });

  it('says whom HQ assigned the ticket to, and from whom or from the unassigned queue', () => {
    const audit = [
      entry({ fromProvider: null, toProvider: 'pilot', note: 'Nobody covers printers in Madrid' }),
      entry({ at: '2026-11-23T10:00:00Z', from: 'acknowledged', fromProvider: 'pilot', toProvider: 'printfix' }),
    ];
    const body = plain(render(TicketTimeline, { props: { ticket: { audit, openedAt: '2026-11-23T08:00:00Z' }, timeZone: 'Europe/Madrid' } }).body);
    const [first, second] = body.split('<li').slice(1);
    expect(first).toMatch(/<strong>Assigned to pilot \(from the unassigned queue\)<\/strong>/);
    expect(first).toContain('Nobody covers printers in Madrid');
    expect(first).not.toMatch(/class="reason/);
    // The ticket goes back to open for the new provider to acknowledge: the move is said too.
    expect(second).toMatch(/<strong>Assigned to printfix \(from pilot\)<\/strong>[^]*class="reason[^"]*">Acknowledged → Open</);
  });

  it('says when the system sent the ticket on because the fault or the contracts made it another provider\'s, or nobody\'s', () => {
    const system = { role: 'system' as const, id: 'storepulse' };
    const audit = [
      entry({ actor: system, reason: 'rerouted', fromProvider: 'tillcare', toProvider: 'netline' }),
      entry({ at: '2026-11-23T10:00:00Z', actor: system, reason: 'rerouted', fromProvider: null, toProvider: 'tillcare' }),
      entry({ at: '2026-11-23T11:00:00Z', actor: system, reason: 'rerouted', fromProvider: 'tillcare' }),
    ];
    const body = plain(render(TicketTimeline, { props: { ticket: { audit, openedAt: '2026-11-23T08:00:00Z' }, timeZone: 'Europe/Madrid' } }).body);
    const [first, second, third] = body.split('<li').slice(1);
    expect(first).toMatch(/<strong>Sent on to netline \(from tillcare\)<\/strong>/);
    // Not "Rerouted" as a reason beside it, nor the move open → open.
    expect(first).not.toMatch(/class="reason/);
    expect(second).toMatch(/<strong>Sent on to tillcare \(from the unassigned queue\)<\/strong>/);
    expect(third).toMatch(/<strong>Back to the unassigned queue: no provider covers it now \(from tillcare\)<\/strong>/);
    expect(third).not.toMatch(/Open → Open/);
  });
});

describe('StoreTile lost revenue', () => {
  it('shows the loss so far and reads it out in the label', () => {
    const store = summary('mad-01', 'down', { name: 'Madrid Centro', tills: tills({ up: 0, down: 2 }) });
    const body = render(StoreTile, { props: { store, loss: '€1.2K' } }).body;
    expect(body).toContain('€1.2K lost');
    expect(body).toContain('aria-label="Madrid Centro, Madrid: Down, 0 of 2 tills up, €1.2K lost"');
    expect(body).not.toContain('data-recovering');
  });

  it('says "recovering" instead of OK while the incident waits out its hold, and reads it out', () => {
    const store = summary('mad-01', 'ok', { name: 'Madrid Centro', tills: tills({ up: 2 }) });
    const body = render(StoreTile, { props: { store, loss: '€1.2K', recovering: true } }).body;
    expect(body).toContain('data-recovering="true"');
    expect(body).toMatch(/class="state-label[^"]*">recovering</);
    expect(body).toContain('aria-label="Madrid Centro, Madrid: OK, 2 of 2 tills up, €1.2K lost, recovering"');
  });
});

describe('StoreTile, a store offline', () => {
  it('says "up to …", muted, with why, where a plain nothing read as "costs nothing"; and reads it out', () => {
    const store = summary('sev-03', 'offline', { name: 'Sevilla Sur', city: 'Sevilla', tills: tills({ offline: 2 }) });
    const body = render(StoreTile, { props: { store, upTo: '€90' } }).body;
    expect(body).toMatch(/<span class="loss up-to[^"]*" data-testid="tile-lost-up-to" title="The tills may still be selling offline[^"]*">up to €90<\/span>/);
    expect(body).not.toContain('tile-loss');
    expect(body).toContain('aria-label="Sevilla Sur, Sevilla: Offline, 0 of 2 tills up, no loss counted yet, up to €90"');
    // A counted loss is the figure, the bound no longer shown.
    const counted = render(StoreTile, { props: { store, loss: '€12', upTo: '€90' } }).body;
    expect(counted).toContain('€12 lost');
    expect(counted).not.toContain('up to');
  });
});

describe('StoreTile maintenance', () => {
  const maintenance = { windowId: 'pos-upgrade', until: '2026-12-06T04:00:00Z' };

  it('puts a wrench before the city, and reads out until when, in store time', () => {
    const store = summary('mad-01', 'down', { name: 'Madrid Centro', tills: tills({ up: 0, down: 2 }), maintenance });
    const body = render(StoreTile, { props: { store } }).body;
    expect(body).toContain('data-maintenance="pos-upgrade"');
    expect(body).toMatch(/<span class="city[^"]*">(<!--[^>]*-->)*<svg[^>]*><use href="#icon-wrench"><\/use><\/svg>(<!--[^>]*-->)*Madrid<\/span>/);
    // 04:00 UTC is 05:00 in Madrid.
    expect(body).toContain('aria-label="Madrid Centro, Madrid: Down, 0 of 2 tills up, in maintenance until Dec 6, 2026, 5:00 AM, store time"');
  });

  it('shows nothing of it on a store no window holds, nor the corner wrench over the stale mark', () => {
    const plain = render(StoreTile, { props: { store: summary('mad-01', 'down') } }).body;
    expect(plain).not.toContain('data-maintenance');
    expect(plain).not.toContain('icon-wrench');
    const stale = render(StoreTile, { props: { store: summary('mad-01', 'down', { maintenance }), stale: true } }).body;
    expect(stale).toContain('stale-mark');
    expect(stale).not.toContain('maintenance-mark');
  });
});

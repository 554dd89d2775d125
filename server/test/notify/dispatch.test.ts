import { describe, expect, it } from 'vitest';
import { toProvider } from '../../src/domain/sla/providers.js';
import { DEFAULT_TICKETS_CONFIG } from '../../src/domain/tickets/config.js';
import { TicketEngine, type TicketEffect } from '../../src/domain/tickets/engine.js';
import { notificationsFor, secretsFromProviders } from '../../src/notify/dispatch.js';
import type { Delivery } from '../../src/notify/outbox.js';
import { at, pilotConfig, store } from '../domain/tickets/fixtures.js';

const provider = toProvider({
  ...pilotConfig,
  email: 'support@pilot.example',
  contacts: [{ name: 'Duty manager', email: 'duty@pilot.example' }],
  webhooks: [
    { url: 'https://helpdesk.example/hooks/storepulse', secret: ['new', 'old'], events: ['ticket.opened', 'ticket.updated', 'ticket.closed'] },
    { url: 'https://hooks.slack.example/services/X', secret: 'unused', format: 'slack' },
    { url: 'https://teams.example/webhook', secret: 'unused', format: 'teams', events: ['sla.breached'] },
  ],
  escalation: [{ after: '15m', notify: 'Duty manager' }, { after: '30m', notify: 'boss@pilot.example' }],
});
const stores = new Map([['S001', store()], ['S777', store({ id: 'S777', city: 'Bilbao' })]]);
const ctx = { providers: [provider], stores, email: true };

function effects() {
  const engine = new TicketEngine({ stores, providers: [provider], config: DEFAULT_TICKETS_CONFIG });
  const incident = { id: 'i1', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z', details: 'POS app not responding' };
  const opened = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident }).effects;
  const later = engine.apply({ type: 'tick', at: at('2026-11-10T11:00:00Z') }).effects;
  const quiet = engine.apply({ type: 'incident.updated', at: at('2026-11-10T11:01:00Z'), incident: { ...incident, visitors: 40 } }).effects;
  return { opened: opened[0]!, later, quiet: quiet[0]!, engine };
}
const byType = (list: TicketEffect[], type: string, n = 0) => list.filter((e) => e.type === type)[n]!;

describe('notificationsFor', () => {
  it('sends a new ticket to the signed webhook, the chat and the provider email', () => {
    const out = notificationsFor(effects().opened, ctx);
    expect(out.map((o) => [o.channel, o.target])).toEqual([
      ['webhook', 'https://helpdesk.example/hooks/storepulse'],
      ['slack', 'https://hooks.slack.example/services/X'],
      ['email', 'support@pilot.example'],
    ]);
    const body = JSON.parse(out[0]!.body);
    expect(Object.keys(body)).toEqual(['id', 'type', 'occurredAt', 'ticket']);
    expect(body).toMatchObject({ type: 'ticket.opened', occurredAt: '2026-11-10T10:00:00.000Z', ticket: { storeId: 'S001', priority: 'P2', status: 'open' } });
    expect(body.ticket.sla).toMatchObject({ clock: 'store_hours', responseDueAt: '2026-11-10T11:00:00.000Z' });
    for (const internal of ['faultKey', 'wakeAt', 'slaMarks', 'escalationsSent']) expect(body.ticket).not.toHaveProperty(internal);
    expect(out.every((o) => o.eventId === body.id && o.ticketId === body.ticket.id && o.providerId === 'pilot')).toBe(true);
    expect(JSON.parse(out[1]!.body).text).toContain(`New ticket: ${body.ticket.id} P2 pos at S001, open`);
    expect(JSON.parse(out[2]!.body)).toEqual({
      subject: `[storepulse] New ticket: ${body.ticket.id} P2 pos at S001, open`,
      text: expect.stringContaining('Details: POS app not responding'),
    });
  });

  it('respects each endpoint’s events, formats a Teams card, and mails escalations to their contact', () => {
    const { later } = effects();
    const breach = notificationsFor(byType(later, 'sla.breached'), ctx);
    expect(breach.map((o) => o.channel)).toEqual(['slack', 'teams', 'email']);
    const card = JSON.parse(breach[1]!.body);
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.body[0].text).toMatch(/^SLA breached: T-\w+ P2 pos at S001, open \(response\)$/);
    expect(JSON.parse(breach[0]!.body).text).toContain('Resolve due: ');

    const warn = notificationsFor(byType(later, 'sla.warning'), ctx);
    expect(warn.map((o) => o.channel)).toEqual(['slack']);
    expect(JSON.parse(warn[0]!.body).text).toContain('(response 50 %)');

    expect(notificationsFor(byType(later, 'ticket.escalated', 0), ctx).filter((o) => o.channel === 'email').map((o) => o.target)).toEqual(['duty@pilot.example']);
    expect(notificationsFor(byType(later, 'ticket.escalated', 1), ctx).filter((o) => o.channel === 'email').map((o) => o.target)).toEqual(['boss@pilot.example']);
    expect(notificationsFor(byType(later, 'ticket.escalated', 1), { ...ctx, email: false }).map((o) => o.channel)).toEqual(['slack']);
  });

  it("keeps a till's own fault text from pinging a Slack channel or hiding a link in Slack or Teams", () => {
    const engine = new TicketEngine({ stores, providers: [provider], config: DEFAULT_TICKETS_CONFIG });
    const details = 'pos error <!channel> re-enter PIN at <https://evil.example|https://pos.example/login> or [https://pos.example](https://evil.example) & retry';
    const incident = { id: 'i1', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z', details };
    const opened = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident }).effects[0]!;
    const teamsToo = { ...ctx, providers: [{ ...provider, webhooks: provider.webhooks.map((w) => ({ ...w, events: ['ticket.opened' as const] })) }] };
    const out = notificationsFor(opened, teamsToo);
    const slack = JSON.parse(out.find((o) => o.channel === 'slack')!.body).text as string;
    expect(slack).not.toMatch(/<!channel>|<https:/);
    expect(slack).toContain('Details: pos error &lt;!channel&gt; re-enter PIN at &lt;https://evil.example|https://pos.example/login&gt; or [https://pos.example](https://evil.example) &amp; retry');
    expect(slack).toMatch(/^\*New ticket: /);
    const card = JSON.parse(out.find((o) => o.channel === 'teams')!.body).attachments[0].content.body as { text: string }[];
    expect(card.find((b) => b.text.startsWith('Details:'))!.text).toBe(
      'Details: pos error <!channel> re-enter PIN at <https://evil.example|https://pos.example/login> or \\[https://pos.example\\](https://evil.example) & retry',
    );
    // The e-mail is plain text: it keeps the words as the till sent them.
    expect(JSON.parse(out.find((o) => o.channel === 'email')!.body).text).toContain(`Details: ${details}`);
  });

  it('tells the provider HQ took a ticket from that it is withdrawn, by chat and e-mail, and the new one that it opened', () => {
    const rapid = toProvider({ ...pilotConfig, id: 'rapid', name: 'Rapid Fix', stores: [], email: 'desk@rapid.example', webhooks: [] });
    const both = { ...ctx, providers: [provider, rapid] };
    const engine = new TicketEngine({ stores, providers: both.providers, config: DEFAULT_TICKETS_CONFIG });
    const incident = { id: 'i1', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z' };
    const ticketId = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident }).effects[0]!.ticket.id;
    const [withdrawn, reopened] = engine.apply({ type: 'assign', at: at('2026-11-10T10:30:00Z'), ticketId, actor: { role: 'hq', id: 'ana' }, providerId: 'rapid' }).effects;

    // The helpdesk's list predates withdrawals; it takes new tickets, so it hears of this one's withdrawal.
    const gone = notificationsFor(withdrawn!, both);
    expect(gone.map((o) => [o.channel, o.target, o.providerId])).toEqual([
      ['webhook', 'https://helpdesk.example/hooks/storepulse', 'pilot'],
      ['slack', 'https://hooks.slack.example/services/X', 'pilot'],
      ['email', 'support@pilot.example', 'pilot'],
    ]);
    expect(JSON.parse(gone[0]!.body)).toMatchObject({ type: 'ticket.withdrawn', ticket: { providerId: 'pilot' } });
    // The Teams card takes breaches only: it hears nothing of this.
    expect(gone.some((o) => o.channel === 'teams')).toBe(false);
    expect(JSON.parse(gone[2]!.body).subject).toBe(`[storepulse] Ticket assigned to another provider: ${ticketId} P2 pos at S001, open`);
    expect(notificationsFor(reopened!, both).map((o) => [o.channel, o.target])).toEqual([['email', 'desk@rapid.example']]);
  });

  it('sends nothing for quiet refreshes or unassigned tickets', () => {
    const { quiet } = effects();
    expect(quiet.notify).toBe(false);
    expect(notificationsFor(quiet, ctx)).toEqual([]);
    const engine = new TicketEngine({ stores, providers: [provider], config: DEFAULT_TICKETS_CONFIG });
    const [orphan] = engine.apply({ type: 'incident.opened', at: 0, incident: { id: 'i9', storeId: 'S777', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z' } }).effects;
    expect(notificationsFor(orphan!, ctx)).toEqual([]);
  });

  it('mails the store when a ticket starts waiting for it, with the provider\'s note and how to reach them', () => {
    const withEmail = new Map([...stores, ['S001', store({ email: 'granvia@shop.example' })]]);
    const engine = new TicketEngine({ stores: withEmail, providers: [provider], config: DEFAULT_TICKETS_CONFIG });
    const incident = { id: 'i1', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z', details: 'POS app not responding' };
    const [opened] = engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident }).effects;
    const move = (to: 'waiting_store' | 'acknowledged', note: string | null) =>
      engine.apply({ type: 'transition', at: at('2026-11-10T10:05:00Z'), ticketId: opened!.ticket.id, actor: { role: 'provider', id: 'pilot' }, to, note }).effects[0]!;
    const storeMails = (effect: TicketEffect, context = { ...ctx, stores: withEmail }) =>
      notificationsFor(effect, context).filter((o) => o.channel === 'email' && o.target === 'granvia@shop.example');

    // Not for a new ticket or any other move: only the one that asks the store for something.
    expect(storeMails(opened!)).toEqual([]);
    const waiting = storeMails(move('waiting_store', 'Please restart till 1 and tell us when it is back'));
    expect(waiting).toHaveLength(1);
    const mail = JSON.parse(waiting[0]!.body) as { subject: string; text: string };
    expect(mail.subject).toBe(`[storepulse] Waiting for Gran Vía: ${opened!.ticket.id} (Pilot Service)`);
    expect(mail.text).toContain(`Pilot Service needs something from Gran Vía before they can go on with ticket ${opened!.ticket.id}.`);
    expect(mail.text).toContain('Their note: Please restart till 1 and tell us when it is back');
    expect(mail.text).toContain('Tills: T1');
    expect(mail.text).toContain('Reach Pilot Service: support@pilot.example; Duty manager, duty@pilot.example');
    expect(storeMails(move('acknowledged', null))).toEqual([]);
    // Without a note the store is told to ask; without SMTP, or for a store without an address, nothing is sent.
    const silent = move('waiting_store', null);
    expect(JSON.parse(storeMails(silent)[0]!.body).text).toContain('They left no note: ask them what they need.');
    expect(storeMails(silent, { ...ctx, stores: withEmail, email: false })).toEqual([]);
    expect(notificationsFor(silent, ctx).filter((o) => o.channel === 'email')).toEqual([]);
  });

  it('says a store offline has none of its loss counted yet, up to its bound, in the webhook, chat and e-mail', () => {
    const engine = new TicketEngine({ stores, providers: [provider], config: DEFAULT_TICKETS_CONFIG });
    const offline = {
      id: 'i9', storeId: 'S001', kind: 'store_offline', tillIds: ['T1', 'T2'], startedAt: '2026-11-10T09:58:00Z',
      lostRevenue: { gross: 0, net: 0, low: 0, high: 900, currency: 'EUR' }, flags: ['capacity_assumed'],
    };
    const out = notificationsFor(engine.apply({ type: 'incident.opened', at: at('2026-11-10T10:00:00Z'), incident: offline }).effects[0]!, ctx);
    expect(out.map((o) => o.channel)).toEqual(['webhook', 'slack', 'email']);
    expect(JSON.parse(out[0]!.body).ticket.lostRevenue).toEqual({ ...offline.lostRevenue, uncounted: true });
    for (const o of out.slice(1)) {
      const text = JSON.parse(o.body).text as string;
      expect(text).toContain('Lost revenue so far: none counted yet, up to 900.00 EUR');
      expect(text).not.toContain('so far: 0.00 EUR');
    }
    // Once the tills' sales are counted, the next notification says the figure itself.
    const counted = { gross: 120, net: 100, low: 80, high: 400, currency: 'EUR' };
    engine.apply({ type: 'incident.updated', at: at('2026-11-10T10:30:00Z'), incident: { ...offline, lostRevenue: counted, flags: [] } });
    const ack = engine.apply({ type: 'transition', at: at('2026-11-10T10:31:00Z'), ticketId: out[0]!.ticketId!, actor: { role: 'provider', id: 'pilot' }, to: 'acknowledged' });
    const chat = notificationsFor(ack.effects[0]!, ctx).find((o) => o.channel === 'slack');
    expect(JSON.parse(chat!.body).text).toContain('Lost revenue so far: 100.00 EUR');
  });

  it('gives the same event id to the same effect, so a replay is not a second event', () => {
    const a = notificationsFor(effects().opened, ctx);
    const b = notificationsFor(effects().opened, ctx);
    expect(a.map((o) => o.eventId)).toEqual(b.map((o) => o.eventId));
  });
});

describe('secretsFromProviders', () => {
  it('finds the current secrets of a signed endpoint, and none for chats or removed endpoints', () => {
    const lookup = secretsFromProviders(() => [provider]);
    const d = (target: string, providerId = 'pilot') => ({ providerId, target }) as Delivery;
    expect(lookup(d('https://helpdesk.example/hooks/storepulse'))).toEqual(['new', 'old']);
    expect(lookup(d('https://hooks.slack.example/services/X'))).toEqual([]);
    expect(lookup(d('https://gone.example'))).toEqual([]);
    expect(lookup(d('https://helpdesk.example/hooks/storepulse', 'rival'))).toEqual([]);
  });
});

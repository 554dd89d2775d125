import type { Provider } from '../domain/sla/providers.js';
import type { StoreConfig } from '../domain/store.js';
import type { TicketEffect } from '../domain/tickets/engine.js';
import type { TicketEventType } from '../domain/tickets/types.js';
import { detailLines, slackMessage, summaryLine, teamsMessage } from './chat.js';
import type { Delivery, OutboxEntry } from './outbox.js';
import { webhookBody, type WebhookBody } from './payload.js';
import type { EmailBody } from './senders.js';

export interface DispatchContext {
  providers: readonly Provider[];
  stores: Pick<ReadonlyMap<string, StoreConfig>, 'get'>;
  /** True when an SMTP transport is configured. */
  email: boolean;
}

/** Email is for what needs a person: new tickets, breaches, closure, withdrawal; escalations go to their own address. */
const EMAIL_EVENTS: readonly TicketEventType[] = ['ticket.opened', 'sla.breached', 'ticket.closed', 'ticket.withdrawn'];

function escalationAddress(provider: Provider, notify: string): string | null {
  if (notify.includes('@')) return notify;
  return provider.contacts.find((c) => c.name === notify)?.email ?? null;
}

/**
 * The store's own mail when a ticket starts waiting for it: what the provider asked (their note) and how to reach
 * them. Store staff have no account here; their email is how the request reaches the till.
 */
function waitingForStoreMail(effect: TicketEffect, body: WebhookBody, provider: Provider, store: StoreConfig): { to: string; mail: EmailBody } | null {
  const t = effect.ticket;
  if (!store.email || effect.type !== 'ticket.updated' || effect.detail.change !== 'status' || t.status !== 'waiting_store') return null;
  const move = t.audit.at(-1);
  const note = move?.to === 'waiting_store' ? move.note : null;
  const reach = [
    ...(provider.email ? [provider.email] : []),
    ...provider.contacts.map((c) => [c.name, c.phone, c.email].filter(Boolean).join(', ')),
  ];
  const text = [
    `${provider.name} needs something from ${store.name} before they can go on with ticket ${t.id}.`,
    note ? `Their note: ${note}` : 'They left no note: ask them what they need.',
    '',
    ...detailLines(body),
    ...(reach.length > 0 ? ['', `Reach ${provider.name}: ${reach.join('; ')}`] : []),
    '',
    "The ticket's SLA clock stands still until it moves on.",
  ];
  return { to: store.email, mail: { subject: `[storepulse] Waiting for ${store.name}: ${t.id} (${provider.name})`, text: text.join('\n') + '\n' } };
}

/**
 * Whether an endpoint gets an event. One that gets new tickets also hears when one is withdrawn, even if its list
 * was written before withdrawals existed: its helpdesk must not keep working a ticket it no longer has.
 */
function subscribed(events: readonly TicketEventType[], type: TicketEventType): boolean {
  return events.includes(type) || (type === 'ticket.withdrawn' && events.includes('ticket.opened'));
}

/** The outbox entries one ticket effect calls for: the provider's subscribed webhooks and chats, and email. */
export function notificationsFor(effect: TicketEffect, ctx: DispatchContext): OutboxEntry[] {
  if (!effect.notify) return [];
  const provider = ctx.providers.find((p) => p.id === effect.ticket.providerId);
  const store = ctx.stores.get(effect.ticket.storeId);
  if (!provider || !store) return [];
  const body = webhookBody(effect, store);
  const base = { eventId: body.id, eventType: effect.type, ticketId: effect.ticket.id, providerId: provider.id };
  const out: OutboxEntry[] = [];
  for (const w of provider.webhooks) {
    if (!subscribed(w.events, effect.type)) continue;
    const payload = w.format === 'slack' ? slackMessage(body) : w.format === 'teams' ? teamsMessage(body) : body;
    out.push({ ...base, channel: w.format === 'storepulse' ? 'webhook' : w.format, target: w.url, body: JSON.stringify(payload) });
  }
  if (ctx.email) {
    const mail: EmailBody = { subject: `[storepulse] ${summaryLine(body)}`, text: detailLines(body).join('\n') + '\n' };
    const to = new Set<string>();
    if (provider.email && EMAIL_EVENTS.includes(effect.type)) to.add(provider.email);
    if (effect.type === 'ticket.escalated' && effect.detail.notify) {
      const addr = escalationAddress(provider, effect.detail.notify);
      if (addr) to.add(addr);
    }
    for (const target of to) out.push({ ...base, channel: 'email', target, body: JSON.stringify(mail) });
    const storeMail = waitingForStoreMail(effect, body, provider, store);
    if (storeMail) out.push({ ...base, channel: 'email', target: storeMail.to, body: JSON.stringify(storeMail.mail) });
  }
  return out;
}

/** Looks up the current secrets of the signed endpoint a delivery goes to (for httpSender). */
export function secretsFromProviders(providers: () => readonly Provider[]): (d: Delivery) => string[] {
  return (d) =>
    providers()
      .find((p) => p.id === d.providerId)
      ?.webhooks.find((w) => w.url === d.target && w.format === 'storepulse')?.secrets ?? [];
}

import { createHash } from 'node:crypto';
import type { EffectDetail, TicketEffect } from '../domain/tickets/engine.js';
import { scopedToProvider } from '../domain/tickets/requests.js';
import { ticketSla, type TicketSlaView } from '../domain/tickets/sla-view.js';
import type { Ticket, TicketEventType } from '../domain/tickets/types.js';
import type { StoreConfig } from '../domain/store.js';

/** The ticket as outsiders see it: bookkeeping of the engine left out, the live SLA view added. */
export type PublicTicket = Omit<Ticket, 'faultKey' | 'slaMarks' | 'escalationsSent' | 'wakeAt' | 'sla' | 'earlierHolders'> & { sla: TicketSlaView };

export function publicTicket(t: Ticket, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>, nowMs: number): PublicTicket {
  // earlierHolders are the SLA report's: one provider's breaches are not another's to read (the audit says who had it).
  const { faultKey: _f, slaMarks: _m, escalationsSent: _e, wakeAt: _w, sla: _s, earlierHolders: _h, ...rest } = t;
  return { ...rest, sla: ticketSla(t, store, nowMs) };
}

/** The JSON body of a webhook. */
export interface WebhookBody {
  id: string;
  type: TicketEventType;
  occurredAt: string;
  ticket: PublicTicket;
  /** Which SLA target and threshold, or which escalation step, when the type calls for it. */
  detail?: EffectDetail;
}

/**
 * Deterministic from the effect, so an effect produced twice (a replay after a restart) is one
 * event, and the outbox holds one delivery per endpoint for it.
 */
export function eventIdFor(effect: Pick<TicketEffect, 'type' | 'at' | 'detail'> & { ticket: Pick<Ticket, 'id'> }): string {
  const key = `${effect.ticket.id}|${effect.type}|${effect.at}|${JSON.stringify(effect.detail)}`;
  return 'evt_' + createHash('sha256').update(key).digest('hex').slice(0, 24);
}

export function webhookBody(effect: TicketEffect, store: Pick<StoreConfig, 'hours' | 'timezone' | 'holidays'>): WebhookBody {
  const ticket = publicTicket(effect.ticket, store, effect.at);
  const body: WebhookBody = {
    id: eventIdFor(effect),
    type: effect.type,
    occurredAt: new Date(effect.at).toISOString(),
    // Sent to the ticket's provider: what another provider wrote on it before HQ handed it over is not theirs.
    ticket: effect.ticket.providerId ? scopedToProvider(ticket, effect.ticket.providerId) : ticket,
  };
  if (Object.keys(effect.detail).length > 0) body.detail = effect.detail;
  return body;
}

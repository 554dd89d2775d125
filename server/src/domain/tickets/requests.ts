import Type, { type Static } from 'typebox';
import { ID_PATTERN } from '@storepulse/protocol';
import { isHandover } from './assignment.js';
import { TICKET_STATUSES, type Actor, type AuditEntry, type Ticket } from './types.js';

/** Body of `POST /api/tickets/:id/status`. */
export const TransitionRequestSchema = Type.Object(
  {
    status: Type.Enum([...TICKET_STATUSES]),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    /** Where the engineer checked in on site; optional. */
    location: Type.Optional(
      Type.Object(
        {
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type TransitionRequest = Static<typeof TransitionRequestSchema>;

/** Body of `POST /api/tickets/:id/assign`: HQ hands the ticket to a provider. */
export const AssignRequestSchema = Type.Object(
  {
    providerId: Type.String({ pattern: ID_PATTERN }),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type AssignRequest = Static<typeof AssignRequestSchema>;

/** A provider sees its own tickets only, a store its own store's; to them, any other ticket does not exist. */
export function ticketVisibleTo(t: Pick<Ticket, 'providerId' | 'storeId'>, actor: Actor): boolean {
  if (actor.role === 'provider') return t.providerId === actor.id;
  if (actor.role === 'store') return t.storeId === actor.id;
  return true;
}

/**
 * The ticket as a provider may read it: what another provider wrote on it before HQ handed it over (notes, an
 * engineer's location) is not theirs to read. The moves themselves stay, so the timeline still adds up.
 */
export function scopedToProvider<T extends { audit: readonly AuditEntry[] }>(t: T, providerId: string): T {
  const foreign = (a: AuditEntry) => a.actor.role === 'provider' && a.actor.id !== providerId;
  if (!t.audit.some((a) => foreign(a) && (a.note !== null || a.location !== undefined))) return t;
  return { ...t, audit: t.audit.map((a) => (foreign(a) ? { ...withoutLocation(a), note: null } : a)) };
}

/**
 * The ticket as its store reads it (an agent token, on a till PC): the providers' notes stay (they are how an engineer
 * asks the store for something), but not where an engineer checked in, nor HQ's notes when it handed the ticket over.
 */
export function scopedToStore<T extends { audit: readonly AuditEntry[] }>(t: T): T {
  const hqHandoverNote = (a: AuditEntry) => a.actor.role === 'hq' && isHandover(a.reason) && a.note !== null;
  const hidden = (a: AuditEntry) => a.location !== undefined || hqHandoverNote(a);
  if (!t.audit.some(hidden)) return t;
  return { ...t, audit: t.audit.map((a) => (hidden(a) ? { ...withoutLocation(a), note: hqHandoverNote(a) ? null : a.note } : a)) };
}

function withoutLocation({ location: _l, ...rest }: AuditEntry): AuditEntry {
  return rest;
}

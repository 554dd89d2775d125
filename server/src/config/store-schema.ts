import Type, { type Static } from 'typebox';
import { ID_PATTERN } from '@storepulse/protocol';
import { HOURS_PATTERN } from '../domain/opening-hours.js';

const Hours = Type.Union([Type.String({ pattern: HOURS_PATTERN }), Type.Null()], {
  description: 'Local opening hours "HH:MM-HH:MM" (an end before the start runs past midnight; 24:00 ends the day), or null when closed',
});

/** A store as written in the config file or sent to PUT /api/stores/:id. */
export const StoreInput = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    region: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'A wider area than the city, for grouping the wall (e.g. "Iberia")' })),
    timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Madrid' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
    tills: Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, maxItems: 200, uniqueItems: true }),
    hours: Type.Object(
      { mon: Hours, tue: Hours, wed: Hours, thu: Hours, fri: Hours, sat: Hours, sun: Hours },
      { additionalProperties: false },
    ),
    holidays: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), { maxItems: 400 })),
    provider: Type.Optional(Type.Union([Type.String({ pattern: ID_PATTERN }), Type.Null()])),
    conversion: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    avgBasket: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    email: Type.Optional(
      Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', maxLength: 254, description: "Where the store's staff hear that a ticket waits for them (needs SMTP)" }),
    ),
    backupTills: Type.Optional(
      Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 200, uniqueItems: true, description: 'Tills opened only to add capacity (listed in tills too)' }),
    ),
    groups: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 50, uniqueItems: true, description: 'Groups for maintenance windows' })),
    defaultVisitorsPerHour: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100_000, description: 'Visitors per hour to assume where there is neither a counter nor history' }),
    ),
    tillThroughput: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 600, description: 'Transactions one busy till completes in an hour, from the POS reports' }),
    ),
  },
  { additionalProperties: false },
);
export type StoreInput = Static<typeof StoreInput>;

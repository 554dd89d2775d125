import Type, { type Static } from 'typebox';
import { ID_PATTERN, WEEKDAYS } from '@storepulse/protocol';
import { HOURS_PATTERN } from '../domain/opening-hours.js';

/** `incidents:` in the config file: how long a fault or a recovery must last. */
export const IncidentsInput = Type.Object(
  {
    pendingSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'A fault must last this long to become an incident (default 60)' })),
    recoverSec: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'Recovery must hold this long to close an incident (default 120)' })),
  },
  { additionalProperties: false },
);

const LocalDateTime = Type.String({
  minLength: 16,
  maxLength: 40,
  description: '"YYYY-MM-DDTHH:MM" in each store\'s local time, or an instant with Z or an offset',
});

/** A maintenance window in the config file or in the body of PUT /api/maintenance/:id. */
export const MaintenanceInput = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    storeIds: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 20_000, uniqueItems: true })),
    groups: Type.Optional(Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 100, uniqueItems: true })),
    start: Type.Optional(LocalDateTime),
    end: Type.Optional(LocalDateTime),
    recurrence: Type.Optional(
      Type.Object(
        {
          weekdays: Type.Array(Type.Enum([...WEEKDAYS] as string[]), { minItems: 1, maxItems: 7, uniqueItems: true }),
          hours: Type.String({ pattern: HOURS_PATTERN, description: 'Local "HH:MM-HH:MM"; an end at or before the start runs past midnight' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type MaintenanceInput = Static<typeof MaintenanceInput>;


import Type, { type Static } from 'typebox';
import { DURATION_PATTERN, durationMs } from '../sla/duration.js';
import { DEFAULT_PRIORITY_MATRIX, type PriorityRule } from './priority.js';
import { CATEGORIES, PRIORITIES } from './types.js';

const Duration = Type.String({ pattern: DURATION_PATTERN });

export const PriorityRuleSchema = Type.Object(
  {
    priority: Type.Enum([...PRIORITIES]),
    kinds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1 })),
    categories: Type.Optional(Type.Array(Type.Enum([...CATEGORIES]), { minItems: 1 })),
    minShare: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);

/** The `tickets:` section of the config file; every field has a default. */
export const TicketsConfigSchema = Type.Object(
  {
    /** A recurrence of the same fault this soon after resolution reopens the ticket. */
    reopenWindow: Type.Optional(Duration),
    /** After recovery, close the ticket when nobody acted for this long. */
    autoCloseAfter: Type.Optional(Duration),
    /** P3 faults (paper low, cash only) wait this long for store staff before a provider is called. */
    selfFixGrace: Type.Optional(Duration),
    priorityMatrix: Type.Optional(Type.Array(PriorityRuleSchema, { minItems: 1 })),
  },
  { additionalProperties: false },
);
export type TicketsConfigInput = Static<typeof TicketsConfigSchema>;

export interface TicketsConfig {
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  selfFixGraceMs: number;
  priorityMatrix: readonly PriorityRule[];
}

export const DEFAULT_TICKETS_CONFIG: TicketsConfig = {
  reopenWindowMs: 24 * 3_600_000,
  autoCloseAfterMs: 30 * 60_000,
  selfFixGraceMs: 15 * 60_000,
  priorityMatrix: DEFAULT_PRIORITY_MATRIX,
};

/** Fills in defaults for a `tickets:` section already validated against TicketsConfigSchema. */
export function toTicketsConfig(input: TicketsConfigInput = {}): TicketsConfig {
  const d = DEFAULT_TICKETS_CONFIG;
  return {
    reopenWindowMs: input.reopenWindow ? durationMs(input.reopenWindow) : d.reopenWindowMs,
    autoCloseAfterMs: input.autoCloseAfter ? durationMs(input.autoCloseAfter) : d.autoCloseAfterMs,
    selfFixGraceMs: input.selfFixGrace ? durationMs(input.selfFixGrace) : d.selfFixGraceMs,
    priorityMatrix: input.priorityMatrix ?? d.priorityMatrix,
  };
}

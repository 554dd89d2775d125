import Type, { type Static } from 'typebox';
import { ID_PATTERN } from './ids.js';
import { NETWORK_STATES, PAYMENT_STATES, POS_STATES, PRINTER_STATES } from './components.js';
import { UTC_TIMESTAMP_FORMAT, UTC_TIMESTAMP_PATTERN } from './timestamps.js';

/** ISO-8601 in UTC, e.g. 2026-11-23T10:15:00Z; the format also refuses dates that do not exist (2026-13-01, 2026-02-30). */
export const UtcTimestamp = Type.String({
  pattern: UTC_TIMESTAMP_PATTERN,
  format: UTC_TIMESTAMP_FORMAT,
  description: 'ISO-8601 timestamp in UTC (ending in Z) naming a real instant',
});

export const Id = Type.String({ pattern: ID_PATTERN, description: 'Id matching [A-Za-z0-9_-]{1,64}' });
export const Version = Type.Literal(1);
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Rises monotonically per agent and topic' });
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const Detail = Type.String({ maxLength: 512 });

const component = <T extends string>(states: readonly T[]) =>
  Type.Object(
    { state: Type.Enum([...states] as [T, ...T[]]), detail: Type.Optional(Detail) },
    { additionalProperties: false },
  );

export const Components = Type.Object(
  {
    pos: component(POS_STATES),
    printer: component(PRINTER_STATES),
    payment: component(PAYMENT_STATES),
    network: component(NETWORK_STATES),
  },
  { additionalProperties: false },
);

const AgentInfo = Type.Object({ version: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const OnlinePayload = Type.Union([
  Type.Object({ v: Version, online: Type.Literal(true), agent: AgentInfo }, { additionalProperties: false }),
  Type.Object({ v: Version, online: Type.Literal(false) }, { additionalProperties: false }),
]);

export const StatusPayload = Type.Object(
  { v: Version, ts: UtcTimestamp, seq: Seq, components: Components },
  { additionalProperties: false },
);

export const FootfallPayload = Type.Object(
  { v: Version, seq: Seq, binStart: UtcTimestamp, binEnd: UtcTimestamp, in: Count, out: Count },
  { additionalProperties: false },
);

export const SalesPayload = Type.Object(
  {
    v: Version,
    seq: Seq,
    binStart: UtcTimestamp,
    binEnd: UtcTimestamp,
    transactions: Count,
    revenue: Type.Number({ minimum: 0, maximum: 1e12 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' }),
  },
  { additionalProperties: false },
);

export type Components = Static<typeof Components>;
export type OnlinePayload = Static<typeof OnlinePayload>;
export type StatusPayload = Static<typeof StatusPayload>;
export type FootfallPayload = Static<typeof FootfallPayload>;
export type SalesPayload = Static<typeof SalesPayload>;

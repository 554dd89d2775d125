import { ProvidersSchema, parseProviders, type ProviderConfig } from '../../domain/sla/providers.js';
import { parseDuration } from '../../domain/sla/duration.js';
import { TicketsConfigSchema, toTicketsConfig, type TicketsConfig, type TicketsConfigInput } from '../../domain/tickets/config.js';

/** Schemas of the `providers:` and `tickets:` config sections, for the config file loader to embed. */
export const ProvidersSectionSchema = ProvidersSchema;
export const TicketsSectionSchema = TicketsConfigSchema;

export interface TicketSections {
  /** Validated, as written in the file (durations as text); the service parses them. */
  providers: ProviderConfig[];
  tickets: TicketsConfig;
}

export type TicketSectionsResult = { ok: true; value: TicketSections } | { ok: false; errors: string[] };

/**
 * Reads the two sections of a parsed config file (both optional). The `tickets:` section is assumed
 * already schema-checked by the file loader; providers get the checks a schema cannot make
 * (unique ids, non-zero durations, respond before resolve), and the tickets' durations must not be zero.
 */
export function parseTicketSections(raw: { providers?: unknown; tickets?: TicketsConfigInput }): TicketSectionsResult {
  const providers = parseProviders(raw.providers ?? []);
  const zero = (['reopenWindow', 'autoCloseAfter', 'selfFixGrace'] as const)
    .filter((k) => raw.tickets?.[k] !== undefined && !parseDuration(raw.tickets[k]!).ok)
    .map((k) => `tickets.${k} is zero; a duration must be positive`);
  if (!providers.ok || zero.length > 0) return { ok: false, errors: [...(providers.ok ? [] : providers.errors), ...zero] };
  return { ok: true, value: { providers: (raw.providers ?? []) as ProviderConfig[], tickets: toTicketsConfig(raw.tickets) } };
}

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import Type, { type Static } from 'typebox';
import { load as loadYaml } from 'js-yaml';
import { COMPONENT_STATES, type ComponentName, type HqCurrency } from '@storepulse/protocol';
import type { StoreConfig } from '../domain/store.js';
import { DEFAULT_TILL_RULES, type TillRuleTable } from '../domain/till-state.js';
import type { ProviderConfig } from '../domain/sla/providers.js';
import type { TicketsConfig } from '../domain/tickets/config.js';
import { ProvidersSectionSchema, TicketsSectionSchema, parseTicketSections } from '../services/tickets/config.js';
import { ConfigError, formatAjvErrors } from './config-error.js';
import type { IncidentTimings, MaintenanceWindow } from '../domain/incidents/index.js';
import { maintenanceInputProblem, toIncidentTimings, toMaintenanceWindow } from './incidents-input.js';
import { IncidentsInput, MaintenanceInput } from './incidents-schema.js';
import { isCurrency, storeProblems, toStoreConfig } from './store-input.js';
import { StoreInput } from './store-schema.js';

const componentRule = <K extends ComponentName>(name: K) =>
  Type.Optional(Type.Array(Type.Enum([...COMPONENT_STATES[name]] as string[]), { uniqueItems: true }));

const RuleSet = Type.Object(
  { pos: componentRule('pos'), printer: componentRule('printer'), payment: componentRule('payment'), network: componentRule('network') },
  { additionalProperties: false },
);

/** The YAML file named by STOREPULSE_CONFIG. */
export const FileSchema = Type.Object(
  {
    stores: Type.Array(StoreInput, { maxItems: 20_000 }),
    tillRules: Type.Optional(
      Type.Object({ down: RuleSet, degraded: RuleSet }, { additionalProperties: false, description: 'Component states that make a till down or degraded' }),
    ),
    tills: Type.Optional(
      Type.Object(
        { staleAfterSec: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400, description: 'A connected till whose last status is older than this is unknown' })) },
        { additionalProperties: false },
      ),
    ),
    incidents: Type.Optional(IncidentsInput),
    maintenance: Type.Optional(Type.Array(MaintenanceInput, { maxItems: 10_000 })),
    providers: Type.Optional(ProvidersSectionSchema),
    tickets: Type.Optional(TicketsSectionSchema),
    hq: Type.Optional(
      Type.Object(
        {
          currency: Type.String({ pattern: '^[A-Z]{3}$', description: "HQ's reporting currency (ISO 4217)" }),
          rates: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.Number({ exclusiveMinimum: 0 }), { description: 'One unit of each currency, in HQ\'s currency' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type RawFile = Static<typeof FileSchema>;

export interface FileConfig {
  stores: StoreConfig[];
  tillRules: TillRuleTable;
  staleAfterMs: number;
  incidents: IncidentTimings;
  /** Windows from the file; those created through the API are kept in SQLite. */
  maintenance: MaintenanceWindow[];
  /** Service providers as written (validated); the tickets service parses their durations. */
  providers: ProviderConfig[];
  tickets: TicketsConfig;
  /** HQ's reporting currency and exchange rates, for the wall's total; null when not configured. */
  hq: HqCurrency | null;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateFile = ajv.compile<RawFile>(FileSchema);

/** What a bad value's message may repeat: not a provider's webhook (its URL or secret can be the credential). */
function valueAt(data: unknown, pointer: string): unknown {
  if (/^\/providers\/\d+\/webhooks\//.test(pointer)) return undefined;
  let cur = data;
  for (const p of pointer.split('/').filter(Boolean)) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return typeof cur === 'object' ? undefined : cur;
}

/** Parses and validates the config text; throws a ConfigError with one line per bad field. */
export function parseConfig(text: string, source: string): FileConfig {
  let data: unknown;
  try {
    // js-yaml, not the heavier YAML document model: a chain's file can list ten thousand stores.
    data = loadYaml(text, { filename: source });
  } catch (err) {
    throw new ConfigError(source, [(err as Error).message.split('\n')[0]!]);
  }
  if (!validateFile(data)) {
    throw new ConfigError(source, formatAjvErrors(validateFile.errors, '', (e) => valueAt(data, e.instancePath)));
  }
  const problems: string[] = [];
  const ids = new Set<string>();
  data.stores.forEach((s, i) => {
    problems.push(...storeProblems(s, `stores[${i}]`));
    if (ids.has(s.id)) problems.push(`stores[${i}].id "${s.id}" is used by another store`);
    ids.add(s.id);
  });
  const windowIds = new Set<string>();
  (data.maintenance ?? []).forEach((w, i) => {
    const problem = maintenanceInputProblem(w, `maintenance[${i}]`);
    if (problem) problems.push(problem);
    if (windowIds.has(w.id)) problems.push(`maintenance[${i}].id "${w.id}" is used by another window`);
    windowIds.add(w.id);
  });
  if (data.hq) {
    for (const code of [data.hq.currency, ...Object.keys(data.hq.rates ?? {})]) {
      if (!isCurrency(code)) problems.push(`hq: "${code}" is not an ISO 4217 currency`);
    }
  }
  const ticketSections = parseTicketSections(data);
  if (!ticketSections.ok) problems.push(...ticketSections.errors);
  if (problems.length > 0 || !ticketSections.ok) throw new ConfigError(source, problems);
  return {
    stores: data.stores.map(toStoreConfig),
    tillRules: data.tillRules ?? DEFAULT_TILL_RULES,
    staleAfterMs: (data.tills?.staleAfterSec ?? 120) * 1000,
    incidents: toIncidentTimings(data.incidents),
    maintenance: (data.maintenance ?? []).map(toMaintenanceWindow),
    providers: ticketSections.value.providers,
    tickets: ticketSections.value.tickets,
    hq: data.hq ? { currency: data.hq.currency, rates: { ...(data.hq.rates ?? {}) } } : null,
  };
}

export function loadConfigFile(path: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the config file: ${(err as Error).message} (set STOREPULSE_CONFIG)`]);
  }
  return parseConfig(text, path);
}

import { IANAZone, DateTime } from 'luxon';
import type { StoreConfig } from '../domain/store.js';
import { isValidHours } from '../domain/opening-hours.js';
import type { StoreInput } from './store-schema.js';

/** Conversion and basket used until sales data lets the server learn a store's own. */
export const DEFAULT_CONVERSION = 0.2;
export const DEFAULT_AVG_BASKET = 30;

const currencies = new Set(Intl.supportedValuesOf('currency'));

export function isCurrency(code: string): boolean {
  return currencies.has(code);
}
const zones = new Map<string, boolean>();

/** Zone checks build an Intl formatter each; a chain has thousands of stores in a few zones. */
function isZone(name: string): boolean {
  let ok = zones.get(name);
  if (ok === undefined) zones.set(name, (ok = IANAZone.isValidZone(name)));
  return ok;
}

/** Checks what a schema cannot: real time zone, real currency, real hours and dates. One line per problem. */
export function storeProblems(input: StoreInput, path: string): string[] {
  const problems: string[] = [];
  if (!isZone(input.timezone)) problems.push(`${path}.timezone "${input.timezone}" is not an IANA time zone`);
  if (!isCurrency(input.currency)) problems.push(`${path}.currency "${input.currency}" is not an ISO 4217 currency`);
  for (const [day, spec] of Object.entries(input.hours)) {
    if (spec !== null && !isValidHours(spec)) problems.push(`${path}.hours.${day} "${spec}" is not a valid time range`);
  }
  for (const [i, d] of (input.holidays ?? []).entries()) {
    if (!DateTime.fromISO(d).isValid) problems.push(`${path}.holidays[${i}] "${d}" is not a real date`);
  }
  for (const [i, t] of (input.backupTills ?? []).entries()) {
    if (!input.tills.includes(t)) problems.push(`${path}.backupTills[${i}] "${t}" is not one of the store's tills`);
  }
  if (input.backupTills && input.tills.every((t) => input.backupTills!.includes(t))) {
    problems.push(`${path}.backupTills lists every till; at least one till must sell every day`);
  }
  return problems;
}

export function toStoreConfig(input: StoreInput): StoreConfig {
  return {
    id: input.id,
    name: input.name,
    city: input.city,
    ...(input.region ? { region: input.region } : {}),
    timezone: input.timezone,
    currency: input.currency,
    tills: [...input.tills],
    hours: { ...input.hours },
    holidays: [...(input.holidays ?? [])],
    provider: input.provider ?? null,
    conversion: input.conversion ?? DEFAULT_CONVERSION,
    avgBasket: input.avgBasket ?? DEFAULT_AVG_BASKET,
    ...(input.backupTills?.length ? { backupTills: [...input.backupTills] } : {}),
    ...(input.groups?.length ? { groups: [...input.groups] } : {}),
    ...(input.defaultVisitorsPerHour !== undefined ? { defaultVisitorsPerHour: input.defaultVisitorsPerHour } : {}),
    ...(input.tillThroughput ? { tillThroughput: input.tillThroughput } : {}),
    ...(input.email ? { email: input.email } : {}),
  };
}

import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { XStatic } from 'typebox/schema';
import { parse as parseYaml } from 'yaml';
import type { TillComponents } from '../components.js';
import type { Rng } from './random.js';
import type { TillCapability } from './store-model.js';

export const FAULT_KINDS = [
  'printer_paper_out',
  'printer_cover_open',
  'pos_error',
  'payment_unreachable',
  'store_offline',
  'counter_silent',
  'flapping',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that concern one till; the others concern the whole store. */
const TILL_FAULTS = new Set<FaultKind>(['printer_paper_out', 'printer_cover_open', 'pos_error', 'payment_unreachable', 'flapping']);

const DURATION_PATTERN = '^\\d+(\\.\\d+)?(s|m|h)$';

/** "90s", "7m", "2h", or plain seconds. */
const durationSpec = { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }] } as const;

const scenarioFault = {
  type: 'object',
  additionalProperties: false,
  required: ['at', 'store', 'kind', 'duration'],
  properties: {
    /** Simulated time after the start of the run, or an ISO-8601 UTC instant. */
    at: { anyOf: [...durationSpec.anyOf, { type: 'string', format: 'date-time' }] },
    store: { type: 'string', minLength: 1 },
    till: { type: 'string', minLength: 1 },
    kind: { enum: FAULT_KINDS },
    duration: durationSpec,
  },
} as const;

/** A scenario file as plain JSON Schema: ajv checks it, TypeBox infers its type at compile time only. */
export const SimScenarioSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['faults'],
  properties: { faults: { type: 'array', items: scenarioFault } },
} as const;
export type ScenarioFault = XStatic<typeof scenarioFault>;
export type SimScenario = XStatic<typeof SimScenarioSchema>;

const validateScenario = new Ajv({ allErrors: true, strict: true, formats: { 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) } }).compile<SimScenario>(SimScenarioSchema);

/** Seconds in a duration spec. */
export function durationSeconds(spec: number | string): number {
  if (typeof spec === 'number') return spec;
  const unit = spec.slice(-1);
  const n = Number(spec.slice(0, -1));
  return n * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
}

/** Checks a scenario's shape and its store and till ids against the fleet; lists every problem. */
export function checkScenario(data: unknown, fleet: ReadonlyArray<{ id: string; tills: string[] }>): SimScenario {
  if (!validateScenario(data)) {
    const problems = (validateScenario.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.keyword === 'enum' ? `must be one of ${FAULT_KINDS.join(', ')}` : (e.message ?? 'is invalid')}`);
    throw new Error(`invalid scenario: ${problems.join('; ')}`);
  }
  const problems: string[] = [];
  data.faults.forEach((f, i) => {
    const store = fleet.find((s) => s.id === f.store);
    if (!store) problems.push(`/faults/${i}/store ${f.store} is not in the fleet`);
    else if (TILL_FAULTS.has(f.kind) && (!f.till || !store.tills.includes(f.till))) {
      problems.push(`/faults/${i}/till a ${f.kind} fault needs one of ${store.tills.join(', ')}`);
    }
  });
  if (problems.length > 0) throw new Error(`invalid scenario: ${problems.join('; ')}`);
  return data;
}

export async function loadScenario(path: string, fleet: ReadonlyArray<{ id: string; tills: string[] }>): Promise<SimScenario> {
  const text = await readFile(path, 'utf8').catch((err: Error) => {
    throw new Error(`cannot read scenario ${path}: ${err.message}`);
  });
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new Error(`scenario ${path} is not YAML or JSON: ${(err as Error).message}`);
  }
  return checkScenario(data, fleet);
}

export interface ActiveFault {
  id: string;
  kind: FaultKind;
  storeId: string;
  /** Index of the till in its store, or null for store-wide faults. */
  till: number | null;
  start: number;
  end: number;
}

export function resolveFaultStart(at: ScenarioFault['at'], simStart: number): number {
  return typeof at === 'string' && !new RegExp(DURATION_PATTERN).test(at) ? Date.parse(at) : simStart + durationSeconds(at) * 1000;
}

const RANDOM_KINDS: ReadonlyArray<[FaultKind, number, [number, number]]> = [
  // kind, weight, duration range in simulated minutes
  ['printer_paper_out', 0.3, [3, 10]],
  ['printer_cover_open', 0.05, [1, 5]],
  ['pos_error', 0.15, [5, 30]],
  ['payment_unreachable', 0.2, [5, 20]],
  ['store_offline', 0.1, [5, 20]],
  ['counter_silent', 0.1, [10, 40]],
  ['flapping', 0.1, [5, 12]],
];

export function randomFaultShape(rng: Rng): { kind: FaultKind; durationMs: number; perTill: boolean } {
  let r = rng.next() * RANDOM_KINDS.reduce((s, [, w]) => s + w, 0);
  for (const [kind, w, [lo, hi]] of RANDOM_KINDS) {
    r -= w;
    if (r <= 0) return { kind, durationMs: rng.between(lo, hi) * 60_000, perTill: TILL_FAULTS.has(kind) };
  }
  return { kind: 'printer_paper_out', durationMs: 5 * 60_000, perTill: true };
}

export function isTillFault(kind: FaultKind): boolean {
  return TILL_FAULTS.has(kind);
}

/** While flapping, a till's POS alternates between error and ok every simulated minute. */
const FLAP_MS = 60_000;

/** A till's components and what it can take, given the faults active on it and on its store at `now`. */
export function tillCondition(faults: readonly ActiveFault[], now: number): { components: TillComponents; caps: TillCapability } {
  const components: TillComponents = {
    pos: { state: 'ok' },
    printer: { state: 'ok' },
    payment: { state: 'ok' },
    network: { state: 'ok' },
  };
  for (const f of faults) {
    switch (f.kind) {
      case 'printer_paper_out':
        components.printer = { state: 'paper_out', detail: 'paper end sensor' };
        break;
      case 'printer_cover_open':
        components.printer = { state: 'cover_open', detail: 'cover open' };
        break;
      case 'pos_error':
        components.pos = { state: 'error', detail: 'POS application not responding' };
        break;
      case 'payment_unreachable':
        components.payment = { state: 'unreachable', detail: 'no TCP answer from the terminal' };
        break;
      case 'store_offline':
        components.network = { state: 'down', detail: 'store uplink down' };
        components.payment = { state: 'unreachable', detail: 'acquirer unreachable' };
        break;
      case 'flapping':
        if (Math.floor((now - f.start) / FLAP_MS) % 2 === 0) components.pos = { state: 'error', detail: 'POS restarting' };
        break;
      case 'counter_silent':
        break;
    }
  }
  const cash = components.pos.state === 'ok' && components.printer.state === 'ok';
  return { components, caps: { cash, card: cash && components.payment.state === 'ok' } };
}

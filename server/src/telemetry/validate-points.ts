/** Checks of write inputs, so that neither adapter stores a point the other would refuse. */
import {
  COMPONENT_STATES,
  STORE_STATES,
  TILL_STATES,
  isValidId,
  type ComponentName,
} from '@storepulse/protocol';
import {
  INCIDENT_PHASES,
  type FootfallBinPoint,
  type IncidentPoint,
  type SalesBinPoint,
  type StoreStatePoint,
  type TillOnlinePoint,
  type TillStatusPoint,
} from './port.js';

/** Earliest and latest instants accepted: keeps line protocol timestamps sane. */
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);
const MAX_TEXT = 512;

type Problem = string | null;

function time(name: string, v: unknown): Problem {
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${name} is not a finite number`;
  if (v < MIN_TIME || v >= MAX_TIME) return `${name} is outside 2000..2200`;
  return null;
}

function id(name: string, v: unknown): Problem {
  return typeof v === 'string' && isValidId(v) ? null : `${name} is not a valid id`;
}

function count(name: string, v: unknown): Problem {
  return Number.isSafeInteger(v) && (v as number) >= 0 ? null : `${name} is not a non-negative integer`;
}

function amount(name: string, v: unknown): Problem {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? null : `${name} is not a non-negative number`;
}

function oneOf(name: string, v: unknown, allowed: readonly string[]): Problem {
  return typeof v === 'string' && allowed.includes(v) ? null : `${name} is not one of ${allowed.join(', ')}`;
}

function text(name: string, v: unknown): Problem {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT ? null : `${name} must be 1..${MAX_TEXT} characters`;
}

function first(...problems: Problem[]): Problem {
  return problems.find((p) => p !== null) ?? null;
}

function bin(p: { binStart: unknown; binEnd: unknown }): Problem {
  return first(
    time('binStart', p.binStart),
    time('binEnd', p.binEnd),
    (p.binEnd as number) > (p.binStart as number) ? null : 'binEnd is not after binStart',
  );
}

export function tillStatusProblem(p: TillStatusPoint): Problem {
  const base = first(time('at', p.at), id('storeId', p.storeId), id('tillId', p.tillId), oneOf('state', p.state, TILL_STATES));
  if (base || p.components === null) return base;
  if (typeof p.components !== 'object') return 'components is not an object';
  for (const [name, state] of Object.entries(p.components)) {
    const allowed = (COMPONENT_STATES as Record<string, readonly string[]>)[name];
    if (!allowed) return `unknown component ${name}`;
    const problem = oneOf(`components.${name as ComponentName}`, state, allowed);
    if (problem) return problem;
  }
  return null;
}

export function tillOnlineProblem(p: TillOnlinePoint): Problem {
  return first(
    time('at', p.at),
    id('storeId', p.storeId),
    id('tillId', p.tillId),
    typeof p.online === 'boolean' ? null : 'online is not a boolean',
  );
}

export function footfallProblem(b: FootfallBinPoint): Problem {
  return first(id('storeId', b.storeId), id('sensorId', b.sensorId), bin(b), count('in', b.in), count('out', b.out));
}

export function salesProblem(b: SalesBinPoint): Problem {
  return first(
    id('storeId', b.storeId),
    id('tillId', b.tillId),
    bin(b),
    count('transactions', b.transactions),
    amount('revenue', b.revenue),
    typeof b.currency === 'string' && /^[A-Z]{3}$/.test(b.currency) ? null : 'currency is not an ISO 4217 code',
  );
}

export function storeStateProblem(p: StoreStatePoint): Problem {
  return first(
    time('at', p.at),
    id('storeId', p.storeId),
    oneOf('state', p.state, STORE_STATES),
    count('tillsUp', p.tillsUp),
    count('tillsTotal', p.tillsTotal),
    p.tillsUp <= p.tillsTotal ? null : 'tillsUp exceeds tillsTotal',
  );
}

export function incidentProblem(e: IncidentPoint): Problem {
  return first(
    time('at', e.at),
    id('storeId', e.storeId),
    e.tillId === null ? null : id('tillId', e.tillId),
    text('incidentId', e.incidentId),
    id('kind', e.kind),
    oneOf('phase', e.phase, INCIDENT_PHASES),
    text('title', e.title),
    e.provider == null ? null : id('provider', e.provider),
    e.lostRevenue === undefined ? null : amount('lostRevenue', e.lostRevenue),
    e.lostRevenueNet === undefined ? null : amount('lostRevenueNet', e.lostRevenueNet),
    e.durationSeconds === undefined ? null : count('durationSeconds', e.durationSeconds),
    e.slaBreached === undefined || typeof e.slaBreached === 'boolean' ? null : 'slaBreached is not a boolean',
    e.ticketId === undefined ? null : text('ticketId', e.ticketId),
  );
}

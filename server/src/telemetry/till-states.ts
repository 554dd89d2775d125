/** Till state history shared by both adapters: query checks, and turning stored points into changes the same way. */
import { COMPONENT_NAMES, TILL_STATES, isValidId, type ComponentName, type ComponentState, type TillState } from '@storepulse/protocol';
import type { TillStateChange, TillStates, TillStatesQuery } from './port.js';
import { RAW_RETENTION_MS } from './retention.js';

/** Most changes one read returns: a store page asks for a day, and a till changes a few times a day. */
export const MAX_TILL_STATE_CHANGES = 2000;
/** Longest range one read may cover: raw points are not kept longer. */
export const MAX_TILL_STATES_RANGE_MS = RAW_RETENTION_MS;
/** How far before `from` a till's last state is looked for. */
export const TILL_STATE_LOOKBACK_MS = RAW_RETENTION_MS;

/** Throws a RangeError describing what is wrong with a till states query. */
export function checkTillStatesQuery(q: TillStatesQuery): void {
  if (!isValidId(q.storeId)) throw new RangeError('storeId is not a valid id');
  if (q.tillId !== undefined && !isValidId(q.tillId)) throw new RangeError('tillId is not a valid id');
  if (!Number.isSafeInteger(q.from) || !Number.isSafeInteger(q.to)) throw new RangeError('from and to must be integers (ms)');
  if (q.to <= q.from) throw new RangeError('to must be after from');
  if (q.to - q.from > MAX_TILL_STATES_RANGE_MS) throw new RangeError(`a till history may cover at most ${MAX_TILL_STATES_RANGE_MS / 86_400_000} days`);
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_TILL_STATE_CHANGES)) {
    throw new RangeError(`limit must be 1..${MAX_TILL_STATE_CHANGES}`);
  }
}

const tillStates = new Set<string>(TILL_STATES);

/** A stored row as a change: components from their columns or fields (all missing: the agent had reported none). */
export function rowToChange(at: number, tillId: string, state: unknown, components: Record<ComponentName, unknown>): TillStateChange | null {
  if (typeof state !== 'string' || !tillStates.has(state)) return null;
  const found = COMPONENT_NAMES.filter((name) => typeof components[name] === 'string');
  return {
    at,
    tillId,
    state: state as TillState,
    components: found.length === 0 ? null : Object.fromEntries(found.map((name) => [name, components[name] as ComponentState])),
  };
}

const same = (a: TillStateChange, b: TillStateChange) =>
  a.state === b.state && COMPONENT_NAMES.every((name) => a.components?.[name] === b.components?.[name]);

/**
 * The changes to return from up to `limit + 1` stored points, newest first as the adapters read them: the newest
 * `limit`, oldest first, each compared with its till's previous point (the one before `from` for the first).
 */
export function toTillStates(before: TillStateChange[], newestFirst: TillStateChange[], limit: number): TillStates {
  const kept = newestFirst.slice(0, limit).sort((a, b) => a.at - b.at || (a.tillId < b.tillId ? -1 : a.tillId > b.tillId ? 1 : 0));
  const last = new Map(before.map((c) => [c.tillId, c]));
  const changes: TillStateChange[] = [];
  for (const c of kept) {
    const previous = last.get(c.tillId);
    last.set(c.tillId, c);
    if (!previous || !same(previous, c)) changes.push(c);
  }
  return {
    before: [...before].sort((a, b) => (a.tillId < b.tillId ? -1 : a.tillId > b.tillId ? 1 : 0)),
    changes,
    truncated: newestFirst.length > limit,
  };
}

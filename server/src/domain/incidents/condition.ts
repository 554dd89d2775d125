import type { TillState } from '@storepulse/protocol';
import type { CapacitySegment } from '../revenue/capacity.js';
import { INCIDENT_KINDS, type IncidentKind, type IncidentStore, type Severity, type StoreRuntime } from './types.js';

export function backupTills(store: IncidentStore): string[] {
  return store.backupTills ?? [];
}

/** Tills that sell every day; backup tills are extra capacity. */
export function normalTills(store: IncidentStore): string[] {
  const backup = backupTills(store);
  return store.tills.filter((t) => !backup.includes(t));
}

export function worse(a: IncidentKind, b: IncidentKind): IncidentKind {
  return INCIDENT_KINDS.indexOf(a) <= INCIDENT_KINDS.indexOf(b) ? a : b;
}

const cannotSell = (s: TillState) => s === 'down' || s === 'offline';

export interface Condition {
  kind: IncidentKind | null;
  tills: string[];
  /**
   * Those of `tills` whose own fault is the condition's kind (a silent till counting as down): a till down beside a
   * degraded one is one till down.
   */
  atKind: string[];
  /** When the earliest of these faults began. */
  since: number;
}

/**
 * What is wrong with a store now. Every normal till's agent gone (and no backup till online) is the
 * store's network: one store_offline, not a till fault each. No till able to sell is store_down.
 * Otherwise the worst till fault. Unknown states count as their last known state.
 */
export function storeCondition(rt: StoreRuntime, store: IncidentStore, silentSince: Record<string, number>): Condition {
  const normal = normalTills(store);
  const known = (t: string) => rt.tills[t]?.known ?? 'up';
  const since = (t: string) => rt.tills[t]?.since ?? 0;
  // A backup till counts once it has said it works: one that never reported is not capacity.
  const backupUp = backupTills(store).some((t) => rt.tills[t]?.known === 'up' || rt.tills[t]?.known === 'degraded');
  const backupOnline = backupTills(store).some((t) => rt.tills[t] && known(t) !== 'offline');
  if (normal.length === 0) return { kind: null, tills: [], atKind: [], since: 0 };
  const earliest = (tills: string[]) => Math.min(...tills.map((t) => silentSince[t] ?? since(t)));
  if (normal.every((t) => known(t) === 'offline') && !backupOnline) {
    return { kind: 'store_offline', tills: normal, atKind: normal, since: earliest(normal) };
  }
  if (normal.every((t) => cannotSell(known(t))) && !backupUp) return { kind: 'store_down', tills: normal, atKind: normal, since: earliest(normal) };
  let kind: IncidentKind | null = null;
  const faults: { till: string; kind: IncidentKind }[] = [];
  for (const t of normal) {
    const s = known(t);
    const k: IncidentKind | null = cannotSell(s) ? 'till_down' : s === 'degraded' ? 'till_degraded' : t in silentSince ? 'silent_till' : null;
    if (!k) continue;
    faults.push({ till: t, kind: k });
    kind = kind ? worse(kind, k) : k;
  }
  const tills = faults.map((f) => f.till);
  // A silent till sells nothing either: beside a till down it counts as one.
  const atKind = faults.filter((f) => f.kind === kind || (kind === 'till_down' && f.kind === 'silent_till')).map((f) => f.till);
  return { kind, tills, atKind, since: tills.length ? earliest(tills) : 0 };
}

/** Store-wide faults are critical; till faults by the share of tills hit (75 % / 25 %), one step lower when degraded. */
export function severityOf(kind: IncidentKind, affected: number, normal: number): Severity {
  if (kind === 'store_down' || kind === 'store_offline') return 'critical';
  const share = normal > 0 ? affected / normal : 1;
  const level = share >= 0.75 ? 0 : share >= 0.25 ? 1 : 2;
  const soft = kind === 'till_degraded' || kind === 'silent_till' ? 1 : 0;
  return (['critical', 'major', 'minor'] as const)[Math.min(2, level + soft)]!;
}

export function higher(a: Severity, b: Severity): Severity {
  const order: Severity[] = ['critical', 'major', 'minor'];
  return order.indexOf(a) <= order.indexOf(b) ? a : b;
}

/** Every till's state over [from, to): one step per change, replayed from the runtime's base. */
export function stateSteps(rt: StoreRuntime, from: number, to: number): { start: number; end: number; states: Record<string, TillState> }[] {
  const states: Record<string, TillState> = { ...rt.base };
  const steps: { start: number; end: number; states: Record<string, TillState> }[] = [];
  let cursor = from;
  for (const c of rt.changes) {
    if (c.at >= to) break;
    if (c.at > cursor) {
      steps.push({ start: cursor, end: c.at, states: { ...states } });
      cursor = c.at;
    }
    // unknown keeps the last known state, as in storeCondition
    if (c.state !== 'unknown') states[c.tillId] = c.state;
  }
  if (cursor < to) steps.push({ start: cursor, end: to, states: { ...states } });
  return steps;
}

/**
 * Working tills over time, for the capacity model: a degraded till counts as a fraction, a backup till
 * counts once it sells, and a till in `notSelling` (a silent one: up, yet selling nothing) not at all. With
 * every normal till offline the store's network is down and nobody can tell whether the tills still sell:
 * capacity is unknown.
 */
export function capacitySegments(
  rt: StoreRuntime,
  store: IncidentStore,
  from: number,
  to: number,
  degradedCapacity: number,
  notSelling: readonly string[] = [],
): CapacitySegment[] {
  const normal = normalTills(store);
  const weight = (s: TillState | undefined) => (s === 'up' || s === undefined ? 1 : s === 'degraded' ? degradedCapacity : 0);
  return stateSteps(rt, from, to).map(({ start, end, states }) => {
    if (normal.length > 0 && normal.every((t) => states[t] === 'offline')) return { start, end, tills: null };
    let tills = normal.reduce((sum, t) => sum + (notSelling.includes(t) ? 0 : weight(states[t])), 0);
    for (const t of backupTills(store)) if ((states[t] === 'up' || states[t] === 'degraded') && !notSelling.includes(t)) tills += weight(states[t]);
    return { start, end, tills };
  });
}

/** First moment in [from, to) at which a backup till was selling, or null. */
export function backupOpenedAt(rt: StoreRuntime, store: IncidentStore, from: number, to: number): number | null {
  const backups = backupTills(store);
  for (const step of stateSteps(rt, from, to)) {
    if (backups.some((t) => step.states[t] === 'up' || step.states[t] === 'degraded')) return step.start;
  }
  return null;
}

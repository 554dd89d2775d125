import type { Components, OnlinePayload, StoreDetail, StoreMaintenance, StoreState, StoreSummary, TillCounts, TillState, TillView } from '@storepulse/protocol';
import { openState } from './opening-hours.js';
import type { StoreConfig } from './store.js';
import { countTills, deriveStoreState } from './store-state.js';
import { deriveTillState, type TillRuleTable } from './till-state.js';

export interface TillRecord {
  id: string;
  storeId: string;
  online: boolean;
  agentVersion: string | null;
  components: Components | null;
  /** Epoch ms of the last message of any kind from this till. */
  lastSeen: number | null;
  /** Epoch ms at which the last status was received. */
  lastStatusAt: number | null;
  state: TillState;
  since: number;
}

export interface StoreRecord {
  config: StoreConfig;
  open: boolean;
  /** Epoch ms at which `open` must be computed again. */
  openCheckAt: number;
  state: StoreState;
  since: number;
  tills: Map<string, TillRecord>;
}

export interface Fleet {
  stores: Map<string, StoreRecord>;
  rules: TillRuleTable;
  /** A status older than this (while the agent is connected) makes the till unknown. */
  staleAfterMs: number;
  /** Open/closed per distinct schedule (zone, hours, holidays): most stores of a chain share a few. */
  schedules: Map<string, { open: boolean; checkAt: number }>;
}

export type FleetChange =
  | { type: 'till'; store: StoreRecord; till: TillRecord }
  | { type: 'store'; store: StoreRecord };

export function createFleet(rules: TillRuleTable, staleAfterMs: number): Fleet {
  return { stores: new Map(), rules, staleAfterMs, schedules: new Map() };
}

function newTill(storeId: string, id: string, now: number): TillRecord {
  return { id, storeId, online: false, agentVersion: null, components: null, lastSeen: null, lastStatusAt: null, state: 'offline', since: now };
}

function refreshOpen(fleet: Fleet, store: StoreRecord, now: number): void {
  if (now < store.openCheckAt) return;
  const { hours, timezone, holidays } = store.config;
  const key = `${timezone}|${JSON.stringify(hours)}|${holidays.join(',')}`;
  let s = fleet.schedules.get(key);
  if (!s || now >= s.checkAt) {
    const state = openState(hours, timezone, now, holidays);
    s = { open: state.open, checkAt: state.until ?? now + 24 * 3600_000 };
    fleet.schedules.set(key, s);
  }
  store.open = s.open;
  store.openCheckAt = s.checkAt;
}

/** The tills a store's state and counts are made of: a backup till only while it sells (resting, it is not missing). */
function tillStates(store: StoreRecord): TillState[] {
  const backup = store.config.backupTills ?? [];
  const out: TillState[] = [];
  for (const t of store.tills.values()) if (!backup.includes(t.id) || t.state === 'up' || t.state === 'degraded') out.push(t.state);
  return out;
}

/**
 * Recomputes the store's state when one of its tills moved or it opened or closed; returns a change when the
 * state moved. The hot path, a heartbeat that changed nothing, counts no tills.
 */
function settleStore(fleet: Fleet, store: StoreRecord, now: number, changes: FleetChange[], tillMoved: boolean): void {
  const wasOpen = store.open;
  const fresh = store.openCheckAt === 0;
  refreshOpen(fleet, store, now);
  if (!tillMoved && !fresh && wasOpen === store.open) return;
  const next = deriveStoreState(store.open, countTills(tillStates(store)));
  if (next !== store.state) {
    store.state = next;
    store.since = now;
    changes.push({ type: 'store', store });
  }
}

function settleTill(fleet: Fleet, store: StoreRecord, till: TillRecord, now: number, changes: FleetChange[], force: boolean): void {
  const stale = till.lastStatusAt !== null && now - till.lastStatusAt > fleet.staleAfterMs;
  const next = deriveTillState({ online: till.online, components: till.components, stale }, fleet.rules);
  if (next !== till.state) {
    till.state = next;
    till.since = now;
    force = true;
  }
  if (force) changes.push({ type: 'till', store, till });
}

/** Adds, replaces or keeps stores; tills no longer configured are dropped, new ones start offline. */
export function upsertStore(fleet: Fleet, config: StoreConfig, now: number): FleetChange[] {
  const changes: FleetChange[] = [];
  let store = fleet.stores.get(config.id);
  if (!store) {
    store = { config, open: false, openCheckAt: 0, state: 'closed', since: now, tills: new Map() };
    fleet.stores.set(config.id, store);
  } else {
    store.config = config;
    store.openCheckAt = 0;
  }
  const tills = new Map<string, TillRecord>();
  for (const id of config.tills) tills.set(id, store.tills.get(id) ?? newTill(config.id, id, now));
  store.tills = tills;
  settleStore(fleet, store, now, changes, true);
  changes.push({ type: 'store', store });
  return changes;
}

export function removeStore(fleet: Fleet, storeId: string): boolean {
  return fleet.stores.delete(storeId);
}

export function applyOnline(fleet: Fleet, store: StoreRecord, till: TillRecord, payload: OnlinePayload, now: number, replayed = false): FleetChange[] {
  const changes: FleetChange[] = [];
  const wasOnline = till.online;
  till.online = payload.online;
  // The broker's retained copy (a dead till's will, days old) says nothing of when the till was last heard from.
  if (!replayed) till.lastSeen = now;
  if (payload.online) {
    till.agentVersion = payload.agent.version;
  }
  settleTill(fleet, store, till, now, changes, wasOnline !== till.online);
  settleStore(fleet, store, now, changes, changes.length > 0);
  return changes;
}

function sameComponents(a: Components | null, b: Components): boolean {
  if (!a) return false;
  return (
    a.pos.state === b.pos.state && a.pos.detail === b.pos.detail &&
    a.printer.state === b.printer.state && a.printer.detail === b.printer.detail &&
    a.payment.state === b.payment.state && a.payment.detail === b.payment.detail &&
    a.network.state === b.network.state && a.network.detail === b.network.detail
  );
}

/**
 * A status from the agent. `replayedAt` is set for the broker's retained copy, replayed at subscription: it
 * tells the components as last reported at that time, but not that the agent is connected now (a dead
 * till's will and its last status both come back at every server start).
 */
export function applyStatus(
  fleet: Fleet,
  store: StoreRecord,
  till: TillRecord,
  components: Components,
  now: number,
  replayedAt: number | null = null,
): FleetChange[] {
  const changes: FleetChange[] = [];
  const changed = !sameComponents(till.components, components);
  till.components = components;
  if (replayedAt === null) {
    // A status proves the agent is connected, even if its online message was lost or came late.
    const cameOnline = !till.online;
    till.online = true;
    till.lastSeen = now;
    till.lastStatusAt = now;
    settleTill(fleet, store, till, now, changes, changed || cameOnline);
  } else {
    const at = Math.min(replayedAt, now);
    till.lastSeen = Math.max(till.lastSeen ?? at, at);
    till.lastStatusAt = Math.max(till.lastStatusAt ?? at, at);
    settleTill(fleet, store, till, now, changes, changed);
  }
  settleStore(fleet, store, now, changes, changes.length > 0);
  return changes;
}

/** Marks activity from a till that is not a status (e.g. sales). */
export function touchTill(till: TillRecord, now: number): void {
  till.lastSeen = now;
}

/** Time-driven changes: statuses going stale and stores opening or closing. */
export function tick(fleet: Fleet, now: number): FleetChange[] {
  const changes: FleetChange[] = [];
  for (const store of fleet.stores.values()) {
    const before = changes.length;
    for (const till of store.tills.values()) settleTill(fleet, store, till, now, changes, false);
    settleStore(fleet, store, now, changes, changes.length > before);
  }
  return changes;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function tillView(till: TillRecord): TillView {
  return {
    id: till.id,
    state: till.state,
    online: till.online,
    components: till.components,
    lastSeen: iso(till.lastSeen),
    since: new Date(till.since).toISOString(),
    agentVersion: till.agentVersion,
  };
}

export function tillCounts(store: StoreRecord): TillCounts {
  return countTills(tillStates(store));
}

/** `maintenance` comes from the incident side, which knows the windows. */
export function storeSummary(store: StoreRecord, maintenance: StoreMaintenance | null): StoreSummary {
  const c = store.config;
  return {
    id: c.id,
    name: c.name,
    city: c.city,
    region: c.region ?? null,
    timezone: c.timezone,
    currency: c.currency,
    state: store.state,
    since: new Date(store.since).toISOString(),
    tills: tillCounts(store),
    maintenance,
  };
}

/** A store with each till; who serves it comes from the providers' contracts, which the caller knows. */
export function storeDetail(store: StoreRecord, maintenance: StoreMaintenance | null): Omit<StoreDetail, 'providers'> {
  const { tills: tillCountsValue, ...summary } = storeSummary(store, maintenance);
  return {
    ...summary,
    tillCounts: tillCountsValue,
    tills: [...store.tills.values()].map(tillView),
    hours: store.config.hours,
    provider: store.config.provider,
    email: store.config.email ?? null,
  };
}

import { openIntervals } from '../opening-hours.js';
import { incidentLevel } from '../revenue/baseline.js';
import { estimateLoss } from '../revenue/estimator.js';
import { confidenceOf } from '../revenue/flags.js';
import { subtract, toIso, toMs, MINUTE_MS, QUARTER_MS } from '../revenue/time.js';
import { backupOpenedAt, capacitySegments, normalTills } from './condition.js';
import { maintenanceIntervals, type MaintenanceWindow } from './maintenance.js';
import type { EngineOptions, Incident, IncidentStore, StoreModel, StoreRuntime, TimelineEntry } from './types.js';

/** Counter bins arrive after they close: missing data younger than this is late, not a gap. */
const DATA_LAG_MS = QUARTER_MS + MINUTE_MS;

export interface RecordContext {
  store: IncidentStore;
  model: StoreModel | undefined;
  maintenance: readonly MaintenanceWindow[];
  options: EngineOptions;
  now: number;
}

/** When the store can lose sales over [from, to): open, not a holiday, not in maintenance. */
export function activeIntervals(store: IncidentStore, maintenance: readonly MaintenanceWindow[], from: number, to: number) {
  const open = openIntervals(store.hours, store.timezone, from, to, store.holidays);
  return subtract(open, maintenanceIntervals(maintenance, store, from, to));
}

/** When the store's latest incident that ended by `at` ended, or -Infinity. */
export function lastEndBefore(rt: StoreRuntime, at: number): number {
  return rt.closedEnds.reduce((m, e) => (e <= at && e > m ? e : m), -Infinity);
}

/** When the store's next fault began, if one began at or after `end`: pending, open, or closed and settling. */
function nextFaultAfter(rt: StoreRuntime, inc: Incident, end: number): number | null {
  const others = [...(rt.open ? [rt.open] : []), ...rt.settling].filter((o) => o.id !== inc.id).map((o) => toMs(o.startedAt));
  const starts = [rt.fault?.since, ...others];
  const after = starts.filter((t): t is number => t !== undefined && t >= end);
  return after.length > 0 ? Math.min(...after) : null;
}

/**
 * Recomputes an incident's figures from the runtime: visitors, lost revenue (gross, net and band),
 * flags and confidence. `settle` takes in the after-recovery window for net and marks it final.
 */
export function refreshIncident(inc: Incident, rt: StoreRuntime, ctx: RecordContext, settle: boolean): Incident {
  const { store, model, options, now } = ctx;
  const start = toMs(inc.startedAt);
  const end = inc.endedAt ? toMs(inc.endedAt) : now;
  // A fault that began after this one ended is the next incident's: the windows after recovery (the queue served late,
  // the returners for net) stop where it began, or its shortfall would be charged to both.
  const next = inc.endedAt ? nextFaultAfter(rt, inc, end) : null;
  const recaptureUntil = inc.endedAt && settle ? Math.min(end + options.recaptureMin * MINUTE_MS, next ?? Infinity) : null;
  // From a quarter before the start, so that a sales bin straddling it (15 min at most) is compared whole; never
  // from inside the store's previous incident, whose shortfall that bin also holds and which was charged with it.
  const from = Math.max(start - QUARTER_MS, lastEndBefore(rt, start));
  const active = activeIntervals(store, ctx.maintenance, from, recaptureUntil ?? end);
  // Customers come in a while before they pay, maintenance or not: entries are read from one purchase lag back.
  const lagMs = model?.rates?.purchaseLagMs ?? 0;
  const open = openIntervals(store.hours, store.timezone, from - lagMs, recaptureUntil ?? end, store.holidays);
  const feeds = Object.values(rt.salesFeeds).filter((f) => f.lastBinEnd >= start - options.keepMs);
  // Sales are complete only up to the slowest feed still reporting: a till on 15-min bins has not yet sent what
  // it sold since, and counting that as no sale would charge a shortfall that its next bin takes back.
  const reporting = feeds.filter((f) => f.lastBinEnd >= now - DATA_LAG_MS).map((f) => f.lastBinEnd);
  const salesUntil = reporting.length > 0 ? Math.min(...reporting) : Math.max(...feeds.map((f) => f.lastBinEnd), 0);
  const latestFootfall = rt.footfall.reduce((m, b) => Math.max(m, b.binEnd), 0);
  const sensors = Object.keys(rt.sensorsSeen);
  const level = model?.baseline ? incidentLevel(model.baseline, rt.footfall, { start, end }, recaptureUntil, sensors) : null;
  const estimate = estimateLoss({
    range: { start, end },
    active,
    open,
    footfall: rt.footfall,
    sensors,
    sales: feeds.length > 0 ? rt.sales : null,
    salesUntil,
    footfallUntil: Math.max(latestFootfall, now - DATA_LAG_MS),
    // A silent till is up by its state but sells nothing over the incident: out of action all the same.
    capacity: capacitySegments(rt, store, start, recaptureUntil ?? end, options.degradedCapacity, inc.kind === 'silent_till' ? inc.tillIds : []),
    normalTills: normalTills(store).length,
    baseline: model?.baseline ?? null,
    level: level?.k ?? 1,
    levelAfterRecovery: level?.afterRecovery ?? false,
    rates: model?.rates ?? null,
    store,
    recaptureUntil,
    options: options.estimator,
  });
  const to = (recaptureUntil ?? end) + MINUTE_MS;
  const quality = rt.quality.filter((q) => q.at >= start - QUARTER_MS && q.at <= to).map((q) => q.flag);
  const flags = [...new Set([...inc.flags.filter(isSticky), ...estimate.flags, ...quality])];
  const backupAt = backupOpenedAt(rt, store, start, end);
  return {
    ...inc,
    recoveringSince: recoveringSince(inc, rt),
    visitors: estimate.visitors,
    lostRevenue: { gross: estimate.gross, net: estimate.net, low: estimate.low, high: estimate.high, currency: estimate.currency },
    method: estimate.method,
    flags,
    confidence: confidenceOf(flags),
    timeToBackupSec: backupAt === null ? null : Math.round((backupAt - start) / 1000),
    final: settle,
    updatedAt: toIso(now),
  };
}

/** When the incident's recovery began, while it is open and recovering. */
export function recoveringSince(inc: Incident, rt: StoreRuntime): string | null {
  return inc.status === 'open' && rt.fault?.recoveringSince != null ? toIso(rt.fault.recoveringSince) : null;
}

/** Flags about the incident itself rather than the data, which a recomputation must keep. */
const STICKY = new Set(['began_before_opening', 'began_in_maintenance', 'timeline_truncated']);
const isSticky = (f: string) => STICKY.has(f);

/** Appends to a timeline, keeping it bounded: a flapping till must not grow the record without limit. */
export function pushTimeline(inc: Incident, entry: TimelineEntry, max: number): void {
  if (inc.timeline.length < max) {
    inc.timeline.push(entry);
    return;
  }
  if (!inc.flags.includes('timeline_truncated')) inc.flags.push('timeline_truncated');
  // keep the beginning and the latest entry
  inc.timeline[max - 1] = entry;
}

import { DateTime } from 'luxon';
import { footfallIn, type FootfallBin } from './bins.js';
import { clamp, median, quantile } from './stats.js';
import { localParts, overlapWithAll, quarterStart, quarters, QUARTER_MS, type Interval } from './time.js';

/** Visitors expected in one local 15-min slot of one weekday, from past weeks. */
export interface BaselineSlot {
  median: number;
  p25: number;
  p75: number;
  samples: number;
}

/** A store's baseline for one day: slots keyed "weekday-HH:MM" (ISO weekday 1–7, local slot start). */
export interface BaselineProfile {
  timezone: string;
  slots: Record<string, BaselineSlot>;
}

export interface BaselineOptions {
  /** How many past same weekdays to take the median over. */
  weeks: number;
  /** Fewer usable samples than this and the slot falls back to the configured default. */
  minSamples: number;
  /** A past slot counts only if its sensors reported on at least this share of it. */
  minCoverage: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { weeks: 6, minSamples: 3, minCoverage: 0.9 };

export interface BaselineHistory {
  /** Past footfall bins of any width. */
  footfall: readonly FootfallBin[];
  timezone: string;
  /** The day the profile is for: samples come from the weeks before its local date. */
  asOf: number;
  /** Local dates (YYYY-MM-DD) left out: holidays. */
  holidays?: readonly string[];
  /** Past incidents: a slot touching one is left out. */
  excluded?: readonly Interval[];
  sensors?: readonly string[];
}

export function slotKey(ms: number, timezone: string): string {
  const local = localParts(quarterStart(ms), timezone);
  return `${local.weekday}-${local.time}`;
}

function byQuarter(bins: readonly FootfallBin[]): Map<number, FootfallBin[]> {
  const map = new Map<number, FootfallBin[]>();
  for (const b of bins) {
    for (let q = quarterStart(b.binStart); q < b.binEnd; q += QUARTER_MS) {
      const list = map.get(q);
      if (list) list.push(b);
      else map.set(q, [b]);
    }
  }
  return map;
}

/**
 * The median, per weekday and 15-min slot, of the previous `weeks` same weekdays, leaving out holidays,
 * slots that touched an incident and slots the counter did not cover. Slots are local, so a DST change
 * in the history still lines up 09:00 with 09:00.
 */
export function buildBaselineProfile(history: BaselineHistory, options: Partial<BaselineOptions> = {}): BaselineProfile {
  const opts = { ...DEFAULT_BASELINE_OPTIONS, ...options };
  const zone = history.timezone;
  // A store without counter history (a new one, or a new install) has nothing to learn: skip 42 days of slots.
  if (history.footfall.length === 0) return { timezone: zone, slots: {} };
  const holidays = new Set(history.holidays ?? []);
  const excluded = history.excluded ?? [];
  const sensors = history.sensors ?? [...new Set(history.footfall.map((b) => b.sensorId))];
  const buckets = byQuarter(history.footfall);
  const day = DateTime.fromMillis(history.asOf, { zone }).startOf('day');
  const samples = new Map<string, number[]>();
  for (let d = 1; d <= opts.weeks * 7; d++) {
    const date = day.minus({ days: d });
    if (holidays.has(date.toISODate()!)) continue;
    const end = date.plus({ days: 1 }).toMillis();
    for (let q = date.toMillis(); q < end; q += QUARTER_MS) {
      const slot = { start: q, end: q + QUARTER_MS };
      if (overlapWithAll(slot, excluded) > 0) continue;
      const seen = footfallIn(buckets.get(q) ?? [], slot, sensors);
      if (seen.coverage < opts.minCoverage) continue;
      const key = slotKey(q, zone);
      const list = samples.get(key);
      const visitors = seen.visitors / seen.coverage;
      if (list) list.push(visitors);
      else samples.set(key, [visitors]);
    }
  }
  const slots: Record<string, BaselineSlot> = {};
  for (const [key, list] of samples) {
    if (list.length < opts.minSamples) continue;
    slots[key] = { median: median(list), p25: quantile(list, 0.25), p75: quantile(list, 0.75), samples: list.length };
  }
  return { timezone: zone, slots };
}

export interface LevelOptions {
  /** Today's level is measured over this window before the moment asked about. */
  windowMs: number;
  min: number;
  max: number;
  /** Below this many baseline visitors in the window the level is not trusted and stays 1. */
  minBaselineVisitors: number;
}

export const DEFAULT_LEVEL_OPTIONS: LevelOptions = { windowMs: 2 * 3600_000, min: 0.5, max: 2, minBaselineVisitors: 20 };

export interface Level {
  /** The clamped factor applied to the baseline. */
  k: number;
  /** Actual ÷ baseline before clamping, null when there was too little to measure. */
  raw: number | null;
}

/** Today's level: actual entries ÷ baseline over the window before `at`, clamped. */
export function todayLevel(
  profile: BaselineProfile,
  footfall: readonly FootfallBin[],
  at: number,
  options: Partial<LevelOptions> = {},
  sensors?: readonly string[],
): Level {
  const windowMs = options.windowMs ?? DEFAULT_LEVEL_OPTIONS.windowMs;
  return levelOver(profile, footfall, { start: at - windowMs, end: at }, options, sensors);
}

/** Actual entries ÷ baseline over `window` (quarters the counter covered), clamped; 1 with too little to go on. */
export function levelOver(
  profile: BaselineProfile,
  footfall: readonly FootfallBin[],
  window: Interval,
  options: Partial<LevelOptions> = {},
  sensors?: readonly string[],
): Level {
  const opts = { ...DEFAULT_LEVEL_OPTIONS, ...options };
  let actual = 0;
  let expected = 0;
  for (const q of quarters(window)) {
    const slot = profile.slots[slotKey(q.start, profile.timezone)];
    const seen = footfallIn(footfall, q, sensors);
    if (!slot || seen.coverage < DEFAULT_BASELINE_OPTIONS.minCoverage) continue;
    actual += seen.visitors;
    // The baseline is of a fully counted slot: compare the entries with the share the counter covered.
    expected += (slot.median * seen.coverage * (q.end - q.start)) / QUARTER_MS;
  }
  if (expected < opts.minBaselineVisitors) return { k: 1, raw: null };
  const raw = actual / expected;
  return { k: clamp(raw, opts.min, opts.max), raw };
}

export interface IncidentLevel extends Level {
  /** Measured in the after-recovery window, whose entries include the customers coming back. */
  afterRecovery: boolean;
}

/**
 * Today's level for an incident over `range`: measured in the 2 h before it. When that held too little
 * (the store had just opened, or the counter was already silent) and the window after recovery up to
 * `afterUntil` is in, it is measured there instead: a day's level lasts the day, and an unmeasured
 * level of 1 is off by the whole day's swing.
 */
export function incidentLevel(
  profile: BaselineProfile,
  footfall: readonly FootfallBin[],
  range: Interval,
  afterUntil: number | null,
  sensors?: readonly string[],
): IncidentLevel {
  const before = todayLevel(profile, footfall, range.start, {}, sensors);
  if (before.raw !== null || afterUntil === null || afterUntil <= range.end) return { ...before, afterRecovery: false };
  const after = levelOver(profile, footfall, { start: range.end, end: afterUntil }, {}, sensors);
  return after.raw === null ? { ...before, afterRecovery: false } : { ...after, afterRecovery: true };
}

export interface ExpectedVisitors {
  visitors: number;
  low: number;
  high: number;
  /** Share of the range (0..1) that had to use the configured default rather than history. */
  fallbackShare: number;
  /** Share of the range (0..1) with neither history nor a default. */
  missingShare: number;
}

/** Relative band around a configured default, which is a guess rather than a measurement. */
const DEFAULT_SPREAD = 0.5;

/**
 * Baseline visitors over a range (pro rata within 15-min slots), scaled by today's level; slots without
 * enough history use `defaultVisitorsPerHour` when the store has one.
 */
export function expectedVisitors(
  profile: BaselineProfile | null,
  range: Interval,
  k: number,
  defaultVisitorsPerHour: number | null,
): ExpectedVisitors {
  const out: ExpectedVisitors = { visitors: 0, low: 0, high: 0, fallbackShare: 0, missingShare: 0 };
  const total = range.end - range.start;
  if (total <= 0) return out;
  for (const q of quarters(range)) {
    const width = q.end - q.start;
    const slot = profile?.slots[slotKey(q.start, profile.timezone)];
    if (slot) {
      const f = (k * width) / QUARTER_MS;
      out.visitors += slot.median * f;
      out.low += slot.p25 * f;
      out.high += slot.p75 * f;
    } else if (defaultVisitorsPerHour !== null) {
      const v = (defaultVisitorsPerHour * width) / 3600_000;
      out.visitors += v;
      out.low += v * (1 - DEFAULT_SPREAD);
      out.high += v * (1 + DEFAULT_SPREAD);
      out.fallbackShare += width / total;
    } else {
      out.missingShare += width / total;
    }
  }
  return out;
}

export interface BaselinePoint {
  start: number;
  visitors: number;
  low: number;
  high: number;
}

/** Today's baseline per 15-min bin over [from, to): the store page draws it against the measured footfall. */
export function baselineSeries(profile: BaselineProfile, from: number, to: number, k: number): BaselinePoint[] {
  const out: BaselinePoint[] = [];
  for (const q of quarters({ start: from, end: to })) {
    const e = expectedVisitors(profile, q, k, null);
    if (e.missingShare === 0) out.push({ start: q.start, visitors: e.visitors, low: e.low, high: e.high });
  }
  return out;
}

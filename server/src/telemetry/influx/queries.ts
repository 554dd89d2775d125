/** InfluxQL for the port's reads and for the 15-minute rollups. */
import { ROLLUP_BIN_SECONDS } from '../bins.js';
import type { RollupWork } from '../dirty-bins.js';
import type { HistoryMetric, RollupQuery, SeriesQuery, TillStatesQuery } from '../port.js';
import { influxIdent, influxString } from './http.js';
import { MEASUREMENTS } from './points.js';

/** `"rp"."measurement"`, or just the measurement in the database's default retention policy. */
export function from(measurement: string, rp: string | undefined): string {
  return rp ? `${influxIdent(rp)}.${influxIdent(measurement)}` : influxIdent(measurement);
}

function range(q: RollupQuery): string {
  return `"store" = ${influxString(q.storeId)} AND time >= ${q.from}ms AND time < ${q.to}ms`;
}

export function footfallSeriesQuery(q: SeriesQuery, rp: string | undefined): string {
  return `SELECT sum("in") FROM ${from(MEASUREMENTS.footfall, rp)} WHERE ${range(q)} GROUP BY time(${q.binSeconds}s) fill(none)`;
}

export function salesSeriesQuery(q: SeriesQuery, rp: string | undefined): string {
  return `SELECT sum("transactions"), sum("revenue") FROM ${from(MEASUREMENTS.sales, rp)} WHERE ${range(q)} GROUP BY time(${q.binSeconds}s) fill(none)`;
}

export function tillsSeriesQuery(q: SeriesQuery, rp: string | undefined): string {
  return `SELECT last("tills_up") FROM ${from(MEASUREMENTS.storeState, rp)} WHERE ${range(q)} GROUP BY time(${q.binSeconds}s) fill(none)`;
}

const TILL_FIELDS = '"state", "pos", "printer", "payment", "network"';

/** Changes only: a keyframe (a point without the tag matches `!= '1'`) repeats a state for Grafana. */
function tillStatesWhere(q: TillStatesQuery): string {
  const till = q.tillId === undefined ? '' : ` AND "till" = ${influxString(q.tillId)}`;
  return `"store" = ${influxString(q.storeId)}${till} AND "keyframe" != '1' AND time >= ${q.from}ms AND time < ${q.to}ms`;
}

/** Each till's last status point in the range: one series per till. */
export function tillStatesBeforeQuery(q: TillStatesQuery, rp: string | undefined): string {
  return `SELECT ${TILL_FIELDS} FROM ${from(MEASUREMENTS.tillStatus, rp)} WHERE ${tillStatesWhere(q)} GROUP BY "till" ORDER BY time DESC LIMIT 1`;
}

/** The newest status points of the range across tills, newest first, with the till tag as a column. */
export function tillStatesNewestQuery(q: TillStatesQuery, limit: number, rp: string | undefined): string {
  return `SELECT "till", ${TILL_FIELDS} FROM ${from(MEASUREMENTS.tillStatus, rp)} WHERE ${tillStatesWhere(q)} ORDER BY time DESC LIMIT ${limit}`;
}

const HISTORY: Record<HistoryMetric, { measurement: string; field: string }> = {
  footfall: { measurement: MEASUREMENTS.footfall15m, field: 'in' },
  transactions: { measurement: MEASUREMENTS.sales15m, field: 'transactions' },
  revenue: { measurement: MEASUREMENTS.sales15m, field: 'revenue' },
  tills_available: { measurement: MEASUREMENTS.availability15m, field: 'tills_up' },
};

export function historyQuery(storeId: string, metric: HistoryMetric, fromMs: number, toMs: number, rollupRp: string): string {
  const h = HISTORY[metric];
  // By city: a bin rolled up before the store's city changed keeps a point under the old one (see readHistory).
  return `SELECT ${influxIdent(h.field)} FROM ${from(h.measurement, rollupRp)} WHERE "store" = ${influxString(storeId)} AND time >= ${fromMs}ms AND time <= ${toMs}ms GROUP BY "city"`;
}

/** Footfall, then sales rollups of a store, by city as history is (see historyQuery). */
export function rollupsQuery(q: RollupQuery, rollupRp: string): string {
  const where = `WHERE ${range(q)} GROUP BY "city"`;
  return [
    `SELECT "in" FROM ${from(MEASUREMENTS.footfall15m, rollupRp)} ${where}`,
    `SELECT "transactions", "revenue" FROM ${from(MEASUREMENTS.sales15m, rollupRp)} ${where}`,
  ].join('; ');
}

interface RollupSpec {
  source: string;
  target: string;
  select: string;
}

const ROLLUPS: Record<RollupWork['kind'], RollupSpec> = {
  footfall: { source: MEASUREMENTS.footfall, target: MEASUREMENTS.footfall15m, select: 'sum("in") AS "in", sum("out") AS "out"' },
  sales: { source: MEASUREMENTS.sales, target: MEASUREMENTS.sales15m, select: 'sum("transactions") AS "transactions", sum("revenue") AS "revenue"' },
  availability: { source: MEASUREMENTS.storeState, target: MEASUREMENTS.availability15m, select: 'last("tills_up") AS "tills_up"' },
};

export function rollupTarget(kind: RollupWork['kind']): string {
  return ROLLUPS[kind].target;
}

/** Store filters are split so that no single regex grows past a few hundred ids. */
const STORES_PER_QUERY = 300;

/**
 * The aggregation queries that recompute one piece of rollup work, grouped by store: a store whose city changed
 * within a bin would otherwise get two points for it, each with part of the bin.
 */
export function rollupQueries(w: RollupWork, rawRp: string | undefined): string[] {
  const spec = ROLLUPS[w.kind];
  const base = `SELECT ${spec.select} FROM ${from(spec.source, rawRp)} WHERE time >= ${w.from}ms AND time < ${w.to}ms`;
  const tail = `GROUP BY time(${ROLLUP_BIN_SECONDS}s), "store" fill(none)`;
  if (w.stores === null) return [`${base} ${tail}`];
  const out: string[] = [];
  for (let i = 0; i < w.stores.length; i += STORES_PER_QUERY) {
    // Ids match [A-Za-z0-9_-], so they need no escaping inside the regex.
    const ids = w.stores.slice(i, i + STORES_PER_QUERY).join('|');
    out.push(`${base} AND "store" =~ /^(${ids})$/ ${tail}`);
  }
  return out;
}

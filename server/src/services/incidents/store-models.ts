import type { FootfallBin, SalesBin } from '../../domain/revenue/index.js';
import { buildStoreModel, type Incident, type IncidentStore, type StoreModel } from '../../domain/incidents/index.js';
import { RAW_RETENTION_MS, type TelemetryStore } from '../../telemetry/index.js';

const QUARTER_S = 900;
const QUARTER_MS = QUARTER_S * 1000;
const DAY_MS = 24 * 3600_000;
/** The baseline looks 6 weeks back; a day more covers the local week boundary. */
const HISTORY_MS = 43 * DAY_MS;
/**
 * Raw points are read only a day inside their retention, where none of a quarter's have expired; older quarters
 * come from the rollups, which outlive them. The newest quarters may not be rolled up yet, so raw serves those.
 */
const RAW_SPAN_MS = RAW_RETENTION_MS - DAY_MS;

/** The telemetry store's series are store totals: one pseudo-sensor and one pseudo-till per store. */
const ALL = 'all';

/**
 * Learns a store's model (baseline and rates) from the telemetry history, leaving out its past
 * incidents. The series sum every till, so the per-till throughput (μ) cannot be learned here and the
 * capacity model uses its default. Quarters older than the raw retention less a day come from the 15-minute
 * rollups, the newer ones from the raw points.
 */
export async function loadStoreModel(
  telemetry: TelemetryStore,
  store: IncidentStore,
  pastIncidents: readonly Incident[],
  asOf: number,
): Promise<StoreModel> {
  const to = Math.floor(asOf / QUARTER_MS) * QUARTER_MS;
  const from = to - HISTORY_MS;
  const split = to - RAW_SPAN_MS;
  const q = { storeId: store.id, from: split, to, binSeconds: QUARTER_S };
  const [rolled, visits, sold] = await Promise.all([
    telemetry.rollups({ storeId: store.id, from, to: split }),
    telemetry.footfallSeries(q),
    telemetry.salesSeries(q),
  ]);
  const footfall: FootfallBin[] = rolled.footfall.map((b) => ({ sensorId: ALL, binStart: b.t, binEnd: b.t + QUARTER_MS, visitors: b.in }));
  for (const v of visits) if (v.value !== null) footfall.push({ sensorId: ALL, binStart: v.t, binEnd: v.t + QUARTER_MS, visitors: v.value });
  const sales: SalesBin[] = rolled.sales.map((s) => ({ tillId: ALL, binStart: s.t, binEnd: s.t + QUARTER_MS, transactions: s.transactions, revenue: s.revenue }));
  for (const s of sold) {
    if (s.transactions === null) continue;
    sales.push({ tillId: ALL, binStart: s.t, binEnd: s.t + QUARTER_MS, transactions: s.transactions, revenue: s.revenue ?? 0 });
  }
  const incidents = pastIncidents.map((i) => ({ start: Date.parse(i.startedAt), end: i.endedAt ? Date.parse(i.endedAt) : asOf }));
  const model = buildStoreModel(store, { footfall, sales, incidents }, asOf);
  return { baseline: model.baseline, rates: model.rates ? { ...model.rates, tillPerQuarterP90: null } : null };
}

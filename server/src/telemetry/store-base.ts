/**
 * What both adapters share: every write is validated, counted and logged the same way, and marks
 * the 15-minute bins that maintenance must roll up again.
 */
import { checkHistoryQuery, checkRollupQuery, checkSeriesQuery } from './bins.js';
import { DirtyBins } from './dirty-bins.js';
import { MAX_TILL_STATE_CHANGES, TILL_STATE_LOOKBACK_MS, checkTillStatesQuery, toTillStates } from './till-states.js';
import type {
  CityOf,
  FootfallBinPoint,
  HistoryQuery,
  HistoryValue,
  IncidentPoint,
  MaintenanceReport,
  RollupQuery,
  Rollups,
  SalesBinPoint,
  SalesSeriesValue,
  SeriesQuery,
  SeriesValue,
  StoreStatePoint,
  TelemetryLog,
  TelemetryStats,
  TelemetryStore,
  TillOnlinePoint,
  TillStateChange,
  TillStates,
  TillStatesQuery,
  TillStatusPoint,
} from './port.js';
import {
  footfallProblem,
  incidentProblem,
  salesProblem,
  storeStateProblem,
  tillOnlineProblem,
  tillStatusProblem,
} from './validate-points.js';

export const UNKNOWN_CITY = 'unknown';

/** Sums of amounts in cents come back with float noise (59.709999999999994): money is shown to the cent. */
function toCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

export interface BaseOptions {
  cityOf?: CityOf;
  log?: TelemetryLog;
}

export abstract class TelemetryStoreBase implements TelemetryStore {
  abstract readonly kind: 'sqlite' | 'influx';
  protected readonly dirty = new DirtyBins();
  protected readonly log: TelemetryLog | undefined;
  private readonly cityOf: CityOf;
  private accepted = 0;
  private rejected = 0;

  constructor(opts: BaseOptions) {
    this.log = opts.log;
    this.cityOf = opts.cityOf ?? (() => undefined);
  }

  protected city(storeId: string): string {
    return this.cityOf(storeId) ?? UNKNOWN_CITY;
  }

  private gate(measurement: string, problem: string | null, storeId: unknown): boolean {
    if (problem === null) {
      this.accepted++;
      return true;
    }
    this.rejected++;
    this.log?.warn({ measurement, storeId, problem }, 'telemetry point rejected');
    return false;
  }

  writeTillStatus(p: TillStatusPoint): boolean {
    if (!this.gate('till_status', tillStatusProblem(p), p.storeId)) return false;
    this.putTillStatus(p);
    return true;
  }

  writeTillOnline(p: TillOnlinePoint): boolean {
    if (!this.gate('till_online', tillOnlineProblem(p), p.storeId)) return false;
    this.putTillOnline(p);
    return true;
  }

  writeFootfall(b: FootfallBinPoint): boolean {
    if (!this.gate('footfall', footfallProblem(b), b.storeId)) return false;
    this.putFootfall(b);
    this.dirty.mark('footfall', b.storeId, b.binStart);
    return true;
  }

  writeSales(b: SalesBinPoint): boolean {
    if (!this.gate('sales', salesProblem(b), b.storeId)) return false;
    this.putSales(b);
    this.dirty.mark('sales', b.storeId, b.binStart);
    return true;
  }

  writeStoreState(p: StoreStatePoint): boolean {
    if (!this.gate('store_state', storeStateProblem(p), p.storeId)) return false;
    this.putStoreState(p);
    this.dirty.mark('availability', p.storeId, p.at);
    return true;
  }

  writeIncident(e: IncidentPoint): boolean {
    if (!this.gate('incident', incidentProblem(e), e.storeId)) return false;
    this.putIncident(e);
    return true;
  }

  async footfallSeries(q: SeriesQuery): Promise<SeriesValue[]> {
    checkSeriesQuery(q);
    return this.readFootfall(q);
  }

  async tillsAvailableSeries(q: SeriesQuery): Promise<SeriesValue[]> {
    checkSeriesQuery(q);
    // Carried forward from the last change, but not into bins that have not begun.
    const now = Date.now();
    return (await this.readTillsAvailable(q)).map((b) => (b.t <= now ? b : { ...b, value: null }));
  }

  async salesSeries(q: SeriesQuery): Promise<SalesSeriesValue[]> {
    checkSeriesQuery(q);
    return (await this.readSales(q)).map((b) => (b.revenue === null ? b : { ...b, revenue: toCents(b.revenue) }));
  }

  async rollups(q: RollupQuery): Promise<Rollups> {
    checkRollupQuery(q);
    const { footfall, sales } = await this.readRollups(q);
    return { footfall, sales: sales.map((b) => ({ ...b, revenue: toCents(b.revenue) })) };
  }

  async history(q: HistoryQuery): Promise<HistoryValue[]> {
    checkHistoryQuery(q);
    return this.readHistory(q);
  }

  async tillStates(q: TillStatesQuery): Promise<TillStates> {
    checkTillStatesQuery(q);
    const limit = q.limit ?? MAX_TILL_STATE_CHANGES;
    const [before, newest] = await Promise.all([
      this.readTillStatesBefore({ ...q, to: q.from, from: q.from - TILL_STATE_LOOKBACK_MS }),
      // One more than asked for, so a cut can be told apart from a range that held exactly `limit`.
      this.readTillStatesNewest(q, limit + 1),
    ]);
    return toTillStates(before, newest, limit);
  }

  protected gateStats(): Pick<TelemetryStats, 'accepted' | 'rejected'> {
    return { accepted: this.accepted, rejected: this.rejected };
  }

  protected abstract putTillStatus(p: TillStatusPoint): void;
  protected abstract putTillOnline(p: TillOnlinePoint): void;
  protected abstract putFootfall(b: FootfallBinPoint): void;
  protected abstract putSales(b: SalesBinPoint): void;
  protected abstract putStoreState(p: StoreStatePoint): void;
  protected abstract putIncident(e: IncidentPoint): void;
  protected abstract readFootfall(q: SeriesQuery): Promise<SeriesValue[]>;
  protected abstract readTillsAvailable(q: SeriesQuery): Promise<SeriesValue[]>;
  protected abstract readSales(q: SeriesQuery): Promise<SalesSeriesValue[]>;
  protected abstract readHistory(q: HistoryQuery): Promise<HistoryValue[]>;
  protected abstract readRollups(q: RollupQuery): Promise<Rollups>;
  /** Each till's last point in [from, to). */
  protected abstract readTillStatesBefore(q: TillStatesQuery): Promise<TillStateChange[]>;
  /** The newest `limit` points in [from, to), newest first. */
  protected abstract readTillStatesNewest(q: TillStatesQuery, limit: number): Promise<TillStateChange[]>;
  abstract maintain(nowMs: number): Promise<MaintenanceReport>;
  abstract flush(): Promise<void>;
  abstract stats(): TelemetryStats;
  abstract close(): Promise<void>;
}

/**
 * Telemetry in InfluxDB through the v1-compatible API (1.8+, 2.x with DBRP mapping, 3 Core; tested on 1.x).
 * Raw points go through the batching, spooling writer; rollups are computed here with InfluxQL and
 * written back, which works the same on every version (no continuous queries or tasks needed).
 */
import { Point } from '@influxdata/influxdb-client';
import { dense, fillPrevious, sameBinPreviousWeeks, toSeconds } from './bins.js';
import type { RollupWork } from './dirty-bins.js';
import { InfluxHttp, type InfluxConnection, type InfluxSeries } from './influx/http.js';
import {
  footfallLine,
  incidentLine,
  salesLine,
  storeStateLine,
  tillOnlineLine,
  tillStatusLine,
} from './influx/points.js';
import {
  footfallSeriesQuery,
  historyQuery,
  rollupQueries,
  rollupsQuery,
  rollupTarget,
  salesSeriesQuery,
  tillStatesBeforeQuery,
  tillStatesNewestQuery,
  tillsSeriesQuery,
} from './influx/queries.js';
import { ensureV1Schema, isV1 } from './influx/schema.js';
import { InfluxWriter, type WriterOptions } from './influx/writer.js';
import type {
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
  TelemetryStats,
  TillOnlinePoint,
  TillStateChange,
  TillStatesQuery,
  TillStatusPoint,
} from './port.js';
import { rowToChange } from './till-states.js';
import { RAW_RETENTION_DAYS, ROLLUP_RETENTION_DAYS, STARTUP_REROLL_MS } from './retention.js';
import { TelemetryStoreBase, type BaseOptions } from './store-base.js';

export interface InfluxTelemetryOptions extends BaseOptions, InfluxConnection, Omit<WriterOptions, 'log' | 'prepare'> {
  /** Retention policy of raw points; by default the database's default policy. */
  rawRp?: string;
  /** Retention policy (1.x) or DBRP-mapped bucket (2.x: bucket "<db>/<rp>") of the 15-minute rollups. */
  rollupRp?: string;
  /** On 1.x, create the database and retention policies at start (default true). */
  manageSchema?: boolean;
  /** InfluxQL durations used when managing the schema on 1.x. */
  rawRetention?: string;
  rollupRetention?: string;
}

const RAW_RP_NAME = 'raw';
const ROLLUP_LINES_PER_WRITE = 5000;

type Value = string | number | boolean | null;

function rows(result: InfluxSeries[][] | undefined): { tags: Record<string, string>; values: Value[][]; columns: string[] }[] {
  return (result?.[0] ?? []).map((s) => ({ tags: s.tags ?? {}, values: s.values, columns: s.columns }));
}

function num(v: Value | undefined): number | null {
  return typeof v === 'number' ? v : null;
}

export class InfluxTelemetryStore extends TelemetryStoreBase {
  readonly kind = 'influx' as const;
  private readonly http: InfluxHttp;
  private readonly writer: InfluxWriter;
  private readonly rawRp: string | undefined;
  private readonly rollupRp: string;
  private readonly opts: InfluxTelemetryOptions;
  private schemaReady: boolean;
  private maintainedOnce = false;

  private constructor(opts: InfluxTelemetryOptions) {
    super(opts);
    this.opts = opts;
    this.rawRp = opts.rawRp;
    this.rollupRp = opts.rollupRp ?? 'rollup';
    this.schemaReady = opts.manageSchema === false;
    this.http = new InfluxHttp(opts);
    // No write may land before the schema exists: on 1.x it would go to the wrong retention policy.
    this.writer = new InfluxWriter(this.http, { ...opts, log: opts.log, prepare: () => this.ensureSchema() });
  }

  /** Connects and, on 1.x, sets up the schema. An unreachable InfluxDB is not fatal: points spool until it answers. */
  static async open(opts: InfluxTelemetryOptions): Promise<InfluxTelemetryStore> {
    const store = new InfluxTelemetryStore(opts);
    try {
      await store.ensureSchema();
    } catch (err) {
      store.log?.warn({ err: (err as Error).message }, 'InfluxDB schema setup postponed');
    }
    return store;
  }

  /** Throws while InfluxDB cannot be reached; the writer and maintenance call it again until it succeeds. */
  private async ensureSchema(): Promise<void> {
    if (this.schemaReady) return;
    const version = await this.http.version();
    if (version === null) throw new Error(`InfluxDB at ${new URL(this.opts.url).host} is unreachable`);
    if (isV1(version)) {
      await ensureV1Schema(this.http, {
        raw: { name: this.rawRp ?? RAW_RP_NAME, duration: this.opts.rawRetention ?? `${RAW_RETENTION_DAYS}d` },
        rollup: { name: this.rollupRp, duration: this.opts.rollupRetention ?? `${ROLLUP_RETENTION_DAYS}d` },
      });
    }
    this.schemaReady = true;
  }

  protected putTillStatus(p: TillStatusPoint): void {
    this.writer.add(tillStatusLine(p, this.city(p.storeId)));
  }

  protected putTillOnline(p: TillOnlinePoint): void {
    this.writer.add(tillOnlineLine(p, this.city(p.storeId)));
  }

  protected putFootfall(b: FootfallBinPoint): void {
    this.writer.add(footfallLine(b, this.city(b.storeId)));
  }

  protected putSales(b: SalesBinPoint): void {
    this.writer.add(salesLine(b, this.city(b.storeId)));
  }

  protected putStoreState(p: StoreStatePoint): void {
    this.writer.add(storeStateLine(p, this.city(p.storeId)));
  }

  protected putIncident(e: IncidentPoint): void {
    this.writer.add(incidentLine(e, this.city(e.storeId)));
  }

  private async series(q: string): Promise<Value[][]> {
    const [first] = rows(await this.http.query(q));
    return first?.values ?? [];
  }

  protected async readFootfall(q: SeriesQuery): Promise<SeriesValue[]> {
    const values = await this.series(footfallSeriesQuery(q, this.rawRp));
    return dense(q, new Map(values.map((r) => [Number(r[0]), num(r[1])!])));
  }

  protected async readTillsAvailable(q: SeriesQuery): Promise<SeriesValue[]> {
    const values = await this.series(tillsSeriesQuery(q, this.rawRp));
    const bins = dense(q, new Map(values.map((r) => [Number(r[0]), num(r[1])!])));
    const filled = fillPrevious(bins.map((b) => b.value));
    return bins.map((b, i) => ({ t: b.t, value: filled[i] ?? null }));
  }

  protected async readSales(q: SeriesQuery): Promise<SalesSeriesValue[]> {
    const values = await this.series(salesSeriesQuery(q, this.rawRp));
    const found = new Map(values.map((r) => [Number(r[0]), { transactions: num(r[1]), revenue: num(r[2]) }]));
    return dense(q, found).map((b) => ({ t: b.t, transactions: b.value?.transactions ?? null, revenue: b.value?.revenue ?? null }));
  }

  /** Rollup rows by time, oldest first, from one series per city the store was rolled up under. */
  private byTime(storeId: string, series: InfluxSeries[] | undefined): Map<number, Value[]> {
    // The store's current city is rolled up last: its point wins over one left under a city the store had before.
    const city = this.city(storeId);
    const found = new Map<number, Value[]>();
    for (const s of [...(series ?? [])].sort((a, b) => Number(a.tags?.city === city) - Number(b.tags?.city === city))) {
      for (const r of s.values) found.set(Number(r[0]), r);
    }
    return new Map([...found].sort(([a], [b]) => a - b));
  }

  protected async readHistory(q: HistoryQuery): Promise<HistoryValue[]> {
    const bins = sameBinPreviousWeeks(q.binStart, q.timezone, q.weeks);
    const times = bins.map((b) => b.binStart);
    const [series] = await this.http.query(historyQuery(q.storeId, q.metric, Math.min(...times), Math.max(...times), this.rollupRp));
    const found = this.byTime(q.storeId, series);
    return bins.map((b) => ({ ...b, value: num(found.get(b.binStart)?.[1]) }));
  }

  protected async readRollups(q: RollupQuery): Promise<Rollups> {
    const [footfall, sales] = await this.http.query(rollupsQuery(q, this.rollupRp));
    const out: Rollups = { footfall: [], sales: [] };
    for (const [t, r] of this.byTime(q.storeId, footfall)) {
      const visitors = num(r[1]);
      if (visitors !== null) out.footfall.push({ t, in: visitors });
    }
    for (const [t, r] of this.byTime(q.storeId, sales)) {
      const [transactions, revenue] = [num(r[1]), num(r[2])];
      if (transactions !== null && revenue !== null) out.sales.push({ t, transactions, revenue });
    }
    return out;
  }

  /** Columns by name: InfluxDB orders them itself. */
  private static changes(s: { tags: Record<string, string>; values: Value[][]; columns: string[] }): TillStateChange[] {
    const at = (name: string) => s.columns.indexOf(name);
    const [t, till, state, pos, printer, payment, network] = ['time', 'till', 'state', 'pos', 'printer', 'payment', 'network'].map(at) as number[];
    return s.values
      .map((r) => rowToChange(Number(r[t!]), String(s.tags.till ?? r[till!]), r[state!], { pos: r[pos!], printer: r[printer!], payment: r[payment!], network: r[network!] }))
      .filter((c) => c !== null);
  }

  protected async readTillStatesBefore(q: TillStatesQuery): Promise<TillStateChange[]> {
    return rows(await this.http.query(tillStatesBeforeQuery(q, this.rawRp))).flatMap(InfluxTelemetryStore.changes);
  }

  protected async readTillStatesNewest(q: TillStatesQuery, limit: number): Promise<TillStateChange[]> {
    return rows(await this.http.query(tillStatesNewestQuery(q, limit, this.rawRp))).flatMap(InfluxTelemetryStore.changes);
  }

  async maintain(nowMs: number): Promise<MaintenanceReport> {
    await this.ensureSchema();
    await this.writer.flush();
    if (!this.maintainedOnce) this.dirty.markAll(nowMs - STARTUP_REROLL_MS, nowMs);
    this.maintainedOnce = true;
    // Raw points still in the spool would make the rollups short: wait until they are replayed.
    if (this.writer.backlog > 0) return { rolledUp: 0, expired: 0 };
    const work = this.dirty.take();
    let rolledUp = 0;
    for (let i = 0; i < work.length; i++) {
      try {
        rolledUp += await this.rollup(work[i]!);
      } catch (err) {
        this.dirty.restore(work.slice(i));
        throw err;
      }
    }
    // InfluxDB applies retention itself (retention policies or bucket retention).
    return { rolledUp, expired: 0 };
  }

  private async rollup(w: RollupWork): Promise<number> {
    const target = rollupTarget(w.kind);
    let lines: string[] = [];
    let count = 0;
    for (const q of rollupQueries(w, this.rawRp)) {
      for (const s of rows(await this.http.query(q))) {
        for (const row of s.values) {
          const store = s.tags.store ?? '';
          const point = new Point(target).tag('store', store).tag('city', this.city(store));
          s.columns.forEach((c, i) => {
            const v = row[i];
            if (c === 'time' || typeof v !== 'number') return;
            if (c === 'revenue') point.floatField(c, v);
            else point.intField(c, v);
          });
          point.timestamp(toSeconds(Number(row[0])));
          const text = point.toLineProtocol();
          if (text === undefined) continue;
          lines.push(text);
          if (lines.length >= ROLLUP_LINES_PER_WRITE) {
            await this.http.write(lines.join('\n'), this.rollupRp);
            count += lines.length;
            lines = [];
          }
        }
      }
    }
    if (lines.length > 0) await this.http.write(lines.join('\n'), this.rollupRp);
    return count + lines.length;
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  stats(): TelemetryStats {
    return { ...this.gateStats(), ...this.writer.stats() };
  }

  async close(): Promise<void> {
    await this.writer.close();
  }
}

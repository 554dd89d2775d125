/**
 * Embedded telemetry store on SQLite (better-sqlite3, WAL). Writes are queued and committed in one
 * transaction per batch; reads commit the queue first, so a caller always reads its own writes.
 */
import Database from 'better-sqlite3';
import { ROLLUP_BIN_MS, ROLLUP_BIN_SECONDS, dense, fillPrevious, sameBinPreviousWeeks, toSeconds } from './bins.js';
import type { RollupKind, RollupWork } from './dirty-bins.js';
import type {
  FootfallBinPoint,
  HistoryMetric,
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
import { RAW_RETENTION_MS, ROLLUP_RETENTION_MS, STARTUP_REROLL_MS } from './retention.js';
import { RAW_TABLES, ROLLUP_TABLES, SQLITE_ADDED_COLUMNS, SQLITE_SCHEMA } from './sqlite-schema.js';
import { TelemetryStoreBase, type BaseOptions } from './store-base.js';

export interface SqliteTelemetryOptions extends BaseOptions {
  /** Database file, e.g. `${STOREPULSE_DATA_DIR}/telemetry.db`; ":memory:" for a throwaway store. */
  path: string;
  /** Rows per transaction before an early commit. */
  batchSize?: number;
  /** Longest time a write waits in the queue before its transaction commits. */
  flushIntervalMs?: number;
}

type Row = Record<string, number | string | null>;
const Q = ROLLUP_BIN_SECONDS;

const ROLLUP_SQL: Record<RollupKind, string> = {
  footfall: `INSERT OR REPLACE INTO footfall_15m (store, t, city, in_count, out_count)
    SELECT store, (t / ${Q}) * ${Q} AS b, MAX(city), SUM(in_count), SUM(out_count) FROM footfall
    WHERE t >= @from AND t < @to AND (@stores IS NULL OR store IN (SELECT value FROM json_each(@stores)))
    GROUP BY store, b`,
  sales: `INSERT OR REPLACE INTO sales_15m (store, t, city, transactions, revenue)
    SELECT store, (t / ${Q}) * ${Q} AS b, MAX(city), SUM(transactions), SUM(revenue) FROM sales
    WHERE t >= @from AND t < @to AND (@stores IS NULL OR store IN (SELECT value FROM json_each(@stores)))
    GROUP BY store, b`,
  // SQLite takes the bare columns from the row holding MAX(t): the last state of each bin.
  availability: `INSERT OR REPLACE INTO availability_15m (store, t, city, tills_up)
    SELECT store, b, city, tills_up FROM (
      SELECT store, (t / ${Q}) * ${Q} AS b, city, tills_up, MAX(t) FROM store_state
      WHERE t >= @from AND t < @to AND (@stores IS NULL OR store IN (SELECT value FROM json_each(@stores)))
      GROUP BY store, b)`,
};

const HISTORY_SQL: Record<HistoryMetric, string> = {
  footfall: 'SELECT t, in_count AS v FROM footfall_15m WHERE store = ? AND t >= ? AND t <= ?',
  transactions: 'SELECT t, transactions AS v FROM sales_15m WHERE store = ? AND t >= ? AND t <= ?',
  revenue: 'SELECT t, revenue AS v FROM sales_15m WHERE store = ? AND t >= ? AND t <= ?',
  tills_available: 'SELECT t, tills_up AS v FROM availability_15m WHERE store = ? AND t >= ? AND t <= ?',
};

export class SqliteTelemetryStore extends TelemetryStoreBase {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly queue: (() => void)[] = [];
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private written = 0;
  private dropped = 0;
  private maintainedOnce = false;
  private readonly stmt;
  private readonly commit: () => void;

  constructor(opts: SqliteTelemetryOptions) {
    super(opts);
    this.batchSize = opts.batchSize ?? 1000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 200;
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SQLITE_SCHEMA);
    for (const { table, column, type } of SQLITE_ADDED_COLUMNS) {
      const columns = this.db.pragma(`table_info(${table})`) as { name: string }[];
      if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
    const db = this.db;
    this.stmt = {
      tillStatus: db.prepare(`INSERT OR REPLACE INTO till_status (store, till, t, city, state, pos, printer, payment, network)
        VALUES (@store, @till, @t, @city, @state, @pos, @printer, @payment, @network)`),
      tillOnline: db.prepare('INSERT OR REPLACE INTO till_online (store, till, t, city, online) VALUES (?, ?, ?, ?, ?)'),
      footfall: db.prepare(`INSERT OR REPLACE INTO footfall (store, sensor, t, city, seconds, in_count, out_count)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      sales: db.prepare(`INSERT OR REPLACE INTO sales (store, till, t, city, seconds, transactions, revenue, currency)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      storeState: db.prepare(`INSERT OR REPLACE INTO store_state (store, t, city, state, tills_up, tills_total)
        VALUES (?, ?, ?, ?, ?, ?)`),
      incident: db.prepare(`INSERT OR REPLACE INTO incident
        (store, till, kind, t, city, incident_id, phase, title, provider, lost_revenue, duration_s, sla_breached, lost_revenue_net, ticket)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      footfallSeries: db.prepare(`SELECT (t / CAST(@bin AS INTEGER)) * CAST(@bin AS INTEGER) AS b, SUM(in_count) AS v FROM footfall
        WHERE store = @store AND t >= @from AND t < @to GROUP BY b`),
      salesSeries: db.prepare(`SELECT (t / CAST(@bin AS INTEGER)) * CAST(@bin AS INTEGER) AS b, SUM(transactions) AS tx, SUM(revenue) AS rev FROM sales
        WHERE store = @store AND t >= @from AND t < @to GROUP BY b`),
      tillsSeries: db.prepare(`SELECT (t / CAST(@bin AS INTEGER)) * CAST(@bin AS INTEGER) AS b, tills_up AS v, MAX(t) FROM store_state
        WHERE store = @store AND t >= @from AND t < @to GROUP BY b`),
      rollupFootfall: db.prepare('SELECT t, in_count AS v FROM footfall_15m WHERE store = @store AND t >= @from AND t < @to ORDER BY t'),
      rollupSales: db.prepare(`SELECT t, transactions AS tx, revenue AS rev FROM sales_15m
        WHERE store = @store AND t >= @from AND t < @to ORDER BY t`),
      // Bare columns next to MAX(t) come from the row holding it: each till's last point.
      tillStatesBefore: db.prepare(`SELECT till, MAX(t) AS t, state, pos, printer, payment, network FROM till_status
        WHERE store = @store AND (@till IS NULL OR till = @till) AND t >= @from AND t < @to GROUP BY till`),
      tillStatesNewest: db.prepare(`SELECT till, t, state, pos, printer, payment, network FROM till_status
        WHERE store = @store AND (@till IS NULL OR till = @till) AND t >= @from AND t < @to ORDER BY t DESC, till DESC LIMIT @limit`),
      rollup: Object.fromEntries(Object.entries(ROLLUP_SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<RollupKind, Database.Statement>,
      history: Object.fromEntries(Object.entries(HISTORY_SQL).map(([k, sql]) => [k, db.prepare(sql)])) as Record<HistoryMetric, Database.Statement>,
      expireRaw: RAW_TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE t < ?`)),
      expireRollups: ROLLUP_TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE t < ?`)),
    };
    this.commit = db.transaction(() => {
      const ops = this.queue.splice(0, this.queue.length);
      for (const op of ops) op();
      this.written += ops.length;
    });
  }

  private enqueue(op: () => void): void {
    this.queue.push(op);
    if (this.queue.length >= this.batchSize) this.commitNow();
    else this.timer ??= setTimeout(() => this.commitNow(), this.flushIntervalMs);
  }

  private commitNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0) return;
    try {
      this.commit();
    } catch (err) {
      // The transaction rolled back: nothing of the batch is stored, so count it as lost rather than retry forever.
      this.dropped += this.queue.length;
      this.queue.length = 0;
      this.log?.error({ err: (err as Error).message }, 'telemetry batch could not be committed');
    }
  }

  protected putTillStatus(p: TillStatusPoint): void {
    const row = {
      store: p.storeId,
      till: p.tillId,
      t: toSeconds(p.at),
      city: this.city(p.storeId),
      state: p.state,
      pos: p.components?.pos ?? null,
      printer: p.components?.printer ?? null,
      payment: p.components?.payment ?? null,
      network: p.components?.network ?? null,
    };
    this.enqueue(() => this.stmt.tillStatus.run(row));
  }

  protected putTillOnline(p: TillOnlinePoint): void {
    const args = [p.storeId, p.tillId, toSeconds(p.at), this.city(p.storeId), p.online ? 1 : 0];
    this.enqueue(() => this.stmt.tillOnline.run(args));
  }

  protected putFootfall(b: FootfallBinPoint): void {
    const args = [b.storeId, b.sensorId, toSeconds(b.binStart), this.city(b.storeId), toSeconds(b.binEnd) - toSeconds(b.binStart), b.in, b.out];
    this.enqueue(() => this.stmt.footfall.run(args));
  }

  protected putSales(b: SalesBinPoint): void {
    const args = [
      b.storeId, b.tillId, toSeconds(b.binStart), this.city(b.storeId),
      toSeconds(b.binEnd) - toSeconds(b.binStart), b.transactions, b.revenue, b.currency,
    ];
    this.enqueue(() => this.stmt.sales.run(args));
  }

  protected putStoreState(p: StoreStatePoint): void {
    const args = [p.storeId, toSeconds(p.at), this.city(p.storeId), p.state, p.tillsUp, p.tillsTotal];
    this.enqueue(() => this.stmt.storeState.run(args));
  }

  protected putIncident(e: IncidentPoint): void {
    // Store-wide incidents use an empty till, as InfluxDB leaves the till tag out.
    const args = [
      e.storeId, e.tillId ?? '', e.kind, toSeconds(e.at), this.city(e.storeId), e.incidentId, e.phase, e.title,
      e.provider ?? null, e.lostRevenue ?? null, e.durationSeconds ?? null,
      e.slaBreached === undefined ? null : Number(e.slaBreached), e.lostRevenueNet ?? null, e.ticketId ?? null,
    ];
    this.enqueue(() => this.stmt.incident.run(args));
  }

  private params(q: SeriesQuery) {
    return { store: q.storeId, bin: q.binSeconds, from: toSeconds(q.from), to: toSeconds(q.to) };
  }

  protected async readFootfall(q: SeriesQuery): Promise<SeriesValue[]> {
    this.commitNow();
    const rows = this.stmt.footfallSeries.all(this.params(q)) as Row[];
    return dense(q, new Map(rows.map((r) => [Number(r.b) * 1000, Number(r.v)])));
  }

  protected async readTillsAvailable(q: SeriesQuery): Promise<SeriesValue[]> {
    this.commitNow();
    const rows = this.stmt.tillsSeries.all(this.params(q)) as Row[];
    const bins = dense(q, new Map(rows.map((r) => [Number(r.b) * 1000, Number(r.v)])));
    const filled = fillPrevious(bins.map((b) => b.value));
    return bins.map((b, i) => ({ t: b.t, value: filled[i] ?? null }));
  }

  protected async readSales(q: SeriesQuery): Promise<SalesSeriesValue[]> {
    this.commitNow();
    const rows = this.stmt.salesSeries.all(this.params(q)) as Row[];
    const found = new Map(rows.map((r) => [Number(r.b) * 1000, { transactions: Number(r.tx), revenue: Number(r.rev) }]));
    return dense(q, found).map((b) => ({ t: b.t, transactions: b.value?.transactions ?? null, revenue: b.value?.revenue ?? null }));
  }

  protected async readHistory(q: HistoryQuery): Promise<HistoryValue[]> {
    this.commitNow();
    const bins = sameBinPreviousWeeks(q.binStart, q.timezone, q.weeks);
    const times = bins.map((b) => toSeconds(b.binStart));
    const rows = this.stmt.history[q.metric].all(q.storeId, Math.min(...times), Math.max(...times)) as Row[];
    const found = new Map(rows.map((r) => [Number(r.t) * 1000, Number(r.v)]));
    return bins.map((b) => ({ ...b, value: found.get(b.binStart) ?? null }));
  }

  protected async readRollups(q: RollupQuery): Promise<Rollups> {
    this.commitNow();
    const params = { store: q.storeId, from: toSeconds(q.from), to: toSeconds(q.to) };
    const footfall = this.stmt.rollupFootfall.all(params) as Row[];
    const sales = this.stmt.rollupSales.all(params) as Row[];
    return {
      footfall: footfall.map((r) => ({ t: Number(r.t) * 1000, in: Number(r.v) })),
      sales: sales.map((r) => ({ t: Number(r.t) * 1000, transactions: Number(r.tx), revenue: Number(r.rev) })),
    };
  }

  /** Rows are whole seconds: second s lies in [from, to) when s * 1000 does. */
  private tillStatesParams(q: TillStatesQuery) {
    return { store: q.storeId, till: q.tillId ?? null, from: Math.ceil(q.from / 1000), to: Math.ceil(q.to / 1000) };
  }

  private static change(r: Row): TillStateChange | null {
    return rowToChange(Number(r.t) * 1000, String(r.till), r.state, { pos: r.pos, printer: r.printer, payment: r.payment, network: r.network });
  }

  protected async readTillStatesBefore(q: TillStatesQuery): Promise<TillStateChange[]> {
    this.commitNow();
    const rows = this.stmt.tillStatesBefore.all(this.tillStatesParams(q)) as Row[];
    return rows.map(SqliteTelemetryStore.change).filter((c) => c !== null);
  }

  protected async readTillStatesNewest(q: TillStatesQuery, limit: number): Promise<TillStateChange[]> {
    this.commitNow();
    const rows = this.stmt.tillStatesNewest.all({ ...this.tillStatesParams(q), limit }) as Row[];
    return rows.map(SqliteTelemetryStore.change).filter((c) => c !== null);
  }

  async maintain(nowMs: number): Promise<MaintenanceReport> {
    this.commitNow();
    if (!this.maintainedOnce) this.dirty.markAll(nowMs - STARTUP_REROLL_MS, nowMs);
    this.maintainedOnce = true;
    const work = this.dirty.take();
    let rolledUp = 0;
    let expired = 0;
    // A bin whose raw rows are partly gone (expired) cannot be summed again: a late row there would replace the whole
    // bin's rollup with its own figure. InfluxDB refuses such points outright.
    const firstWhole = Math.ceil((nowMs - RAW_RETENTION_MS) / ROLLUP_BIN_MS) * ROLLUP_BIN_MS;
    this.db.transaction((items: RollupWork[]) => {
      for (const w of items) {
        if (w.to <= firstWhole) continue;
        const res = this.stmt.rollup[w.kind].run({
          from: toSeconds(Math.max(w.from, firstWhole)),
          to: toSeconds(w.to),
          stores: w.stores ? JSON.stringify(w.stores) : null,
        });
        rolledUp += res.changes;
      }
      const rawCut = toSeconds(nowMs - RAW_RETENTION_MS);
      const rollupCut = toSeconds(nowMs - ROLLUP_RETENTION_MS);
      for (const stmt of this.stmt.expireRaw) expired += stmt.run(rawCut).changes;
      for (const stmt of this.stmt.expireRollups) expired += stmt.run(rollupCut).changes;
    })(work);
    return { rolledUp, expired };
  }

  async flush(): Promise<void> {
    this.commitNow();
  }

  stats(): TelemetryStats {
    return { ...this.gateStats(), written: this.written, spooled: 0, spoolPending: 0, dropped: this.dropped, retries: 0 };
  }

  async close(): Promise<void> {
    this.commitNow();
    if (this.db.open) this.db.close();
  }
}


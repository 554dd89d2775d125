import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { Fleet, FleetChange, StoreRecord } from '../../domain/fleet.js';
import type { EventBus, ServerEvents } from '../../event-bus.js';
import { componentStates, type TelemetryStats, type TelemetryStore } from '../../telemetry/index.js';

const MAINTAIN_MS = 60_000;
/**
 * Store state (and, on InfluxDB, till state) is written on every change and, as a keyframe, this often: charts and
 * rollups need a value per bin.
 */
const KEYFRAME_MS = 5 * 60_000;

type Handlers = { [K in keyof ServerEvents]?: (...args: ServerEvents[K]) => void };

/**
 * Writes what the server learns to the telemetry store: till status and presence on change, footfall and sales bins,
 * store state on change, plus a periodic keyframe of store state (and, to InfluxDB, of each till's status and
 * presence). Heartbeats that change nothing are not written.
 */
export class TelemetrySink {
  private readonly handlers: Handlers;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly store: TelemetryStore,
    private readonly fleet: Fleet,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.handlers = {
      'fleet:changes': (changes) => this.onChanges(changes),
      'ingest:online': (m) => void store.writeTillOnline({ at: m.at, storeId: m.storeId, tillId: m.tillId, online: m.payload.online }),
      'bin:footfall': (m) => void store.writeFootfall({
        storeId: m.storeId, sensorId: m.sensorId, binStart: Date.parse(m.payload.binStart), binEnd: Date.parse(m.payload.binEnd), in: m.payload.in, out: m.payload.out,
      }),
      'bin:sales': (m) => void store.writeSales({
        storeId: m.storeId, tillId: m.tillId, binStart: Date.parse(m.payload.binStart), binEnd: Date.parse(m.payload.binEnd),
        transactions: m.payload.transactions, revenue: m.payload.revenue, currency: m.payload.currency,
      }),
    };
    for (const [event, fn] of Object.entries(this.handlers)) bus.on(event as keyof ServerEvents, fn as never);
    this.every(MAINTAIN_MS, () => this.maintain());
    this.every(KEYFRAME_MS, () => this.keyframe());
    this.keyframe();
  }

  /** Exposes the store's counters as Prometheus gauges on `registry`. */
  static registerMetrics(registry: Registry, stats: () => TelemetryStats): void {
    const fields: (keyof TelemetryStats)[] = ['accepted', 'rejected', 'written', 'spooled', 'spoolPending', 'dropped', 'retries'];
    new Gauge({
      name: 'storepulse_telemetry_points',
      help: 'Telemetry store counters: accepted, rejected, written, spooled (total), spoolPending (now), dropped, retries',
      labelNames: ['counter'] as const,
      registers: [registry],
      collect() {
        const s = stats();
        for (const f of fields) this.set({ counter: f }, s[f]);
      },
    });
  }

  private onChanges(changes: FleetChange[]): void {
    for (const c of changes) {
      if (c.type === 'till') {
        this.store.writeTillStatus({ at: Math.max(c.till.since, c.till.lastSeen ?? 0), storeId: c.store.config.id, tillId: c.till.id, state: c.till.state, components: componentStates(c.till.components) });
      } else {
        // Now, not when the state last changed: a change that keeps the state (a till down in a store already
        // degraded, a renamed store) would otherwise rewrite that old point with the counts of now.
        this.writeStore(c.store, Math.max(c.store.since, Date.now()));
      }
    }
  }

  private writeStore(store: StoreRecord, at: number): void {
    let up = 0;
    for (const t of store.tills.values()) if (t.state === 'up' || t.state === 'degraded') up++;
    this.store.writeStoreState({ at, storeId: store.config.id, state: store.state, tillsUp: up, tillsTotal: store.tills.size });
  }

  private keyframe(): void {
    const now = Date.now();
    // Grafana (InfluxDB only) shows a till's last point within its range: without these, a till steady for a day
    // drops out of the drill-down. Two lines a till (100,000 for 10,000 stores of 5), batched by the writer.
    const tills = this.store.kind === 'influx';
    for (const store of this.fleet.stores.values()) {
      this.writeStore(store, now);
      if (!tills) continue;
      const storeId = store.config.id;
      for (const t of store.tills.values()) {
        this.store.writeTillStatus({ at: now, storeId, tillId: t.id, state: t.state, components: componentStates(t.components), keyframe: true });
        this.store.writeTillOnline({ at: now, storeId, tillId: t.id, online: t.online });
      }
    }
  }

  private async maintain(): Promise<void> {
    try {
      await this.store.maintain(Date.now());
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'telemetry maintenance failed');
    }
  }

  private every(ms: number, fn: () => void | Promise<void>): void {
    const t = setInterval(() => void fn(), ms);
    t.unref();
    this.timers.push(t);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const [event, fn] of Object.entries(this.handlers)) this.bus.off(event as keyof ServerEvents, fn as never);
    await this.store.close();
  }
}

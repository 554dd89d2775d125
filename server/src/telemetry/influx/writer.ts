/**
 * Batches line protocol by size and interval, writes with retries and exponential backoff, and
 * falls back to the disk spool during an outage. Order is kept: while anything waits in the spool,
 * new batches queue behind it, and the spool replays oldest first.
 */
import type { TelemetryLog } from '../port.js';
import { InfluxWriteError, type InfluxHttp } from './http.js';
import { DiskSpool } from './spool.js';

export interface WriterOptions {
  spoolDir: string;
  /** Lines per write request. */
  batchSize?: number;
  /** Longest time a point waits before it is sent; at most 1 s, so charts stay live. */
  flushIntervalMs?: number;
  /** Attempts after the first before a batch goes to the spool. */
  maxRetries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  maxSpoolBytes?: number;
  log?: TelemetryLog;
  /** Runs before each write (e.g. schema setup); a throw counts as a failed attempt. */
  prepare?: () => Promise<void>;
}

export interface WriterStats {
  written: number;
  spooled: number;
  spoolPending: number;
  dropped: number;
  retries: number;
}

export class InfluxWriter {
  private buffer: string[] = [];
  private readonly queue: string[][] = [];
  private readonly spool: DiskSpool;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly log: TelemetryLog | undefined;
  private readonly prepare: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | null = null;
  private pump: Promise<void> | null = null;
  private wakeSleep: (() => void) | null = null;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private counters = { written: 0, spooled: 0, dropped: 0, retries: 0 };

  constructor(private readonly http: InfluxHttp, opts: WriterOptions) {
    this.batchSize = opts.batchSize ?? 5000;
    this.flushIntervalMs = Math.min(opts.flushIntervalMs ?? 1000, 1000);
    this.maxRetries = opts.maxRetries ?? 3;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.log = opts.log;
    this.prepare = opts.prepare;
    this.spool = new DiskSpool(opts.spoolDir, opts.maxSpoolBytes ?? 512 * 1024 * 1024, (points) => {
      this.counters.dropped += points;
      this.log?.error({ points }, 'telemetry spool full: oldest points dropped');
    });
    if (!this.spool.isEmpty) this.startPump();
  }

  add(line: string): void {
    this.buffer.push(line);
    if (this.buffer.length >= this.batchSize) this.cut();
    else this.timer ??= setTimeout(() => this.cut(), this.flushIntervalMs);
  }

  /** Resolves once every line added so far is written or spooled. */
  async flush(): Promise<void> {
    this.cut();
    if (this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Points still waiting in the spool: reads would miss them. */
  get backlog(): number {
    return this.spool.pendingPoints;
  }

  stats(): WriterStats {
    return { ...this.counters, spoolPending: this.spool.pendingPoints };
  }

  /** Sends or spools what is left, then stops the replay loop; the spool stays on disk for the next start. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.wakeSleep?.();
    await this.pump;
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    if (this.spool.isEmpty) this.queue.push(batch);
    else this.toSpool(batch);
    this.startPump();
  }

  private toSpool(batch: string[]): void {
    this.spool.append(batch);
    this.counters.spooled += batch.length;
  }

  private startPump(): void {
    this.pump ??= this.run().finally(() => {
      this.pump = null;
    });
  }

  private async run(): Promise<void> {
    let backoff = this.retryBaseMs;
    while (!this.closed || this.queue.length > 0) {
      const spooled = this.spool.peek();
      if (spooled) {
        const ok = await this.send(spooled.lines, spooled.points);
        if (ok) {
          this.spool.remove(spooled.name);
          backoff = this.retryBaseMs;
        } else if (this.closed) {
          for (const b of this.queue.splice(0)) this.toSpool(b);
          break;
        } else {
          this.counters.retries++;
          await this.sleep(backoff);
          backoff = Math.min(backoff * 2, this.retryMaxMs);
        }
        continue;
      }
      const batch = this.queue[0];
      if (!batch) break;
      const ok = await this.sendWithRetries(batch);
      this.queue.shift();
      if (!ok) {
        // InfluxDB is down: this batch and everything behind it wait on disk, in order.
        this.toSpool(batch);
        for (const b of this.queue.splice(0)) this.toSpool(b);
      }
      if (this.queue.length === 0) this.wakeIdle();
    }
    this.wakeIdle();
  }

  private async sendWithRetries(batch: string[]): Promise<boolean> {
    const lines = batch.join('\n');
    for (let attempt = 0; ; attempt++) {
      if (await this.send(lines, batch.length)) return true;
      if (attempt >= this.maxRetries || this.closed) return false;
      this.counters.retries++;
      await this.sleep(Math.min(this.retryBaseMs * 2 ** attempt, this.retryMaxMs));
    }
  }

  /** True when the batch is done with (written, or refused for good); false when it should be tried again. */
  private async send(lines: string, points: number): Promise<boolean> {
    try {
      await this.prepare?.();
      await this.http.write(lines);
      this.counters.written += points;
      return true;
    } catch (err) {
      const e = err as InfluxWriteError;
      if (e instanceof InfluxWriteError && !e.retryable) {
        const dropped = e.droppedPoints ?? points;
        this.counters.dropped += dropped;
        this.counters.written += points - dropped;
        this.log?.error({ status: e.status, dropped, err: e.message }, 'InfluxDB refused telemetry points');
        return true;
      }
      this.log?.warn({ err: (err as Error).message }, 'telemetry write failed; will retry');
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(t);
        self.wakeSleep = null;
        resolve();
      }
      this.wakeSleep = done;
    });
  }

  private wakeIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

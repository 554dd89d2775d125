import { maskedUrl, withoutUrls } from './mask-url.js';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export const CHANNELS = ['webhook', 'slack', 'teams', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One notification to hand over: an event for one endpoint (url or email address). */
export interface OutboxEntry {
  eventId: string;
  eventType: string;
  ticketId: string | null;
  providerId: string | null;
  channel: Channel;
  target: string;
  /** Exactly what is sent: the raw JSON body for HTTP, a JSON `{subject, text}` for email. */
  body: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface Delivery extends OutboxEntry {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  createdAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

export interface Attempt {
  deliveryId: string;
  attempt: number;
  at: number;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

export interface SendResult {
  ok: boolean;
  statusCode?: number;
  error?: string;
  /** A failure retrying cannot mend (a destination the server refuses): the delivery is marked failed at once. */
  permanent?: boolean;
}

/** Hands one delivery to its channel; must settle well within the lease (HTTP times out after 5 s, email after 30 s). */
export type Sender = (delivery: Delivery) => Promise<SendResult>;

export interface OutboxLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface OutboxOptions {
  senders: Partial<Record<Channel, Sender>>;
  /** The clock, injectable so a test can step through the retry schedule. */
  now?: () => number;
  /** Delay before retry n (1-based); the default doubles from 30 s. */
  retryDelaysMs?: readonly number[];
  /** How long a claimed delivery stays hidden from other runs; a crash mid-send retries after it. */
  leaseMs?: number;
  /** Deliveries sent at once. */
  concurrency?: number;
  log?: OutboxLogger;
}

/** 30 s, 1, 2, 4, 8, 16 and 32 min: 8 attempts spread over about 63 minutes. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [30, 60, 120, 240, 480, 960, 1920].map((s) => s * 1000);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS notify_outbox (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  ticket_id TEXT,
  provider_id TEXT,
  channel TEXT NOT NULL CHECK (channel IN ('webhook', 'slack', 'teams', 'email')),
  target TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS notify_outbox_ticket ON notify_outbox (ticket_id, created_at);
CREATE TABLE IF NOT EXISTS notify_attempts (
  delivery_id TEXT NOT NULL REFERENCES notify_outbox (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  PRIMARY KEY (delivery_id, attempt)
);`;

interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  ticket_id: string | null;
  provider_id: string | null;
  channel: Channel;
  target: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
  delivered_at: number | null;
  last_error: string | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  at: number;
  duration_ms: number;
  ok: number;
  status_code: number | null;
  error: string | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  ticketId: r.ticket_id,
  providerId: r.provider_id,
  channel: r.channel,
  target: r.target,
  body: r.body,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  lastError: r.last_error,
});

function statements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT OR IGNORE INTO notify_outbox (id, event_id, event_type, ticket_id, provider_id, channel, target, body, next_attempt_at, created_at)
       VALUES (@id, @eventId, @eventType, @ticketId, @providerId, @channel, @target, @body, @now, @now)`,
    ),
    due: db.prepare<[number, number], DeliveryRow>(
      `SELECT * FROM notify_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
    ),
    lease: db.prepare<[number, string]>(`UPDATE notify_outbox SET next_attempt_at = ? WHERE id = ?`),
    attempt: db.prepare(
      `INSERT INTO notify_attempts (delivery_id, attempt, at, duration_ms, ok, status_code, error)
       VALUES (@deliveryId, @attempt, @at, @durationMs, @ok, @statusCode, @error)`,
    ),
    settle: db.prepare(
      `UPDATE notify_outbox SET status = @status, attempts = @attempts, next_attempt_at = @next,
         delivered_at = @deliveredAt, last_error = @error WHERE id = @id`,
    ),
    get: db.prepare<[string], DeliveryRow>(`SELECT * FROM notify_outbox WHERE id = ?`),
    attempts: db.prepare<[string], AttemptRow>(`SELECT * FROM notify_attempts WHERE delivery_id = ? ORDER BY attempt`),
    counts: db.prepare<[], { status: DeliveryStatus; n: number }>(`SELECT status, COUNT(*) AS n FROM notify_outbox GROUP BY status`),
  };
}

/** The delivery id (X-Storepulse-Delivery): the same event to the same endpoint is the same delivery. */
export function deliveryIdFor(e: Pick<OutboxEntry, 'eventId' | 'channel' | 'target'>): string {
  return 'dlv_' + createHash('sha256').update(`${e.eventId}|${e.channel}|${e.target}`).digest('hex').slice(0, 24);
}

/**
 * A durable outbox on the server's SQLite database: notifications are written in the same process
 * step that produced them and sent afterwards, retried with exponential backoff, so they survive
 * receiver outages and server restarts (at least once; receivers dedupe by the signed body's event id).
 */
export class NotificationOutbox {
  private readonly now: () => number;
  private readonly delays: readonly number[];
  private readonly leaseMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;
  private readonly stmt: ReturnType<typeof statements>;

  constructor(
    private readonly db: Database.Database,
    private readonly opts: OutboxOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.concurrency = opts.concurrency ?? 8;
    db.exec(SCHEMA);
    this.stmt = statements(db);
  }

  /** The most attempts a delivery gets before it is marked failed. */
  get maxAttempts(): number {
    return this.delays.length + 1;
  }

  /** Stores entries to send; an entry already stored (same event, channel, target) is kept as it is. Returns the delivery ids. */
  enqueue(entries: readonly OutboxEntry[]): string[] {
    const now = this.now();
    const ids = entries.map((e) => deliveryIdFor(e));
    this.db.transaction(() => {
      entries.forEach((e, i) => this.stmt.insert.run({ ...e, id: ids[i], now }));
    })();
    return ids;
  }

  /**
   * Sends every delivery that is due now, and waits for them. Runs never overlap: a call made while
   * one runs waits for it and then runs again.
   */
  async runDue(): Promise<{ delivered: number; retrying: number; failed: number }> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.sendDue();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = null;
    }
  }

  private async sendDue() {
    const totals = { delivered: 0, retrying: 0, failed: 0 };
    // A backlog would keep the loop going for minutes: stop() ends it after the batch in flight.
    while (!this.stopping) {
      const now = this.now();
      const batch = this.stmt.due.all(now, this.concurrency).map(toDelivery);
      if (batch.length === 0) return totals;
      this.db.transaction(() => batch.forEach((d) => this.stmt.lease.run(now + this.leaseMs, d.id)))();
      const results = await Promise.all(batch.map((d) => this.attempt(d)));
      for (const r of results) totals[r]++;
    }
    return totals;
  }

  private async attempt(d: Delivery): Promise<'delivered' | 'retrying' | 'failed'> {
    const started = this.now();
    const sender = this.opts.senders[d.channel];
    let result: SendResult;
    try {
      result = sender ? await sender(d) : { ok: false, error: `no sender configured for ${d.channel}` };
    } catch (err) {
      result = { ok: false, error: (err as Error).message };
    }
    const at = this.now();
    const attempt = d.attempts + 1;
    // Stored, shown through the API and logged: an address in it (a fetch error quotes the URL) is masked like the target.
    const error = result.ok ? null : withoutUrls(result.error ?? `HTTP ${result.statusCode ?? '?'}`).slice(0, 500);
    const outcome = result.ok ? 'delivered' : result.permanent || attempt >= this.maxAttempts ? 'failed' : 'retrying';
    this.db.transaction(() => {
      this.stmt.attempt.run({ deliveryId: d.id, attempt, at: started, durationMs: at - started, ok: result.ok ? 1 : 0, statusCode: result.statusCode ?? null, error });
      this.stmt.settle.run({
        id: d.id,
        status: outcome === 'retrying' ? 'pending' : outcome,
        attempts: attempt,
        next: outcome === 'retrying' ? at + this.delays[attempt - 1]! : null,
        deliveredAt: result.ok ? at : null,
        error,
      });
    })();
    // Where and why only: bodies, signatures and URL paths (which can be the credential) stay out of the logs.
    const target = d.channel === 'email' ? d.target : maskedUrl(d.target);
    const fields = { deliveryId: d.id, eventType: d.eventType, channel: d.channel, target, attempt, statusCode: result.statusCode ?? null };
    if (outcome === 'delivered') this.opts.log?.info(fields, 'notification delivered');
    else this.opts.log?.warn({ ...fields, error, outcome }, 'notification not delivered');
    return outcome;
  }

  /** Polls for due deliveries every `intervalMs` until stop(). */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) void this.runDue().catch((err: Error) => this.opts.log?.warn({ err: err.message }, 'outbox run failed'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops polling and waits for the batch in flight; the rest stay due for the next start. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
    await this.running?.catch(() => undefined);
    this.stopping = false;
  }

  get(id: string): Delivery | undefined {
    const row = this.stmt.get.get(id);
    return row ? toDelivery(row) : undefined;
  }

  /** Deliveries, newest first, for the API and UI. */
  list(filter: { ticketId?: string; status?: DeliveryStatus; limit?: number } = {}): Delivery[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.ticketId !== undefined) {
      where.push('ticket_id = ?');
      args.push(filter.ticketId);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      args.push(filter.status);
    }
    const sql = `SELECT * FROM notify_outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id LIMIT ?`;
    return this.db.prepare<(string | number)[], DeliveryRow>(sql).all(...args, filter.limit ?? 100).map(toDelivery);
  }

  attempts(deliveryId: string): Attempt[] {
    return this.stmt.attempts.all(deliveryId).map((r) => ({
      deliveryId: r.delivery_id,
      attempt: r.attempt,
      at: r.at,
      durationMs: r.duration_ms,
      ok: r.ok === 1,
      statusCode: r.status_code,
      error: r.error,
    }));
  }

  /** Deletes settled deliveries (and their attempts) created before `beforeMs`; pending ones always stay. */
  purge(beforeMs: number): number {
    return this.db.prepare(`DELETE FROM notify_outbox WHERE status != 'pending' AND created_at < ?`).run(beforeMs).changes;
  }

  /** Deliveries by status, e.g. for a gauge. */
  counts(): Record<DeliveryStatus, number> {
    const out: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
    for (const r of this.stmt.counts.all()) out[r.status] = r.n;
    return out;
  }
}

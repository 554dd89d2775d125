/**
 * The v1-compatible HTTP API that InfluxDB 1.x, 2.x (DBRP mapping) and 3 Core all serve:
 * gzip'd line protocol to /write, InfluxQL to /query.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';

const gzip = promisify(gzipCb);

export interface InfluxConnection {
  url: string;
  /** Database (1.x) or bucket reached through DBRP mapping (2.x, 3). */
  db: string;
  /** 2.x/3 API token, sent as `Authorization: Token ...`. */
  token?: string;
  /** 1.x user and password, sent as HTTP Basic auth. */
  user?: string;
  password?: string;
  timeoutMs?: number;
}

/** A refused or failed write; `retryable` is false when sending the same lines again cannot succeed. */
export class InfluxWriteError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryable: boolean,
    /** Points InfluxDB reported as dropped in a partial write. */
    readonly droppedPoints: number | null = null,
  ) {
    super(message);
    this.name = 'InfluxWriteError';
  }
}

export class InfluxQueryError extends Error {
  override name = 'InfluxQueryError';
}

export interface InfluxSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: (string | number | boolean | null)[][];
}

/** Statuses after which the same body will be refused again: bad line protocol, too large, unprocessable. */
const PERMANENT = new Set([400, 413, 422]);

export class InfluxHttp {
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(private readonly conn: InfluxConnection) {
    this.timeoutMs = conn.timeoutMs ?? 10_000;
    this.headers = {};
    if (conn.token) this.headers.authorization = `Token ${conn.token}`;
    else if (conn.user) this.headers.authorization = `Basic ${Buffer.from(`${conn.user}:${conn.password ?? ''}`).toString('base64')}`;
  }

  get db(): string {
    return this.conn.db;
  }

  private endpoint(path: string, params: Record<string, string | undefined>): string {
    const u = new URL(path, this.conn.url.endsWith('/') ? this.conn.url : `${this.conn.url}/`);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  /** Writes newline-separated lines with second timestamps; throws InfluxWriteError. */
  async write(lines: string, rp?: string): Promise<void> {
    const body = await gzip(Buffer.from(lines));
    let res: Response;
    try {
      res = await fetch(this.endpoint('write', { db: this.conn.db, rp, precision: 's' }), {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new InfluxWriteError(`InfluxDB unreachable: ${(err as Error).cause ?? (err as Error).message}`, null, true);
    }
    if (res.status === 204 || res.status === 200) return;
    const text = (await res.text()).slice(0, 500);
    const dropped = /dropped=(\d+)/.exec(text);
    throw new InfluxWriteError(
      `InfluxDB refused the write (${res.status}): ${text}`,
      res.status,
      !PERMANENT.has(res.status),
      dropped ? Number(dropped[1]) : null,
    );
  }

  /** Runs InfluxQL; times come back as epoch milliseconds. Throws InfluxQueryError with InfluxDB's message. */
  async query(q: string): Promise<InfluxSeries[][]> {
    let res: Response;
    try {
      res = await fetch(this.endpoint('query', { db: this.conn.db, epoch: 'ms' }), {
        method: 'POST',
        headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ q }).toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new InfluxQueryError(`InfluxDB unreachable: ${(err as Error).cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    let body: { error?: string; results?: { error?: string; series?: InfluxSeries[] }[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new InfluxQueryError(`InfluxDB answered ${res.status} with no JSON: ${text.slice(0, 200)}`);
    }
    if (body.error) throw new InfluxQueryError(body.error);
    const failed = body.results?.find((r) => r.error);
    if (failed) throw new InfluxQueryError(failed.error!);
    if (!res.ok) throw new InfluxQueryError(`InfluxDB answered ${res.status}`);
    return (body.results ?? []).map((r) => r.series ?? []);
  }

  /** The server's version from /ping, e.g. "1.6.7~rc0" or "v2.7.11"; null when unreachable. */
  async version(): Promise<string | null> {
    try {
      const res = await fetch(this.endpoint('ping', {}), { headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
      return res.headers.get('x-influxdb-version');
    } catch {
      return null;
    }
  }
}

/** Quotes a string literal for InfluxQL. */
export function influxString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** Quotes an identifier for InfluxQL. */
export function influxIdent(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

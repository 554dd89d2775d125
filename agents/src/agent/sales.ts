import { open, stat } from 'node:fs/promises';
import { httpGet } from './http-get.js';

export interface SalesTotals {
  transactions: number;
  revenue: number;
}

/** Parses one export line "timestamp,amount[,...]"; a header or a bad line gives null. */
export function parseSalesLine(line: string): number | null {
  const [, amount] = line.split(/[;,]/);
  if (amount === undefined) return null;
  const n = Number(amount.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * Follows a POS export that grows line by line, from where it was when the agent started. Each
 * `read` returns the sales written since the last one. A file that shrank was rotated: start over.
 */
export class CsvSalesSource {
  private offset: number | null = null;
  private partial = '';
  rejectedLines = 0;

  constructor(private readonly path: string) {}

  async read(): Promise<SalesTotals> {
    const totals = { transactions: 0, revenue: 0 };
    const size = (await stat(this.path)).size;
    if (this.offset === null || size < this.offset) {
      this.offset = this.offset === null ? size : 0;
      this.partial = '';
      if (this.offset === size) return totals;
    }
    if (size === this.offset) return totals;
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 4 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buf.subarray(0, bytesRead).toString('utf8')).split(/\r?\n/);
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const amount = parseSalesLine(line);
        if (amount === null) {
          this.rejectedLines++;
          continue;
        }
        totals.transactions++;
        totals.revenue += amount;
      }
    } finally {
      await fh.close();
    }
    return totals;
  }
}

/** A POS endpoint that answers {transactions, revenue} for ?from=&to= (ISO instants). */
export async function fetchSales(url: string, from: number, to: number, signal: AbortSignal): Promise<SalesTotals> {
  const u = new URL(url);
  u.searchParams.set('from', new Date(from).toISOString());
  u.searchParams.set('to', new Date(to).toISOString());
  const res = await httpGet(u, { signal });
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} from ${url}`);
  const body = (JSON.parse(res.body) ?? {}) as { transactions?: unknown; revenue?: unknown };
  if (typeof body.transactions !== 'number' || typeof body.revenue !== 'number' || body.transactions < 0 || body.revenue < 0) {
    throw new Error('answer is not {transactions, revenue}');
  }
  return { transactions: Math.round(body.transactions), revenue: body.revenue };
}

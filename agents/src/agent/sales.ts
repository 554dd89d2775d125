import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { MAX_BIN_SECONDS } from '@storepulse/protocol';
import { httpGet } from './http-get.js';

export interface SalesTotals {
  transactions: number;
  revenue: number;
}

export interface SalesBin extends SalesTotals {
  binStart: number;
  binEnd: number;
}

/** Digits with at most one decimal point or comma: no sign (refunds are not counted), exponent or hex. */
const AMOUNT = /^\d+(?:[.,]\d+)?$/;

/**
 * Amounts a decimal comma could continue: whole numbers ("12" of "12,50") and thousands groups ("1.234" of
 * "1.234,56"). "12.50" already has its decimals, so a column of digits after it is just another column.
 */
const COULD_CONTINUE = /^(?:\d+|\d{1,3}(?:\.\d{3})+)$/;

const NO_AMOUNT = 'without a plain amount';
/** "ts,12,50": 12 and a column "50", or 12,50 with a decimal comma the POS did not quote? Guessing would skew revenue. */
const AMBIGUOUS = 'whose amount a column of digits follows with "," as the separator (a decimal comma? quote the amount, or use ";" or a decimal point)';
const BAD_QUOTES = 'with a quote left open or text after a closing quote';

export type SalesLine = { amount: number } | { refused: string };

/** The line's separator: its first ";" or "," outside quotes. */
function separatorOf(line: string): string | undefined {
  return /[;,]/.exec(line.replace(/"(?:[^"]|"")*"/g, ''))?.[0];
}

/** The line's fields, and which were quoted (quoting says where a field ends); null when its quotes are broken. */
function fieldsOf(line: string, sep: string): { fields: string[]; quoted: boolean[] } | null {
  // Most exports quote nothing: splitting is exact for them, and far cheaper than a parser per line.
  if (!line.includes('"')) return { fields: line.split(sep).map((f) => f.trim()), quoted: [] };
  const quoted: boolean[] = [];
  try {
    const [fields = []] = parse(line, {
      delimiter: sep,
      trim: true,
      cast: (text, ctx) => {
        quoted[ctx.index] = ctx.quoting;
        return text.trim();
      },
    });
    return { fields, quoted };
  } catch {
    return null;
  }
}

/**
 * Parses one export line "timestamp,amount[,...]" or "timestamp;amount[;...]"; the first separator
 * in the line is the one it uses, so "12,50" after a ";" is a decimal comma, and so is a quoted
 * "12,50" after a ",". Fields may be quoted as CSV quotes them. A header or a bad line is refused
 * with the reason.
 */
export function parseSalesLine(line: string): SalesLine {
  const sep = separatorOf(line);
  if (sep === undefined) return { refused: NO_AMOUNT };
  const split = fieldsOf(line, sep);
  if (!split) return { refused: BAD_QUOTES };
  const { fields, quoted } = split;
  const amount = fields[1];
  if (amount === undefined || !AMOUNT.test(amount)) return { refused: NO_AMOUNT };
  const next = fields[2];
  if (sep === ',' && !quoted[1] && next !== undefined && !quoted[2] && /^\d+$/.test(next) && COULD_CONTINUE.test(amount)) {
    return { refused: AMBIGUOUS };
  }
  return { amount: Number(amount.replace(',', '.')) };
}

/** Column names, not a sale: a line without a single digit ("time;amount", "Datum,Betrag"). */
function isHeader(line: string): boolean {
  return !/\d/.test(line);
}

/**
 * Follows a POS export that grows line by line, from where it was when the agent started. Each
 * `read` returns the sales written since the last one. A file that shrank or was replaced by another
 * was rotated: start over.
 */
export class CsvSalesSource {
  private offset: number | null = null;
  private partial = '';
  private identity: { ino: number; dev: number } | null = null;
  rejectedLines = 0;

  constructor(private readonly path: string, private readonly logger: { warn(o: object, msg?: string): void }) {}

  async read(): Promise<SalesTotals> {
    const totals = { transactions: 0, revenue: 0 };
    const { size, ino, dev } = await stat(this.path);
    // Rotated: a new file in its place (renamed away and created again), or the same one cut short.
    const replaced = this.identity !== null && (this.identity.ino !== ino || this.identity.dev !== dev);
    this.identity = { ino, dev };
    if (this.offset === null || replaced || size < this.offset) {
      this.offset = this.offset === null ? size : 0;
      this.partial = '';
      if (this.offset === size) return totals;
    }
    if (size === this.offset) return totals;
    const fh = await open(this.path, 'r');
    const fromStart = this.offset === 0;
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 4 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buf.subarray(0, bytesRead).toString('utf8')).split(/\r?\n/);
      this.partial = lines.pop() ?? '';
      const refused = new Map<string, { lines: number; first: string }>();
      for (const [i, line] of lines.entries()) {
        if (line.trim() === '') continue;
        const sale = parseSalesLine(line);
        if ('amount' in sale) {
          totals.transactions++;
          totals.revenue += sale.amount;
          continue;
        }
        // A rotated export starts again with its column names: not a refused sale.
        if (fromStart && i === 0 && isHeader(line)) continue;
        this.rejectedLines++;
        const seen = refused.get(sale.refused);
        if (seen) seen.lines++;
        else refused.set(sale.refused, { lines: 1, first: line.slice(0, 80) });
      }
      // One warning per reason and read, with the first such line for a person to look at, not the whole file.
      for (const [reason, { lines: n, first }] of refused) {
        this.logger.warn({ file: this.path, lines: n, first }, `POS export: refused lines ${reason}`);
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

const MAX_BIN_MS = MAX_BIN_SECONDS * 1000;

/**
 * Back-to-back sales bins from a CSV export or an HTTP endpoint. A bin's interval and sales are
 * given up only once it is spooled: when spooling fails (disk full), the next read covers them too.
 */
export class SalesWindow {
  /** Read from the CSV, whose offset has moved past them, but not yet spooled. */
  private unsent: SalesTotals = { transactions: 0, revenue: 0 };

  /** `source` is the CSV, or the URL of the endpoint. */
  constructor(private readonly source: CsvSalesSource | string, private from: number) {}

  /**
   * The next bin from the end of the last spooled one towards `to`. An endpoint is asked for at most 15 min at a
   * time, in equal parts, so after an outage each bin holds its own sales; the bin then ends before `to`. A CSV's new
   * lines are one bin ending at `to`: the agent does not read their times.
   */
  async read(to: number, signal: AbortSignal): Promise<SalesBin> {
    if (typeof this.source === 'string') {
      const span = to - this.from;
      const end = span > MAX_BIN_MS ? this.from + Math.ceil(span / Math.ceil(span / MAX_BIN_MS)) : to;
      return { binStart: this.from, binEnd: end, ...(await fetchSales(this.source, this.from, end, signal)) };
    }
    const got = await this.source.read();
    this.unsent = { transactions: this.unsent.transactions + got.transactions, revenue: this.unsent.revenue + got.revenue };
    // A late tick (a sleeping PC) must not produce a bin wider than the protocol allows.
    return { binStart: Math.max(this.from, to - MAX_BIN_MS), binEnd: to, ...this.unsent };
  }

  /** The bin is spooled: the next one starts where it ended. */
  spooled(bin: SalesBin): void {
    this.from = bin.binEnd;
    this.unsent = { transactions: 0, revenue: 0 };
  }

  /**
   * Reads and spools bins until one ends at `to`. `spool` resolves false when it could not keep a bin, which is then
   * read again next time; a source that cannot be read throws, and the bins spooled before it stay spooled.
   */
  async catchUp(to: number, spool: (bin: SalesBin) => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    for (;;) {
      const bin = await this.read(to, AbortSignal.timeout(timeoutMs));
      if (!(await spool(bin))) return;
      this.spooled(bin);
      if (bin.binEnd >= to) return;
    }
  }

  /**
   * An endpoint is not asked for sales before `oldest` (bounding a catch-up after a long outage); returns where the
   * span given up began, or null. A CSV's lines are read whatever their age.
   */
  forget(oldest: number): number | null {
    if (typeof this.source !== 'string' || this.from >= oldest) return null;
    const from = this.from;
    this.from = oldest;
    return from;
  }
}

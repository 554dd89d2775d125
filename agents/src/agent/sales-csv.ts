import { open, stat } from 'node:fs/promises';
import type { Sale } from './sales.js';
import { keepTail, readPrefix, sha } from './sales-csv-prefix.js';
import { isHeader, parseSalesLine } from './sales-line.js';

/**
 * How the agent counts an export line it did not take at face value (AgentStats.rejected): `sales_line`, refused, no
 * amount to read; `sales_line_old`, refused, a line of a new export read from its start dated before the agent
 * started or older than spool.maxAgeH (that file's history, not a sale made since); `sales_time_unread`,
 * `sales_time_ahead`, `sales_time_late`, a sale counted, in the bin being filled when the line was read, because its
 * time could not be read, was more than MAX_AHEAD_MS ahead of the agent's clock, or its own bin could no longer be sent.
 */
export type LineKey = 'sales_line' | 'sales_line_old' | 'sales_time_unread' | 'sales_time_ahead' | 'sales_time_late';

/** The keys of lines refused: their sales are not counted. */
const REFUSED: ReadonlySet<LineKey> = new Set(['sales_line', 'sales_line_old']);

/**
 * Why a sale's own bin can no longer be sent (the window's answer for its instant). `history`: the instant is before the
 * agent started or older than spool.maxAgeH, so that a line of a new export read from its start with it is that file's
 * past, which the agent does not send (as it does not read an export's past when it starts).
 */
export interface Late {
  reason: string;
  history: boolean;
}

/** How often at most the warning that an export's times look wrong as a whole is logged. */
export const CLOCK_WARNING_EVERY_MS = 60 * 60_000;

const OLD_IN_NEW_EXPORT = 'of a new export read from its start';
const CLOCK_LOOKS_WRONG = "POS export: most lines' times are unreadable, more than 5 min ahead of the PC's clock or too far behind it:"
  + ' the export\'s clock, its time zone (probes.sales.timezone) or its time format looks wrong; their sales are counted when read, not at their own time';

const ALREADY_READ = `${OLD_IN_NEW_EXPORT} whose time is not after the newest line already read (a sale already counted)`;
const UNREAD_IN_HISTORY = `${OLD_IN_NEW_EXPORT} whose time is not a date and time (whether it is a sale already counted or a new one cannot be told)`;
const MISSING_AT_START = 'POS export not found at the start: it is read from its start once it appears';
const CHANGED_WHILE_STOPPED = 'POS export no longer starts with the lines read before the agent stopped (rotated or rewritten meanwhile):'
  + ` it is read from its start, its lines up to the newest already read refused (sales_line_old)`;

/**
 * The reading of an export from its start after a rotation. Its lines are new only if they are later than every line
 * the agent had taken before (`mark`): an export written anew may hold the lines already read (a void rewrites it
 * without the voided line; a truncation caught half-way shows only part of them), which must not be counted again.
 */
export interface History {
  /** The newest line taken before the rotation (SaleTimes instant, or the read instant for a line without one). */
  mark: number | null;
  /** Lines of the new file with an amount, and with a readable time. */
  lines: number;
  timed: number;
  /** A line of the new file later than `mark` was taken: the reading is past what had been read. */
  passed: boolean;
}

/** Where the reading of an export stands (CsvSalesSource.position), kept by the agent to take it up after a restart. */
export interface CsvPosition {
  /** Bytes of whole lines read, and their sha256 (hex): the export read is one that still starts with them. */
  consumed: number;
  digest: string;
  pastLine: string | null;
  newest: number | null;
  /** The latest instant of a line's time read (SaleTimes), to place the next ones in the hour the clocks go back. */
  lastTime: number | null;
  history: History | null;
}

/**
 * Follows a POS export that grows line by line, from where `begin` says: its end when the agent starts, or where the
 * reading stood when the agent stopped. Each `read` returns the sales written since the last one, each at the instant
 * its line gives, or, when that time cannot be used, with no instant (the window puts it in the bin being filled). A
 * file that shrank or was replaced by another was rotated: the new one is read from its start, unless it begins with
 * every line read of the old one (an export rewritten whole and renamed into place), whose reading then goes on after
 * them.
 */
export class CsvSalesSource {
  /** `begin` has set where reading starts. */
  private begun = false;
  /** Bytes of the current file read (or skipped at the start): `consumed` whole lines, then `partial`. */
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private consumed = 0;
  /** Hash of the file's first `consumed` bytes, and the last TAIL_BYTES of them. */
  private prefix = sha();
  private tail: Buffer = Buffer.alloc(0);
  /**
   * A new export is being read from its start (after a rotation): until the reading reaches its end having taken a line
   * later than every line read before (or, when no line of it has a readable time, having read one), so that a file
   * emptied and then filled again, or caught half rewritten, is not taken for sales made since.
   */
  private history: History | null = null;
  /** The time of the newest line taken: its instant, or for a line without a usable one, when it was read. */
  private newest: number | null = null;
  /**
   * The last line of the export when the agent started, without its newline but already a whole sale dated before the
   * start: the export's past if the next bytes are a newline (a POS writing the newline before each line), a line being
   * written if they continue it.
   */
  private pastLine: string | null = null;
  /** The file read (null until it is found). */
  private identity: { ino: number; dev: number } | null = null;
  /** The position `begin` was given, kept until it succeeds (the first read begins an export unreadable at the start). */
  private resumable: CsvPosition | null = null;
  private clockWarnedAt = Number.NEGATIVE_INFINITY;
  /** Loaded with the first line (and Luxon with it): an agent without an export does not carry it. */
  private times: import('./sale-times.js').SaleTimes | null = null;
  /** Lines refused, and lines whose sales were counted when read, since the start, by where the agent counts them. */
  readonly counts = new Map<LineKey, number>();

  /** The currency's decimals, which tell "1.234" (three of them) from a thousands group. */
  private readonly decimals: number;

  /** `zone`: the IANA zone of the export's times without an offset [the PC's zone]; `currency`: the sales' ISO code. */
  constructor(
    private readonly path: string,
    private readonly logger: { warn(o: object, msg?: string): void },
    private readonly zone = Intl.DateTimeFormat().resolvedOptions().timeZone,
    currency = 'EUR',
  ) {
    this.decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  }

  /** Every line refused since the start (their sales not counted). */
  get rejectedLines(): number {
    let n = 0;
    for (const [k, v] of this.counts) if (REFUSED.has(k)) n += v;
    return n;
  }

  /**
   * The sales written since the last read. `now` is the agent's clock, which a sale's time may not be more than
   * MAX_AHEAD_MS ahead of; `late` says why a sale at that instant can no longer go in its own bin (or null when it can).
   * A sale whose time is unreadable, too far ahead or late comes back with `at` null, counted and logged; a line
   * without an amount, or the history of a new export, is refused. A first read without `begin` begins.
   */
  async read(now = Date.now(), late: (at: number) => Late | null = () => null): Promise<Sale[]> {
    if (!this.begun) await this.begin(now);
    const sales: Sale[] = [];
    const file = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      // Missing from the start: an export not made yet, which `begin` reported.
      if (err.code === 'ENOENT' && this.identity === null) return null;
      throw err;
    });
    if (!file) return sales;
    const { size, ino, dev } = file;
    // Rotated: a new file in its place (renamed away and created again, or renamed over it), the same one cut short, or
    // rewritten in place (truncated, then written past where the agent had read) so that the bytes read are not there.
    const replaced = this.identity !== null && (this.identity.ino !== ino || this.identity.dev !== dev);
    this.identity = { ino, dev };
    if (replaced || size < this.offset || (size > this.offset && !(await this.stillThere()))) {
      const digest = this.prefix.copy().digest('hex');
      this.partial = Buffer.alloc(0);
      if (this.consumed > 0 && size >= this.consumed && (await this.startsWith(this.consumed, digest))) {
        // The same lines first: rewritten whole, not a new export. Read on after them.
        this.offset = this.consumed;
      } else {
        this.restart();
      }
    }
    if (size === this.offset) return sales;
    if (!this.times) this.times = new (await import('./sale-times.js')).SaleTimes(this.zone);
    const times = this.times;
    const fh = await open(this.path, 'r');
    const fromStart = this.offset === 0;
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 4 << 20));
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.offset);
      this.offset += bytesRead;
      const data = Buffer.concat([this.partial, buf.subarray(0, bytesRead)]);
      const cut = data.lastIndexOf(0x0a) + 1;
      this.partial = Buffer.from(data.subarray(cut));
      this.prefix.update(data.subarray(0, cut));
      this.tail = keepTail(this.tail, data.subarray(0, cut));
      this.consumed += cut;
      const history = this.history;
      const lines = data.subarray(0, cut).toString('utf8').split(/\r?\n/);
      lines.pop();
      // The export's last line at the start, followed by a newline: its past, not a sale made since.
      if (this.pastLine !== null && lines.length > 0) {
        if (lines[0] === this.pastLine) lines[0] = '';
        this.pastLine = null;
      }
      // Per reason: lines refused, or whose sales were counted when read, and the first of them, for one warning each.
      const noted = new Map<string, { key: LineKey; lines: number; first: string }>();
      const note = (key: LineKey, reason: string, line: string) => {
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        const seen = noted.get(reason);
        if (seen) seen.lines++;
        else noted.set(reason, { key, lines: 1, first: line.slice(0, 80) });
      };
      let withAmount = 0;
      let offTime = 0;
      for (const [i, line] of lines.entries()) {
        if (line.trim() === '') continue;
        const sale = parseSalesLine(line, this.decimals);
        if ('refused' in sale) {
          // A rotated export starts again with its column names: not a refused sale.
          if (!(fromStart && i === 0 && isHeader(line))) note('sales_line', sale.refused, line);
          continue;
        }
        withAmount++;
        if (history) history.lines++;
        const at = times.instant(sale.time, now);
        if (typeof at !== 'number') {
          // In a history read, an unreadable time cannot say whether the line was read before: it is not counted again.
          if (history && !at.ahead) {
            note('sales_line_old', UNREAD_IN_HISTORY, line);
            continue;
          }
          // The sale happened; only its time is odd: it is counted when read rather than lost. A time more than
          // MAX_AHEAD_MS ahead is later than any line taken (those were at most that far ahead when read).
          if (history) history.passed = true;
          note(at.ahead ? 'sales_time_ahead' : 'sales_time_unread', at.refused, line);
          offTime++;
          this.took(now);
          sales.push({ at: null, amount: sale.amount });
          continue;
        }
        const tooLate = late(at);
        if (history) {
          history.timed++;
          if (tooLate?.history) {
            note('sales_line_old', `${OLD_IN_NEW_EXPORT} ${tooLate.reason}`, line);
            continue;
          }
          // A line no later than the newest taken before was read before (or is the file's past): not counted again.
          // A line the POS removed (a void) is not subtracted from its bin: which sale it was cannot be told from
          // the lines that remain, and the server keeps the bins it was sent.
          if (history.mark !== null && at <= history.mark) {
            note('sales_line_old', ALREADY_READ, line);
            continue;
          }
          history.passed = true;
        }
        // A late line's own time, not the read instant: the lines a POS clock behind writes next are later than it.
        this.took(at);
        if (!tooLate) sales.push({ at, amount: sale.amount });
        else {
          note('sales_time_late', tooLate.reason, line);
          offTime++;
          sales.push({ at: null, amount: sale.amount });
        }
      }
      if (history && this.offset >= size && (history.passed || (history.lines > 0 && history.timed === 0))) this.history = null;
      // One warning per reason and read, with the first such line for a person to look at, not the whole file.
      for (const [reason, { key, lines: n, first }] of noted) {
        this.logger.warn({ file: this.path, key, lines: n, first },
          REFUSED.has(key) ? `POS export: refused lines ${reason}` : `POS export: lines ${reason}: their sales go in the bin being filled`);
      }
      if (offTime > 0 && offTime * 2 > withAmount && now - this.clockWarnedAt >= CLOCK_WARNING_EVERY_MS) {
        this.clockWarnedAt = now;
        this.logger.warn({ file: this.path, lines: offTime, of: withAmount, zone: this.zone }, CLOCK_LOOKS_WRONG);
      }
    } finally {
      await fh.close();
    }
    return sales;
  }

  /**
   * Where reading starts: after the lines `saved` (a `position()` of before a restart) says were read, when the export
   * still starts with them, so that the lines written while the agent was stopped are read; without it, at the end (an
   * export's past is not sent). An export that no longer starts with them was rotated while the agent was stopped: it
   * is read from its start, as after any rotation. A missing export is an empty one, read from its start once it appears.
   */
  async begin(now = Date.now(), saved: CsvPosition | null = this.resumable): Promise<void> {
    this.resumable = saved;
    const file = await stat(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (saved) {
      this.newest = saved.newest;
      if (saved.lastTime !== null) this.times = new (await import('./sale-times.js')).SaleTimes(this.zone, saved.lastTime);
    }
    if (!file) {
      this.logger.warn({ file: this.path }, MISSING_AT_START);
      if (saved) this.restart();
    } else if (!saved) {
      await this.skipTo(file.size, now);
    } else if (!(await this.resume(saved, file.size))) {
      this.logger.warn({ file: this.path, read: saved.consumed, size: file.size }, CHANGED_WHILE_STOPPED);
      this.restart();
    }
    if (file) this.identity = { ino: file.ino, dev: file.dev };
    this.resumable = null;
    this.begun = true;
  }

  /** Where the reading stands, for `begin` after a restart; null before it began. */
  position(): CsvPosition | null {
    if (!this.begun) return null;
    return {
      consumed: this.consumed, digest: this.prefix.copy().digest('hex'), pastLine: this.pastLine, newest: this.newest,
      lastTime: this.times?.latest ?? null, history: this.history && { ...this.history },
    };
  }

  /** Takes up the reading `saved` describes, if the export still starts with the lines it had read. */
  private async resume(saved: CsvPosition, size: number): Promise<boolean> {
    if (size < saved.consumed) return false;
    const p = await readPrefix(this.path, saved.consumed);
    if (p.consumed !== saved.consumed || p.hash.copy().digest('hex') !== saved.digest) return false;
    this.prefix = p.hash;
    this.tail = p.tail;
    this.offset = this.consumed = p.consumed;
    this.pastLine = saved.pastLine;
    this.history = saved.history && { ...saved.history };
    return true;
  }

  /** Reads the export from its start as a new one, which may hold lines already read: those up to `newest` are refused. */
  private restart(): void {
    this.offset = this.consumed = 0;
    this.prefix = sha();
    this.tail = Buffer.alloc(0);
    this.partial = Buffer.alloc(0);
    this.pastLine = null;
    // A rotation during a history read keeps its mark: nothing taken since is older than it.
    this.history = { mark: this.newest, lines: 0, timed: 0, passed: false };
  }

  /** A line was taken whose time is `at`. */
  private took(at: number): void {
    this.newest = Math.max(this.newest ?? at, at);
  }

  /** Whether the bytes before the read offset are still those read (a cheap check that the export only grew). */
  private async stillThere(): Promise<boolean> {
    const expected = Buffer.concat([this.tail, this.partial]);
    if (expected.length === 0) return true;
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(expected.length);
      const { bytesRead } = await fh.read(buf, 0, buf.length, this.consumed - this.tail.length);
      return bytesRead === buf.length && buf.equals(expected);
    } finally {
      await fh.close();
    }
  }

  /**
   * Starts after the file's first `size` bytes: the whole lines among them hashed, a line still being written kept.
   * A last line without its newline that already reads as a whole sale dated before `now` may be one a POS writing the
   * newline before each line has finished: it is skipped if a newline follows it (`pastLine`).
   */
  private async skipTo(size: number, now: number): Promise<void> {
    const p = await readPrefix(this.path, size);
    this.prefix = p.hash;
    this.tail = p.tail;
    this.consumed = p.consumed;
    this.partial = p.partial;
    this.offset = p.consumed + p.partial.length;
    this.pastLine = null;
    const last = this.partial.toString('utf8').replace(/\r$/, '');
    const sale = last.trim() === '' ? null : parseSalesLine(last, this.decimals);
    if (sale && !('refused' in sale)) {
      if (!this.times) this.times = new (await import('./sale-times.js')).SaleTimes(this.zone);
      const at = this.times.instant(sale.time, now);
      if (typeof at === 'number' && at < now) this.pastLine = last;
    }
  }

  /** Whether the current file's first `length` bytes are whole lines whose hash is `digest`. */
  private async startsWith(length: number, digest: string): Promise<boolean> {
    const p = await readPrefix(this.path, length);
    return p.consumed === length && p.hash.digest('hex') === digest;
  }
}

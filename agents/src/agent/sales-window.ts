import { MAX_BIN_SECONDS, MIN_BIN_SECONDS } from '@storepulse/protocol';
import { fetchSales, type Sale, type SalesBin, type SalesTotals } from './sales.js';
import type { CsvSalesSource, Late } from './sales-csv.js';

const MAX_BIN_MS = MAX_BIN_SECONDS * 1000;
const MIN_BIN_MS = MIN_BIN_SECONDS * 1000;

const CLOCK_BEHIND = 'sales: the PC clock was set back behind the end of the last sales bin: no sales bin until it passes that end'
  + ' again (the server would refuse a bin ending before it starts, and the next one overlapping); the sales read meanwhile wait for it';

/**
 * How long after its end a CSV bin already spooled is still corrected, by sending it again whole with a late line's
 * sale: the server replaces a till's bin sent again with the same bounds, but merges bins an hour after their end into
 * quarters, after which a correction would overlap them and be refused; the margin covers delivery delays and clocks.
 */
export const CORRECTABLE_MS = 15 * 60_000;

const BEFORE_START = 'whose time is before the agent started reading the export';
const OLDER_THAN_SPOOL = 'whose time is older than the spool keeps (spool.maxAgeH)';
const SENT_LONG_AGO = `whose sales bin, already sent, ended more than ${CORRECTABLE_MS / 60_000} min ago (too late to correct it)`;

/** A sale placed in a bin. */
type Placed = Sale & { at: number };

/** Where a window stands (SalesWindow.state), kept by the agent to take it up after a restart. */
export interface WindowState {
  /** Where the next bin starts, and where the reading started (CSV lines before it are the export's past). */
  from: number;
  started: number;
  pending: Placed[];
  sent: SalesBin[];
  revised: SalesBin[];
}

/** Counts and logs input the agent could not use as it came (the agent's `reject`). */
export type Report = (reason: string, o: object, msg: string) => void;

const totalsOf = (sales: readonly Sale[]): SalesTotals => ({
  transactions: sales.length,
  revenue: sales.reduce((sum, s) => sum + s.amount, 0),
});

/**
 * Back-to-back sales bins from a CSV export or an HTTP endpoint. A bin's interval and sales are
 * given up only once it is spooled: when spooling fails (disk full), the next read covers them too.
 */
export class SalesWindow {
  /** CSV: sales read, at or after `from`, not yet in a spooled bin. */
  private pending: Placed[] = [];
  /** CSV: the bins spooled in the last CORRECTABLE_MS, as sent (a late sale corrects one of them). */
  private sent: SalesBin[] = [];
  /** CSV: sent bins a late sale changed, to send again. */
  private revised: SalesBin[] = [];
  /** The oldest instant the last `forget` allowed. */
  private oldest: number | null = null;
  private started: number;
  /** The clock was last seen behind `from`: reported once until it passes it. */
  private behind = false;

  /** `source` is the CSV, or the URL of the endpoint. */
  constructor(private readonly source: CsvSalesSource | string, private from: number, private readonly report: Report = () => {}) {
    this.started = from;
  }

  /**
   * The next bin from the end of the last spooled one towards `to`, at most 15 min wide, in equal parts, so after an
   * outage each bin holds its own sales; the bin then ends before `to`. An endpoint is asked for the bin's sales; a
   * CSV's new lines are read, and each sale goes in the bin its time falls in (start included, end not), or waits for
   * it. A CSV line for a bin already spooled in the last CORRECTABLE_MS makes that bin, sent again whole with it, the
   * next one returned. A sale whose time the source could not use (unreadable, too far ahead, or its bin sent too long
   * ago) goes in the bin being filled when it was read: the last one up to `to`, as before times were read. Null when
   * `to` is less than the protocol's narrowest bin after `from` (a clock set back): the sales read wait for the next bin.
   */
  async read(to: number, signal: AbortSignal): Promise<SalesBin | null> {
    const span = to - this.from;
    const end = span > MAX_BIN_MS ? this.from + Math.ceil(span / Math.ceil(span / MAX_BIN_MS)) : to;
    const behind = to <= this.from;
    if (behind && !this.behind) {
      this.report('sales_clock_behind', { from: new Date(this.from).toISOString(), to: new Date(to).toISOString() }, CLOCK_BEHIND);
    }
    this.behind = behind;
    if (typeof this.source === 'string') {
      if (span < MIN_BIN_MS) return null;
      return { binStart: this.from, binEnd: end, ...(await fetchSales(this.source, this.from, end, signal)) };
    }
    this.sent = this.sent.filter((b) => b.binEnd > to - CORRECTABLE_MS);
    for (const read of await this.source.read(to, (at) => this.late(at))) {
      const sale: Placed = { at: read.at ?? Math.max(this.from, to - 1), amount: read.amount };
      if (sale.at >= this.from) {
        this.pending.push(sale);
        continue;
      }
      const bin = this.sent.find((b) => b.binStart <= sale.at && sale.at < b.binEnd)!;
      bin.transactions++;
      bin.revenue += sale.amount;
      if (!this.revised.includes(bin)) this.revised.push(bin);
    }
    const correction = this.revised[0];
    if (correction) return { ...correction };
    if (span < MIN_BIN_MS) return null;
    return { binStart: this.from, binEnd: end, ...totalsOf(this.pending.filter((s) => s.at < end)) };
  }

  /** Where the window stands, for `restore` after a restart. */
  state(): WindowState {
    const copy = (b: SalesBin) => ({ ...b });
    return { from: this.from, started: this.started, pending: [...this.pending], sent: this.sent.map(copy), revised: this.revised.map(copy) };
  }

  /** Takes up, before its first read, where a window of the same source stood (`state`) when the agent stopped. */
  restore(saved: WindowState): void {
    this.from = saved.from;
    this.started = saved.started;
    this.pending = [...saved.pending];
    this.sent = saved.sent.map((b) => ({ ...b }));
    // A bin to send again is the one among those sent that later sales may still correct.
    this.revised = saved.revised.map((r) => this.sent.find((b) => b.binStart === r.binStart && b.binEnd === r.binEnd) ?? { ...r });
  }

  /** Why a CSV sale at `at` can no longer go in its own bin, or null. */
  private late(at: number): Late | null {
    if (at >= this.from || this.sent.some((b) => b.binStart <= at && at < b.binEnd)) return null;
    if (this.oldest !== null && at < this.oldest) return { reason: OLDER_THAN_SPOOL, history: true };
    if (at < this.started) return { reason: BEFORE_START, history: true };
    return { reason: SENT_LONG_AGO, history: false };
  }

  /** The bin is spooled: the next one starts where it ended (or, for a correction, the next correction is read). */
  spooled(bin: SalesBin): void {
    const revised = this.revised.findIndex((b) => b.binStart === bin.binStart && b.binEnd === bin.binEnd);
    if (revised !== -1 && bin.binEnd <= this.from) {
      this.revised.splice(revised, 1);
      return;
    }
    this.from = bin.binEnd;
    if (typeof this.source === 'string') return;
    this.pending = this.pending.filter((s) => s.at >= bin.binEnd);
    this.sent.push({ ...bin });
  }

  /**
   * Reads and spools bins until one ends at `to` (none while `to` is not a bin's width past the last one's end).
   * `spool` resolves false when it could not keep a bin, which is then read again next time; a source that cannot be
   * read throws, and the bins spooled before it stay spooled. `kept` runs after each bin spooled (the agent saves the
   * window's state then).
   */
  async catchUp(to: number, spool: (bin: SalesBin) => Promise<boolean>, kept = async () => {}, timeoutMs = 10_000): Promise<void> {
    for (;;) {
      const bin = await this.read(to, AbortSignal.timeout(timeoutMs));
      if (!bin || !(await spool(bin))) return;
      this.spooled(bin);
      await kept();
      if (bin.binEnd >= to) return;
    }
  }

  /**
   * No bin starts before `oldest` (bounding a catch-up after a long outage): an endpoint is not asked for sales before
   * it, and no CSV bin before it is sent (a line read later with such a time goes in the bin being filled, or, in a new
   * export read from its start, is refused as its history); returns where the span given up began, or null.
   */
  forget(oldest: number): number | null {
    this.oldest = oldest;
    if (this.from >= oldest) return null;
    const from = this.from;
    this.from = oldest;
    this.pending = this.pending.filter((s) => s.at >= oldest);
    return from;
  }
}

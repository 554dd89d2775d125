import type { AgentConfig } from './config.js';
import type { SalesBin } from './sales.js';
import { CsvSalesSource, type LineKey } from './sales-csv.js';
import { loadSalesState, saveSalesState } from './sales-state.js';
import { SalesWindow, type Report } from './sales-window.js';

type SalesConfig = NonNullable<NonNullable<AgentConfig['probes']>['sales']>;

const iso = (ms: number) => new Date(ms).toISOString();

const FROM_NOW = 'sales are taken from now on';

/** A till's sales bins, from its POS export or endpoint, spooled round by round. */
export interface SalesFeed {
  /** Export lines refused, or counted when read (CsvSalesSource.counts). */
  readonly counts: ReadonlyMap<LineKey, number>;
  /** Spools the bins up to now. */
  round(): Promise<void>;
  /** Once no more rounds start: one last read of the export, and its bin. */
  stop(): Promise<void>;
}

/**
 * Starts where the feed stood when the agent stopped (kept in `stateFile` each time a bin is spooled), so the sales
 * made meanwhile are sent in bins of their own; without that state, from now, and at an export's end.
 */
export async function startSalesFeed(cfg: SalesConfig, o: {
  stateFile: string;
  maxAgeMs: number;
  zone: string;
  logger: { warn(o: object, msg?: string): void };
  reject: Report;
  spoolBin: (bin: SalesBin) => Promise<boolean>;
}): Promise<SalesFeed> {
  const source = cfg.csv ?? cfg.url!;
  const { state: saved, unusable } = await loadSalesState(o.stateFile, source);
  if (unusable) o.reject('sales_state', { file: o.stateFile }, `sales state not used, ${unusable}: ${FROM_NOW}, those made while the agent was stopped are not sent`);
  else if (!saved) o.logger.warn({ file: o.stateFile }, `no sales state saved (a first start, or a new spool directory): ${FROM_NOW}`);
  const csv = cfg.csv ? new CsvSalesSource(cfg.csv, o.logger, cfg.timezone ?? o.zone, cfg.currency) : null;
  // An export unreadable now is begun by its first read.
  await csv?.begin(Date.now(), saved?.csv ?? null).catch((err: Error) => o.reject('sales_unreadable', {}, `sales source unreadable: ${err.message}`));
  const window = new SalesWindow(csv ?? source, Date.now(), o.reject);
  if (saved) window.restore(saved.window);
  const save = () => saveSalesState(o.stateFile, { v: 1, source, window: window.state(), csv: csv?.position() ?? null })
    .catch((err: Error) => o.reject('sales_state', { file: o.stateFile }, `sales state not saved: ${err.message}`));

  const round = async () => {
    const now = Date.now();
    // Bounded by the spool's age limit, the agent's own idea of data too old to matter: a catch-up asks the POS at
    // most 4 times per hour of it (288 at the default 72 h), and spools no more bins than that of an export.
    const forgotten = window.forget(now - o.maxAgeMs);
    if (forgotten !== null) {
      o.reject('sales_not_asked', { from: iso(forgotten), to: iso(now - o.maxAgeMs) },
        csv ? 'POS export: no sales bins sent for the span older than the spool keeps' : 'sales source not asked for sales older than the spool keeps');
    }
    // A failed write is logged by the agent and counted by the spool; the window then stays where it is, so the next
    // round asks for these sales again.
    await window.catchUp(now, o.spoolBin, save).catch((err: Error) => o.reject('sales_unreadable', {}, `sales source unreadable: ${err.message}`));
  };
  // One round at a time: the last one, at the stop, follows one in progress.
  let last = Promise.resolve();
  const next = (fn: () => Promise<void>) => (last = last.then(fn));
  return {
    counts: csv?.counts ?? new Map(),
    round: () => next(round),
    // An endpoint is asked at the next start for what follows its last bin. A read that makes no bin (less than 10 s
    // since the last one) leaves the state saved with that bin, from which the next start reads these lines again.
    stop: () => next(async () => {
      if (csv) await round();
    }),
  };
}

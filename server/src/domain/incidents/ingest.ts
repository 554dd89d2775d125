import { checkFootfallBin, checkSalesBin, DEFAULT_BIN_LIMITS, type BinLimits, type BinVerdict } from '../revenue/bin-quality.js';
import { compactBins, type FootfallBin, type SalesBin } from '../revenue/bins.js';
import { toIso, toMs } from '../revenue/time.js';
import type { FootfallInput, IncidentStore, InputQualityEffect, SalesInput, StoreRuntime } from './types.js';

/**
 * How long a door sensor that stopped reporting still counts as one of the store's: until then its silence is a
 * counter gap, filled from the baseline and flagged; a dead counter left for days must not make the other
 * doors pass for the whole store. A sensor taken out of service drops out after this.
 */
const SENSOR_MEMORY_MS = 7 * 24 * 3600_000;

function apply<T>(list: T[], bin: T, verdict: BinVerdict): boolean {
  if (verdict.action === 'accept') list.push(bin);
  else if (verdict.action === 'replace') list[verdict.index] = bin;
  else return false;
  return true;
}

function effect(
  input: FootfallInput | SalesInput,
  sourceId: string,
  verdict: BinVerdict,
  at: number,
): InputQualityEffect | null {
  if (verdict.action === 'accept') return null;
  const action = verdict.action === 'reject' ? 'rejected' : verdict.action === 'ignore' ? 'ignored' : 'replaced';
  const reason =
    verdict.action === 'reject' ? verdict.reason : verdict.action === 'ignore' ? 'same bin received again' : 'bin resent with other counts';
  return { type: 'input.quality', at: toIso(at), storeId: input.storeId, source: input.type, sourceId, action, flag: verdict.flag, reason };
}

/** Checks and stores a footfall bin; anything but a clean accept is flagged on the store and reported. */
export function ingestFootfall(rt: StoreRuntime, input: FootfallInput, at: number, limits: Partial<BinLimits>): InputQualityEffect[] {
  const bin: FootfallBin = { sensorId: input.sensorId, binStart: toMs(input.binStart), binEnd: toMs(input.binEnd), visitors: input.in };
  const same = rt.footfall.filter((b) => b.sensorId === bin.sensorId);
  const verdict = checkFootfallBin(bin, same, at, { ...DEFAULT_BIN_LIMITS, ...limits });
  if (verdict.action === 'replace') verdict.index = rt.footfall.indexOf(same[verdict.index]!);
  if (apply(rt.footfall, bin, verdict)) rt.sensorsSeen[bin.sensorId] = at;
  if (verdict.action !== 'accept') rt.quality.push({ at, flag: verdict.flag });
  const e = effect(input, input.sensorId, verdict, at);
  return e ? [e] : [];
}

/** Checks and stores a sales bin, and keeps the till's sales feed (for silent tills) current. */
export function ingestSales(
  rt: StoreRuntime,
  store: IncidentStore,
  input: SalesInput,
  at: number,
  limits: Partial<BinLimits>,
): InputQualityEffect[] {
  const bin: SalesBin = {
    tillId: input.tillId,
    binStart: toMs(input.binStart),
    binEnd: toMs(input.binEnd),
    transactions: input.transactions,
    revenue: input.revenue,
  };
  const same = rt.sales.filter((b) => b.tillId === bin.tillId);
  const verdict = checkSalesBin({ ...bin, currency: input.currency }, same, at, store, { ...DEFAULT_BIN_LIMITS, ...limits });
  if (verdict.action === 'replace') verdict.index = rt.sales.indexOf(same[verdict.index]!);
  if (apply(rt.sales, bin, verdict)) {
    const feed = rt.salesFeeds[bin.tillId] ?? { lastBinEnd: bin.binStart, lastSaleEnd: bin.binStart };
    if (bin.binEnd >= feed.lastBinEnd) feed.binMs = bin.binEnd - bin.binStart;
    feed.lastBinEnd = Math.max(feed.lastBinEnd, bin.binEnd);
    if (bin.transactions > 0) feed.lastSaleEnd = Math.max(feed.lastSaleEnd, bin.binEnd);
    rt.salesFeeds[bin.tillId] = feed;
  }
  if (verdict.action !== 'accept') rt.quality.push({ at, flag: verdict.flag });
  const e = effect(input, input.tillId, verdict, at);
  return e ? [e] : [];
}

/**
 * Corrections of a bin come within minutes (agents re-send a bin up to 15 min after it ended, delivery may lag);
 * older fine-grained bins are merged to keep the state small, after which a bin with the same bounds is refused.
 */
const COMPACT_AFTER_MS = 60 * 60_000;

/**
 * Drops what no incident can need any more and merges settled bins per 15 min; till changes older
 * than `horizon` fold into the base.
 */
export function trimRuntime(rt: StoreRuntime, horizon: number, now: number): void {
  const settled = now - COMPACT_AFTER_MS;
  rt.footfall = compactBins(
    rt.footfall.filter((b) => b.binEnd >= horizon),
    settled,
    (b) => b.sensorId,
    (a, b) => ({ ...a, binEnd: b.binEnd, visitors: a.visitors + b.visitors }),
  );
  // The newest end stays, however old: a silent till found again hours later must still start after it.
  const newest = Math.max(...rt.closedEnds);
  rt.closedEnds = rt.closedEnds.filter((at) => at >= horizon || at === newest);
  rt.sales = compactBins(
    rt.sales.filter((b) => b.binEnd >= horizon),
    settled,
    (b) => b.tillId,
    (a, b) => ({ ...a, binEnd: b.binEnd, transactions: a.transactions + b.transactions, revenue: a.revenue + b.revenue }),
  );
  if (horizon <= rt.baseAt) return;
  rt.quality = rt.quality.filter((q) => q.at >= horizon);
  const keep = [];
  for (const c of rt.changes) {
    if (c.at < horizon) {
      if (c.state !== 'unknown') rt.base[c.tillId] = c.state;
    } else keep.push(c);
  }
  rt.changes = keep;
  rt.baseAt = horizon;
  for (const [id, seen] of Object.entries(rt.sensorsSeen)) if (seen < now - SENSOR_MEMORY_MS) delete rt.sensorsSeen[id];
}

import { footfallIn, salesIn } from '../revenue/bins.js';
import type { Interval } from '../revenue/time.js';
import { MINUTE_MS, QUARTER_MS } from '../revenue/time.js';
import { normalTills } from './condition.js';
import type { EngineOptions, IncidentStore, StoreRuntime } from './types.js';

/**
 * Tills that are up yet have sold nothing for `silentMinutes` of opening time while the store was busy (people
 * came in and the other tills sold), with when their silence began; a till found silent stays so until it
 * sells, its feed stops or the store closes. Only tills with a live sales feed are judged: without the sales
 * topic this detection is off. `openSince` is when the current opening began (null: the store is closed).
 */
export function silentTills(rt: StoreRuntime, store: IncidentStore, now: number, openSince: () => number | null, options: EngineOptions) {
  const out: Record<string, number> = {};
  const windowMs = options.silentMinutes * MINUTE_MS;
  const normal = normalTills(store);
  const working = normal.filter((t) => rt.tills[t]?.known === 'up' || rt.tills[t]?.known === 'degraded');
  let busy: boolean | null = null;
  for (const tillId of normal) {
    const feed = rt.salesFeeds[tillId];
    if (!feed || rt.tills[tillId]?.known !== 'up') continue;
    // A feed that stopped is a feed problem, not proof of a silent till (15-min bins arrive late).
    if (feed.lastBinEnd < now - QUARTER_MS - MINUTE_MS) continue;
    // Silence is what the bins received show, up to one more bin at the feed's cadence: a till whose bins stall
    // may have sold since its last one.
    const seenTo = Math.min(now, feed.lastBinEnd + (feed.binMs ?? Infinity));
    if (seenTo - feed.lastSaleEnd < windowMs) continue;
    const opened = openSince();
    if (opened === null) return {};
    // Silence counts from the last sale, the opening, or the till coming back up, whichever is latest.
    const since = Math.max(feed.lastSaleEnd, opened, rt.tills[tillId]!.since);
    if (seenTo - since < windowMs) continue;
    // Once found silent a till stays so until it sells: a quieter spell after is no sign it works again.
    if (!rt.silent.includes(tillId)) {
      busy ??= storeBusy(rt, store, { start: now - windowMs, end: now }, working, options);
      if (!busy) continue;
    }
    out[tillId] = since;
  }
  return out;
}

/**
 * Busy enough that a till selling nothing is a fault, not chance: enough people came in, and the store sold enough
 * that each working till's fair share was several sales (a quiet store's fourth till can sit idle for 20 minutes).
 * Where tills sold nothing, the buyers the configured conversion expects of those visitors, in the idle tills'
 * share, stand in for the sales when more: a one-till store, every till silent, or three silent beside one that
 * sells a little.
 */
function storeBusy(rt: StoreRuntime, store: IncidentStore, window: Interval, working: readonly string[], options: EngineOptions): boolean {
  const visitors = footfallIn(rt.footfall, window).visitors;
  if (working.length === 0 || visitors < options.silentVisitorsPerTill * working.length) return false;
  const sold = salesIn(rt.sales, window).transactions;
  // Idle: a live feed with no sale in the window (a feed that stopped tells nothing, as for the tills judged).
  const idle = working.filter((t) => {
    const feed = rt.salesFeeds[t];
    return feed !== undefined && feed.lastBinEnd >= window.end - QUARTER_MS - MINUTE_MS && feed.lastSaleEnd <= window.start;
  }).length;
  const expected = (visitors * store.conversion * idle) / working.length;
  return Math.max(sold, expected) >= options.silentSalesPerTill * working.length;
}

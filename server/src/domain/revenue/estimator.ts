import { expectedVisitors, type BaselineProfile } from './baseline.js';
import { BinIndex, footfallIn, salesIn, type FootfallBin, type SalesBin } from './bins.js';
import { capacityLevels, capacityLoss, queuedBacklog, type CapacityLevel, type CapacitySegment } from './capacity.js';
import { confidenceOf, type QualityFlag } from './flags.js';
import { ratesAt, type RateTable } from './rates.js';
import { roundMoney } from './stats.js';
import { clipTo, MINUTE_MS, overlapMs, quarters, QUARTER_MS, splitAt, type Interval } from './time.js';

export interface EstimatorOptions {
  /** Relative error of a door counter (typical 2D video counters are 90–95 % accurate). */
  counterAccuracy: number;
  /** Share of a till's P90 throughput it sustains for a whole bin. */
  capacityEfficiency: number;
  /** Transactions one till handles in 15 min when none were learned. */
  defaultTillPerQuarter: number;
  /** Largest share of customers who give up at a long queue. */
  maxBalking: number;
  /** Share of tills assumed to keep selling when the store is offline and their state is unknown. */
  offlineCapacityShare: number;
  /** A stretch the counter covers less than this is a gap. */
  minCoverage: number;
  /** Returners count only beyond this many standard deviations of the after-recovery window's noise. */
  recaptureSigma: number;
  /** Minutes after recovery in which the queue left at the tills that kept working is served. */
  backlogMin: number;
  /** Spread of single transaction values (standard deviation ÷ mean) when sales have not shown the store's own. */
  basketCv: number;
  /** Standard scores each side of the band: 1.28 makes it an 80 % interval. */
  bandZ: number;
}

export const DEFAULT_ESTIMATOR_OPTIONS: EstimatorOptions = {
  counterAccuracy: 0.05,
  capacityEfficiency: 0.85,
  defaultTillPerQuarter: 12,
  maxBalking: 0.1,
  offlineCapacityShare: 0.5,
  minCoverage: 0.9,
  recaptureSigma: 1,
  backlogMin: 15,
  basketCv: 0.8,
  bandZ: 1.28,
};

export interface StoreRates {
  conversion: number;
  avgBasket: number;
  currency: string;
  /** Visitors per hour to assume where there is neither a counter nor history; null if none is configured. */
  defaultVisitorsPerHour?: number | null;
  /** Transactions one busy till completes in an hour, as HQ knows it from its POS reports. */
  tillThroughput?: number | null;
}

export interface LossInput {
  /** The incident, [start, end); `end` is now while it is open. */
  range: Interval;
  /**
   * When the store could lose sales: opening hours minus maintenance, sorted and disjoint. From a quarter
   * before the range at least, so that a sales bin straddling its start is compared whole.
   */
  active: readonly Interval[];
  /**
   * When customers could come in (opening hours, maintenance included), from at least the purchase lag
   * before `active`; defaults to `active`. Nobody enters a closed store, counted or not.
   */
  open?: readonly Interval[];
  footfall: readonly FootfallBin[];
  /** The store's door sensors; defaults to those present in `footfall`. */
  sensors?: readonly string[];
  /** Every till's sales bins, or null when the store has no sales feed. */
  sales: readonly SalesBin[] | null;
  capacity: readonly CapacitySegment[];
  /** Tills that normally sell (backup tills excluded). */
  normalTills: number;
  baseline: BaselineProfile | null;
  /** Today's level factor for the baseline. */
  level: number;
  /** The level was measured after recovery: without sales, entries there cannot tell returners from a busy day. */
  levelAfterRecovery?: boolean;
  rates: RateTable | null;
  store: StoreRates;
  /** Data is complete up to these moments (live: the newest bins lag); defaults to the end of the range. */
  footfallUntil?: number;
  salesUntil?: number;
  /** End of the after-recovery window used for net; omit while the incident is open. */
  recaptureUntil?: number | null;
  options?: Partial<EstimatorOptions>;
}

export type LossMethod = 'gap' | 'capacity' | 'full';

export interface LossEstimate {
  gross: number;
  net: number;
  low: number;
  high: number;
  currency: string;
  visitors: number;
  lostTransactions: number;
  recaptured: number;
  method: LossMethod | 'mixed' | 'none';
  flags: QualityFlag[];
  confidence: number;
}

/** The bins, indexed once per estimate, and the sensors that count (all those present unless the input names them). */
interface Indexed {
  foot: BinIndex<FootfallBin>;
  sensors: readonly string[];
  sales: BinIndex<SalesBin> | null;
}

interface Sums {
  revenue: number;
  low: number;
  high: number;
  tx: number;
}

const zero = (): Sums => ({ revenue: 0, low: 0, high: 0, tx: 0 });

/** Adds `tx` transactions at `basket`, with the band's low and high counts. */
function addTo(sums: Sums, tx: number, low: number, high: number, basket: number): void {
  sums.tx += tx;
  sums.revenue += tx * basket;
  sums.low += low * basket;
  sums.high += high * basket;
}

/**
 * Lost revenue of one incident, per 15-min bin (bins partly inside count pro rata):
 * expected transactions E = visitors × conversion, measured visitors where the counter reported and
 * baseline × level where it did not. With a sales feed, lost = Σ(E − actual) floored at zero (the gap);
 * without one, a capacity model over the tills still working; with none working, all of E.
 * Revenue = lost transactions × basket; net removes the excess bought in the window after recovery.
 */
export function estimateLoss(input: LossInput): LossEstimate {
  const opts = { ...DEFAULT_ESTIMATOR_OPTIONS, ...input.options };
  const sales = input.sales && soldOutside(input.sales, input);
  const ix: Indexed = {
    foot: new BinIndex(input.footfall),
    sensors: input.sensors ?? [...new Set(input.footfall.map((b) => b.sensorId))],
    sales: sales ? new BinIndex(sales) : null,
  };
  const flags = new Set<QualityFlag>();
  const mu = tillPerQuarter(input, opts);
  const footfallUntil = input.footfallUntil ?? input.range.end;
  const salesUntil = input.salesUntil ?? input.range.end;
  const defaultVph = input.store.defaultVisitorsPerHour ?? null;
  const lag = input.rates?.purchaseLagMs ?? 0;
  const cap = zero();
  const gap = zero();
  /** The most the gap can charge: the share of the expected buyers the tills out of action would have served. */
  const gapLimit = zero();
  let gapExpected = 0;
  const methods = new Set<LossMethod>();
  let visitors = 0;
  /**
   * Buyers expected over the incident and their spend; and how much the lost count scatters with how many
   * of them there really were (Poisson): all of it for the gap and for tills short of demand, little where
   * the working tills had room.
   */
  let expected = 0;
  let expectedSpend = 0;
  let demandVariance = 0;
  let coveredMs = 0;
  let pastMs = 0;
  const recovery = lastShortfall(input.capacity, input.range, input.normalTills);
  /** Buyers still queueing at the working tills at `recovery`. */
  let queued = 0;

  // Live, the sales feed reaches a minute or so back: the stretch it covers is judged by the gap, only the rest by
  // capacity (a young incident's one quarter was all capacity, which a partial outage mostly leaves at nothing).
  const pieces = quarters(input.range).flatMap((q) => clipTo(q, input.active).flatMap((p) => splitAt(p, salesUntil)));
  for (const p of pieces) {
    const width = p.end - p.start;
    // Buyers pay a while after coming in: a stretch without tills loses those who came in one lag earlier.
    const w = entriesBefore(input, ix, p, lag, defaultVph);
    if (w.end <= footfallUntil) {
      pastMs += width;
      coveredMs += w.coverage * width;
      if (w.coverage < opts.minCoverage) flags.add('counter_gap');
      if (w.fallback) flags.add('baseline_fallback');
      if (w.noData) flags.add('no_visitor_data');
    }
    const v = w.visitors;
    const vLow = w.measured * (1 - opts.counterAccuracy) + w.fill.low;
    const vHigh = w.measured * (1 + opts.counterAccuracy) + w.fill.high;
    visitors += v;

    const r = ratesAt(input.rates, p.start, input.store);
    if (r.source === 'config') flags.add('rates_fallback');
    const e = v * r.conversion;
    expected += e;
    expectedSpend += e * r.basket;
    const eLow = vLow * r.conversion * (1 - r.relError);
    const eHigh = vHigh * r.conversion * (1 + r.relError);
    const normal = input.normalTills;
    const levels = capacityLevels(input.capacity, p, normal);
    const capUnit = (mu * width) / QUARTER_MS;

    if (input.sales && p.end <= salesUntil) {
      const sold = salesIn(ix.sales!.within(p), p).transactions * w.known;
      const out = missingShare(levels, normal);
      methods.add('gap');
      addTo(gap, e - sold, eLow - sold, eHigh - sold, r.basket);
      addTo(gapLimit, e * out, eLow * out, eHigh * out, r.basket);
      gapExpected += e;
      demandVariance += e;
      continue;
    }
    // Each capacity level is charged on its own share of the demand: averaging the tills over the bin
    // would let a till that worked for a moment turn a full outage into a mild shortage.
    let lost = 0;
    let mainShare = 0;
    let method: LossMethod = 'capacity';
    for (const level of levels) {
      // Unknown capacity (store offline) is taken as a share of the tills, with a band from "all still selling" to "none selling".
      const tills = level.tills ?? normal * opts.offlineCapacityShare;
      const best = level.tills ?? normal;
      const worst = level.tills ?? 0;
      if (level.tills === null) flags.add('capacity_assumed');
      const s = level.share;
      const normalCap = normal * capUnit * s;
      const levelLoss = capacityLoss(e * s, tills * capUnit * s, normalCap, opts.maxBalking);
      lost += levelLoss;
      // One more buyer's effect on the loss: 1 with the tills saturated, the balking share otherwise.
      demandVariance += (capacityLoss(e * s + 1, tills * capUnit * s, normalCap, opts.maxBalking) - levelLoss) ** 2 * e * s;
      cap.low += capacityLoss(eLow * s, best * capUnit * s, normalCap, opts.maxBalking) * r.basket;
      cap.high += capacityLoss(eHigh * s, worst * capUnit * s, normalCap, opts.maxBalking) * r.basket;
      if (s > mainShare) {
        mainShare = s;
        method = tills <= 0 ? 'full' : 'capacity';
      }
    }
    methods.add(method);
    cap.tx += lost;
    cap.revenue += lost * r.basket;
    if (recovery && p.start < recovery.at && recovery.at <= p.end) queued = queuedBacklog(e, recovery.tills, capUnit);
  }
  if (pastMs > 0 && coveredMs === 0) flags.add('counter_silent');
  const end = input.range.end;
  const lastTills = meanTills(capacityLevels(input.capacity, { start: end - MINUTE_MS, end }, input.normalTills), 0);
  // Customers queueing at the tills still working are served late, not lost. Without sales the capacity
  // model takes off the queue it expects at recovery. With sales the backlog (a queue of 10–15 people at
  // most, where customers give up) is served in the minutes after recovery, and the gap counts them there;
  // net's returners are looked for after that. The queue is valued at the lost transactions' mean basket: at the
  // basket of the stretch where recovery falls it could come to more than was lost, and gross fall below zero.
  const heldTx = Math.min(cap.tx, queued);
  const held = cap.tx > 0 ? (heldTx / cap.tx) * cap.revenue : 0;
  cap.tx -= heldTx;
  cap.revenue -= held;
  cap.low = Math.max(0, cap.low - held);
  cap.high = Math.max(0, cap.high - held);
  const catchUp = input.sales && methods.has('gap') && lastTills > 0 ? opts.backlogMin * MINUTE_MS : 0;
  // A sales bin straddling the start or the end is compared whole: its sales were made before the
  // outage or after recovery, and pro rata would credit part of them to the outage. (One straddling the
  // end of an outage no till survived was moved after it: its returners are net's, not a smaller gross.)
  const edges = sales && methods.has('gap') ? salesEdges(sales, input.range, catchUp) : [];
  if (edges.length > 0) {
    // The edges may add to the limit in the incident's own proportion: all of theirs for a full outage.
    const outShare = gapExpected > 0 ? gapLimit.tx / gapExpected : 1;
    for (const edge of edges) {
      for (const whole of clipTo(edge, input.active)) {
        const p = { start: whole.start, end: Math.min(whole.end, salesUntil) };
        if (p.end <= p.start) continue;
        const w = entriesBefore(input, ix, p, lag, defaultVph);
        const r = ratesAt(input.rates, p.start, input.store);
        const t = salesIn(ix.sales!.within(p), p).transactions * w.known;
        const e = w.visitors * r.conversion;
        addTo(gap, e - t, e - t, e - t, r.basket);
        addTo(gapLimit, e * outShare, e * outShare, e * outShare, r.basket);
        demandVariance += e;
      }
    }
  }

  // Sales that did not happen while the tills that worked could have taken them were not lost to the incident
  // (a feed that lags, a slow hour): a store that copes with its demand on all its tills loses at most the share
  // of buyers the missing ones would have served.
  limitGap(gap, gapLimit);
  // The gap is a loss only when both transactions and revenue fell short: fewer sales in an expensive hour and more in
  // a cheap one lost no sale, and the figures must not disagree on whether anything was lost.
  const gapLost = gap.tx > 0 && gap.revenue > 0;
  const gross = cap.revenue + (gapLost ? gap.revenue : 0);
  // Only what stands out of the after-recovery window's everyday noise counts as customers coming back, looked for
  // after the sales the gap compared, so that none counts twice.
  const back = recapture(input, ix, edges.reduce((from, e) => Math.max(from, e.end), end + catchUp), opts, flags);
  const returned = (sigmas: number) => Math.min(gross, Math.max(0, back.extra + sigmas * back.sd));
  const recaptured = returned(-opts.recaptureSigma);
  const net = gross - recaptured;
  const lostTx = cap.tx + (gapLost ? gap.tx : 0);
  const band = bandAround(net, {
    down: gross - (cap.low + Math.max(0, gap.low)),
    up: cap.high + Math.max(0, gap.high) - gross,
    demandVariance,
    basket: expected > 0 ? expectedSpend / expected : 0,
    lost: lostTx,
    basketCv: Number.isFinite(input.rates?.basketCv) ? input.rates!.basketCv! : opts.basketCv,
    // Returners anywhere in their own band move net the other way.
    fewerReturned: Math.max(0, recaptured - returned(-opts.bandZ)),
    moreReturned: Math.max(0, returned(opts.bandZ) - recaptured),
    z: opts.bandZ,
  });
  const method = methods.size === 0 ? 'none' : methods.size === 1 ? [...methods][0]! : 'mixed';
  return {
    gross: roundMoney(gross),
    net: roundMoney(net),
    low: roundMoney(band.low),
    high: roundMoney(band.high),
    currency: input.store.currency,
    visitors: Math.round(visitors * 10) / 10,
    lostTransactions: Math.round(lostTx * 10) / 10,
    recaptured: roundMoney(recaptured),
    method,
    flags: [...flags],
    confidence: confidenceOf(flags),
  };
}

/**
 * The band around net. What the counter, the rates and unknown tills could be off by (`down`, `up`: their
 * extremes, summed per stretch) is combined in quadrature with what no figure can know in advance: how
 * many of the expected buyers there really were (Poisson), what the lost ones would have spent (the
 * basket's spread), and how uncertain the returners netted off are.
 */
function bandAround(net: number, b: {
  down: number; up: number; demandVariance: number; basket: number; lost: number; basketCv: number; fewerReturned: number; moreReturned: number; z: number;
}): { low: number; high: number } {
  const scatter = b.z ** 2 * b.basket ** 2 * (b.demandVariance + b.lost * b.basketCv ** 2);
  return {
    low: Math.max(0, net - Math.sqrt(Math.max(0, b.down) ** 2 + scatter + b.moreReturned ** 2)),
    high: net + Math.sqrt(Math.max(0, b.up) ** 2 + scatter + b.fewerReturned ** 2),
  };
}

/**
 * μ, what one working till serves in 15 min. HQ's figure is what a busy till sustains, so it is taken
 * as is and before the learned one: a P90 of normal trading comes from tills that are rarely saturated
 * and is only a share of their capacity. The default is a guess.
 */
function tillPerQuarter(input: LossInput, opts: EstimatorOptions): number {
  const configured = input.store.tillThroughput;
  if (configured) return configured / 4;
  return (input.rates?.tillPerQuarterP90 ?? opts.defaultTillPerQuarter) * opts.capacityEfficiency;
}

/**
 * The sales bins, with any straddling the range's end moved out of the range where no till was known to work in it: those
 * sales were made after recovery (or, pro rata, before the range), so they go to net's returners rather than lower gross.
 */
function soldOutside(sales: readonly SalesBin[], input: LossInput): readonly SalesBin[] {
  const { start, end } = input.range;
  const straddles = (b: SalesBin) => b.binStart < end && end < b.binEnd;
  // Most estimates have none: a long incident's refresh is not to copy all its bins.
  if (!sales.some(straddles)) return sales;
  return sales.flatMap((b) => {
    if (!straddles(b)) return [b];
    const inside = { start: Math.max(b.binStart, start), end };
    if (capacityLevels(input.capacity, inside, input.normalTills).some((l) => l.tills !== 0)) return [b];
    // Of the bin's stretches outside the range, the one before it gets its share of the sales.
    const before = (inside.start - b.binStart) / (b.binEnd - b.binStart - (end - inside.start));
    const part = (from: number, to: number, share: number): SalesBin =>
      ({ ...b, binStart: from, binEnd: to, transactions: b.transactions * share, revenue: b.revenue * share });
    return before > 0 ? [part(b.binStart, start, before), part(end, b.binEnd, 1 - before)] : [part(end, b.binEnd, 1)];
  });
}

/** The parts of the sales bins straddling the range's start or end that lie outside it, and at least `afterMs` after it. */
function salesEdges(sales: readonly SalesBin[], range: Interval, afterMs: number): Interval[] {
  let before = range.start;
  let after = range.end + afterMs;
  for (const b of sales) {
    if (b.binStart < range.start && b.binEnd > range.start) before = Math.min(before, b.binStart);
    if (b.binStart < range.end && b.binEnd > range.end) after = Math.max(after, b.binEnd);
  }
  return [
    { start: before, end: range.start },
    { start: range.end, end: after },
  ].filter((i) => i.end > i.start);
}

interface Entries {
  end: number;
  /** Measured where the counter covered, baseline × level elsewhere. */
  visitors: number;
  measured: number;
  /** The baseline's share of `visitors` (where the counter was missing), with its band. */
  fill: { visitors: number; low: number; high: number };
  /** Baseline × level over the whole stretch, and whether every part of it had one. */
  baseline: number;
  hasBaseline: boolean;
  /** Share of the open part the counter covered (1 when the store was closed throughout). */
  coverage: number;
  /**
   * Share of the open part whose entries are known, counted or filled from the baseline (1 when closed throughout). Live,
   * the sales feed can be ahead of the counter: the gap compares the same share of the sales, not all of them with a
   * part of the buyers, which dipped the running total each time a sales bin came before its door bin.
   */
  known: number;
  fallback: boolean;
  noData: boolean;
}

/**
 * Entries over `p` moved `lagMs` earlier, counting only while the store was open: the customers whose
 * purchases would have fallen in `p`.
 */
function entriesBefore(input: LossInput, ix: Indexed, p: Interval, lagMs: number, defaultVph: number | null): Entries {
  const shifted = { start: p.start - lagMs, end: p.end - lagMs };
  const out: Entries = {
    end: shifted.end, visitors: 0, measured: 0, fill: { visitors: 0, low: 0, high: 0 }, baseline: 0, hasBaseline: true,
    coverage: 0, known: 0, fallback: false, noData: false,
  };
  let openMs = 0;
  for (const part of clipTo(shifted, input.open ?? input.active)) {
    const width = part.end - part.start;
    const seen = footfallIn(ix.foot.within(part), part, ix.sensors);
    const exp = expectedVisitors(input.baseline, part, input.level, defaultVph);
    const missing = 1 - seen.coverage;
    openMs += width;
    out.coverage += seen.coverage * width;
    out.known += (seen.coverage + missing * (1 - exp.missingShare)) * width;
    out.measured += seen.visitors;
    out.fill.visitors += missing * exp.visitors;
    out.fill.low += missing * exp.low;
    out.fill.high += missing * exp.high;
    out.baseline += exp.visitors;
    if (exp.missingShare > 0) out.hasBaseline = false;
    if (missing > 0 && exp.fallbackShare > 0) out.fallback = true;
    if (missing > 0 && exp.missingShare > 0) out.noData = true;
  }
  out.visitors = out.measured + out.fill.visitors;
  out.coverage = openMs > 0 ? out.coverage / openMs : 1;
  out.known = openMs > 0 ? out.known / openMs : 1;
  return out;
}

/**
 * When capacity last fell short within the range (its end, or the range's end while still short) and the
 * tills working then. The queue that stood before, with every till open, was short enough to leave out;
 * unknown tills (store offline) are not counted as having anyone waiting.
 */
function lastShortfall(segments: readonly CapacitySegment[], range: Interval, normal: number): { at: number; tills: number } | null {
  let last: CapacitySegment | null = null;
  for (const s of segments) {
    if (overlapMs(s, range) > 0 && s.tills !== null && s.tills < normal && (!last || s.end > last.end)) last = s;
  }
  return last?.tills ? { at: Math.min(last.end, range.end), tills: last.tills } : null;
}

/** Share of the normal tills out of action over a stretch (unknown: all of them), 0..1. */
function missingShare(levels: readonly CapacityLevel[], normal: number): number {
  if (normal <= 0) return 1;
  return levels.reduce((n, l) => n + l.share * (l.tills === null ? 1 : Math.min(1, Math.max(0, 1 - l.tills / normal))), 0);
}

/** Caps the gap's transactions and each revenue figure at the limit's. */
function limitGap(gap: Sums, limit: Sums): void {
  gap.tx = Math.min(gap.tx, limit.tx);
  gap.revenue = Math.min(gap.revenue, limit.revenue);
  gap.low = Math.min(gap.low, limit.low);
  gap.high = Math.min(gap.high, limit.high);
}

/** Time-weighted working tills, unknown stretches taken at `unknownAs`. */
function meanTills(levels: readonly CapacityLevel[], unknownAs: number): number {
  return levels.reduce((n, l) => n + (l.tills ?? unknownAs) * l.share, 0);
}

/**
 * Revenue bought after recovery by customers who came back. Returners come to buy, so with a sales
 * feed and a working counter each one adds a sale where an ordinary visitor adds only CR of one:
 * returners R = (T − CR·V) / (1 − CR), using the entries measured in the window (they include the
 * returners). Without the counter, actual sales are compared with baseline visitors × CR; without
 * sales, the extra entries over the baseline are taken as returners. Needs a baseline or a sales feed.
 * Returns that excess with the standard deviation of the window's everyday noise: an hour's sales swing
 * more than a few returners.
 */
function recapture(input: LossInput, ix: Indexed, from: number, opts: EstimatorOptions, flags: Set<QualityFlag>): { extra: number; sd: number } {
  const none = { extra: 0, sd: 0 };
  const until = input.recaptureUntil;
  if (until === undefined || until === null || until <= from) return none;
  const window = clipTo({ start: from, end: until }, input.active);
  if (window.length === 0) return none;
  let extra = 0;
  let variance = 0;
  let measurable = true;
  for (const w of window) {
    for (const p of quarters(w)) {
      const r = ratesAt(input.rates, p.start, input.store);
      const w = entriesBefore(input, ix, p, input.rates?.purchaseLagMs ?? 0, null);
      const seen = { visitors: w.measured };
      const counted = w.coverage >= opts.minCoverage;
      const exp = { visitors: w.baseline };
      const hasBaseline = w.hasBaseline;
      if (input.sales && counted && r.conversion < 1) {
        const sold = salesIn(ix.sales!.within(p), p);
        extra += ((sold.transactions - seen.visitors * r.conversion) / (1 - r.conversion)) * r.basket;
        variance += (seen.visitors * r.conversion * (1 - r.conversion) * r.basket ** 2) / (1 - r.conversion) ** 2;
      } else if (input.sales && hasBaseline) {
        extra += salesIn(ix.sales!.within(p), p).revenue - exp.visitors * r.conversion * r.basket;
        variance += exp.visitors * r.conversion * r.basket ** 2;
      } else if (!input.sales && hasBaseline && counted && !input.levelAfterRecovery) {
        extra += (seen.visitors - exp.visitors) * r.basket;
        variance += exp.visitors * r.basket ** 2;
      } else measurable = false;
    }
  }
  if (!measurable) flags.add('recapture_unmeasured');
  return { extra, sd: Math.sqrt(variance) };
}

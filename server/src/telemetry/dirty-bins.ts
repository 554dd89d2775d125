/**
 * Remembers which stores and times got raw writes since the last rollup, so that maintenance
 * re-rolls only those 15-minute bins (late and replaced bins included) instead of everything.
 */
import { ROLLUP_BIN_MS, floorTo } from './bins.js';

export const ROLLUP_KINDS = ['footfall', 'sales', 'availability'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/** A time range to re-roll, for some stores or (null) for all of them. */
export interface RollupWork {
  kind: RollupKind;
  stores: string[] | null;
  /** Inclusive start and exclusive end, both on 15-minute boundaries (ms). */
  from: number;
  to: number;
}

interface Range {
  stores: Set<string> | null;
  from: number;
  to: number;
}

export class DirtyBins {
  private readonly ranges = new Map<RollupKind, Range>();

  mark(kind: RollupKind, storeId: string, atMs: number): void {
    this.extend(kind, new Set([storeId]), atMs, atMs + 1);
  }

  /** Marks every store over [fromMs, toMs), e.g. after a restart, when what was pending is unknown. */
  markAll(fromMs: number, toMs: number): void {
    for (const kind of ROLLUP_KINDS) this.extend(kind, null, fromMs, toMs);
  }

  /** Hands over the pending work and forgets it. */
  take(): RollupWork[] {
    const out: RollupWork[] = [];
    for (const [kind, r] of this.ranges) out.push({ kind, stores: r.stores ? [...r.stores].sort() : null, from: r.from, to: r.to });
    this.ranges.clear();
    return out;
  }

  /** Puts work back, e.g. when the rollup query failed and must be tried again. */
  restore(work: RollupWork[]): void {
    for (const w of work) this.extend(w.kind, w.stores ? new Set(w.stores) : null, w.from, w.to);
  }

  private extend(kind: RollupKind, stores: Set<string> | null, fromMs: number, toMs: number): void {
    const from = floorTo(fromMs, ROLLUP_BIN_MS);
    const to = floorTo(toMs - 1, ROLLUP_BIN_MS) + ROLLUP_BIN_MS;
    const r = this.ranges.get(kind);
    if (!r) {
      this.ranges.set(kind, { stores: stores ? new Set(stores) : null, from, to });
      return;
    }
    r.from = Math.min(r.from, from);
    r.to = Math.max(r.to, to);
    if (r.stores === null || stores === null) r.stores = null;
    else for (const s of stores) r.stores.add(s);
  }
}

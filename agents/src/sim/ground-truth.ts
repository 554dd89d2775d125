import { rename, writeFile } from 'node:fs/promises';

/** What simulated customers really lost to one incident. */
export interface IncidentTruth {
  id: string;
  storeId: string;
  tillId: string | null;
  kind: string;
  start: string;
  end: string | null;
  currency: string;
  /** Buyers who left without buying because of the incident. */
  lostTransactions: number;
  lostRevenue: number;
  /** Of those, the ones who came back later and bought. */
  returnedTransactions: number;
  returnedRevenue: number;
  netLostTransactions: number;
  netLostRevenue: number;
}

export interface StoreTruth {
  storeId: string;
  currency: string;
  visitors: number;
  transactions: number;
  revenue: number;
  /** Buyers lost to ordinary queues while every till worked: not any incident's doing. */
  baselineLostTransactions: number;
  baselineLostRevenue: number;
}

export interface GroundTruthFile {
  seed: number;
  speed: number;
  simStart: string;
  simNow: string;
  incidents: IncidentTruth[];
  stores: StoreTruth[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Accumulates the simulator's ground truth; the lost-revenue backtest reads the file it writes. */
export class GroundTruth {
  private readonly incidents = new Map<string, IncidentTruth>();
  private readonly stores = new Map<string, StoreTruth>();

  /** Off while the world warms up: trading before the start is not part of the truth. */
  private recording = true;

  constructor(private readonly meta: { seed: number; speed: number; simStart: number }) {}

  /** Runs `fn` without recording visitors, sales or losses. */
  unrecorded(fn: () => void): void {
    this.recording = false;
    try {
      fn();
    } finally {
      this.recording = true;
    }
  }

  addStore(storeId: string, currency: string): void {
    this.stores.set(storeId, {
      storeId, currency, visitors: 0, transactions: 0, revenue: 0, baselineLostTransactions: 0, baselineLostRevenue: 0,
    });
  }

  openIncident(i: { id: string; storeId: string; tillId: string | null; kind: string; start: number }): void {
    const store = this.store(i.storeId);
    this.incidents.set(i.id, {
      id: i.id, storeId: i.storeId, tillId: i.tillId, kind: i.kind, start: new Date(i.start).toISOString(), end: null,
      currency: store.currency, lostTransactions: 0, lostRevenue: 0, returnedTransactions: 0, returnedRevenue: 0,
      netLostTransactions: 0, netLostRevenue: 0,
    });
  }

  closeIncident(id: string, end: number): void {
    const i = this.incidents.get(id);
    if (i) i.end = new Date(end).toISOString();
  }

  visitor(storeId: string): void {
    if (!this.recording) return;
    this.store(storeId).visitors++;
  }

  sale(storeId: string, amount: number): void {
    if (!this.recording) return;
    const s = this.store(storeId);
    s.transactions++;
    s.revenue += amount;
  }

  /** A buyer left without buying; `incidentId` null means ordinary queueing. */
  lost(storeId: string, incidentId: string | null, amount: number): void {
    if (!this.recording) return;
    const i = incidentId === null ? undefined : this.incidents.get(incidentId);
    if (i) {
      i.lostTransactions++;
      i.lostRevenue += amount;
    } else {
      const s = this.store(storeId);
      s.baselineLostTransactions++;
      s.baselineLostRevenue += amount;
    }
  }

  /** A buyer lost earlier came back and bought after all. */
  returned(storeId: string, incidentId: string | null, amount: number): void {
    if (!this.recording) return;
    const i = incidentId === null ? undefined : this.incidents.get(incidentId);
    if (i) {
      i.returnedTransactions++;
      i.returnedRevenue += amount;
    } else {
      const s = this.store(storeId);
      s.baselineLostTransactions--;
      s.baselineLostRevenue -= amount;
    }
  }

  snapshot(simNow: number): GroundTruthFile {
    return {
      seed: this.meta.seed,
      speed: this.meta.speed,
      simStart: new Date(this.meta.simStart).toISOString(),
      simNow: new Date(simNow).toISOString(),
      incidents: [...this.incidents.values()].map((i) => ({
        ...i,
        lostRevenue: round2(i.lostRevenue),
        returnedRevenue: round2(i.returnedRevenue),
        netLostTransactions: i.lostTransactions - i.returnedTransactions,
        netLostRevenue: round2(i.lostRevenue - i.returnedRevenue),
      })),
      stores: [...this.stores.values()].map((s) => ({
        ...s, revenue: round2(s.revenue), baselineLostRevenue: round2(s.baselineLostRevenue),
      })),
    };
  }

  /** Writes atomically, so a reader never sees half a file. */
  async write(path: string, simNow: number): Promise<void> {
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(this.snapshot(simNow), null, 2));
    await rename(tmp, path);
  }

  private store(storeId: string): StoreTruth {
    const s = this.stores.get(storeId);
    if (!s) throw new Error(`unknown store ${storeId}`);
    return s;
  }
}

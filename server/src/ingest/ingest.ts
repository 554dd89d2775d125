import { decodePayload } from '@storepulse/protocol/validate';
import { parseTopic, TOPIC_RULES, type FootfallPayload, type ParsedTopic, type OnlinePayload, type SalesPayload, type StatusPayload, type TopicKind } from '@storepulse/protocol';
import { applyOnline, applyStatus, touchTill, type Fleet, type FleetChange } from '../domain/fleet.js';
import type { EventBus } from '../event-bus.js';
import type { Metrics } from '../metrics.js';
import { footfallProblem, salesProblem, statusProblem } from './input-checks.js';
import type { RejectionLog } from './rejection-log.js';
import { SeqGuard } from './seq-guard.js';

/** Sensors one store may report; a cap so a broken or hostile agent cannot grow server memory without bound. */
export const MAX_SENSORS_PER_STORE = 64;

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected';

export interface IngestDeps {
  fleet: Fleet;
  bus: EventBus;
  metrics: Metrics;
  rejections: RejectionLog;
  now?: () => number;
}

/**
 * The ingest pipeline for one MQTT message: topic → retained bin → size → JSON → schema → known store/till → clock skew and bin
 * quality → seq → state. Never throws: every refusal is counted by reason and logged.
 */
export class Ingest {
  private readonly seq = new SeqGuard();
  private readonly sensors = new Map<string, Set<string>>();
  private readonly now: () => number;
  /** Labelled counters resolved once: label lookups per message are measurable at fleet rates. */
  private readonly acceptedBy: Record<TopicKind, { inc(): void }>;

  constructor(private readonly deps: IngestDeps) {
    this.now = deps.now ?? Date.now;
    const a = deps.metrics.accepted;
    this.acceptedBy = { online: a.labels('online'), status: a.labels('status'), footfall: a.labels('footfall'), sales: a.labels('sales') };
  }

  /** `retained`: the broker replayed a stored copy at subscription rather than passing on a fresh publish. */
  handle(topic: string, raw: Uint8Array, retained = false): IngestOutcome {
    const now = this.now();
    const parsed = parseTopic(topic);
    if (!parsed) return this.reject('topic', topic, 'not a storepulse/v1 topic or an id outside [A-Za-z0-9_-]{1,64}', now);
    // Bins are never retained; a stored one would come back at every server start, however old.
    if (retained && !TOPIC_RULES[parsed.kind].retained) return this.reject('retained_bin', topic, `a ${parsed.kind} bin replayed from the broker's retained store`, now);
    const store = this.deps.fleet.stores.get(parsed.storeId);
    if (!store) return this.reject('unknown_store', topic, `store ${parsed.storeId} is not configured`, now);

    const decoded = decodePayload(parsed.kind, raw);
    const { bus, fleet } = this.deps;
    if (!decoded.ok) {
      // A negative or impossible count is refused like any bad figure, and the incident engine still hears of it.
      if (decoded.reason === 'bad_count') {
        if (parsed.kind === 'footfall' || (parsed.kind === 'sales' && store.tills.has(parsed.tillId))) this.refusedBin(parsed, decoded.payload, now);
      }
      return this.reject(decoded.reason, topic, decoded.message, now);
    }

    if (parsed.kind === 'footfall') {
      const p = decoded.payload as FootfallPayload;
      const bin = { sensorId: parsed.sensorId, binStart: Date.parse(p.binStart), binEnd: Date.parse(p.binEnd), visitors: p.in };
      const problem = footfallProblem(bin, now);
      if (problem) {
        this.refusedBin(parsed, p, now);
        return this.reject(problem.reason, topic, problem.detail, now);
      }
      if (!this.admitSensor(parsed.storeId, parsed.sensorId)) {
        return this.reject('too_many_sensors', topic, `store already has ${MAX_SENSORS_PER_STORE} sensors`, now);
      }
      if (!this.fresh('footfall', `${parsed.storeId}/${parsed.sensorId}`, p.seq, bin.binStart)) return 'duplicate';
      bus.emit('ingest:footfall', { storeId: parsed.storeId, sensorId: parsed.sensorId, payload: p, at: now });
      this.acceptedBy.footfall.inc();
      return 'accepted';
    }

    const till = store.tills.get(parsed.tillId);
    if (!till) return this.reject('unknown_till', topic, `till ${parsed.tillId} is not configured for store ${parsed.storeId}`, now);
    const key = `${parsed.storeId}/${parsed.tillId}`;

    switch (parsed.kind) {
      case 'online': {
        const p = decoded.payload as OnlinePayload;
        emitChanges(bus, applyOnline(fleet, store, till, p, now, retained));
        bus.emit('ingest:online', { storeId: parsed.storeId, tillId: parsed.tillId, payload: p, at: now });
        break;
      }
      case 'status': {
        const p = decoded.payload as StatusPayload;
        const ts = Date.parse(p.ts);
        const problem = statusProblem(ts, now);
        if (problem) return this.reject(problem.reason, topic, problem.detail, now);
        if (!this.fresh('status', key, p.seq, ts)) return 'duplicate';
        emitChanges(bus, applyStatus(fleet, store, till, p.components, now, retained ? ts : null));
        bus.emit('ingest:status', { storeId: parsed.storeId, tillId: parsed.tillId, payload: p, at: now });
        break;
      }
      case 'sales': {
        const p = decoded.payload as SalesPayload;
        const bin = {
          tillId: parsed.tillId, binStart: Date.parse(p.binStart), binEnd: Date.parse(p.binEnd),
          transactions: p.transactions, revenue: p.revenue, currency: p.currency,
        };
        const problem = salesProblem(bin, store.config, now);
        if (problem) {
          this.refusedBin(parsed, p, now);
          return this.reject(problem.reason, topic, problem.detail, now);
        }
        if (!this.fresh('sales', key, p.seq, bin.binStart)) return 'duplicate';
        touchTill(till, now);
        bus.emit('ingest:sales', { storeId: parsed.storeId, tillId: parsed.tillId, payload: p, at: now });
        break;
      }
    }
    this.acceptedBy[parsed.kind].inc();
    return 'accepted';
  }

  /** Drops what the guard remembers of a store, when the store is removed. */
  forgetStore(storeId: string): void {
    this.seq.forgetPrefix(`${storeId}/`);
    this.sensors.delete(storeId);
  }

  /** A bin refused for its content: kept out of state and telemetry, but the incident engine flags what it touches. */
  private refusedBin(parsed: ParsedTopic, payload: unknown, at: number): void {
    if (parsed.kind === 'footfall') {
      this.deps.bus.emit('ingest:refused-bin', { kind: 'footfall', storeId: parsed.storeId, sensorId: parsed.sensorId, payload: payload as FootfallPayload, at });
    } else if (parsed.kind === 'sales') {
      this.deps.bus.emit('ingest:refused-bin', { kind: 'sales', storeId: parsed.storeId, tillId: parsed.tillId, payload: payload as SalesPayload, at });
    }
  }

  private fresh(kind: TopicKind, key: string, seq: number, at: number): boolean {
    const verdict = this.seq.check(`${key}/${kind}`, seq, at);
    if (verdict === 'duplicate') {
      this.deps.metrics.duplicates.inc({ kind });
      return false;
    }
    if (verdict === 'restarted') this.deps.metrics.seqRestarts.inc();
    return true;
  }

  private admitSensor(storeId: string, sensorId: string): boolean {
    let set = this.sensors.get(storeId);
    if (!set) this.sensors.set(storeId, (set = new Set()));
    if (set.has(sensorId)) return true;
    if (set.size >= MAX_SENSORS_PER_STORE) return false;
    set.add(sensorId);
    return true;
  }

  private reject(reason: string, topic: string, detail: string, now: number): IngestOutcome {
    this.deps.metrics.rejected.inc({ reason });
    this.deps.rejections.record(reason, topic, detail, now);
    return 'rejected';
  }
}

function emitChanges(bus: EventBus, changes: FleetChange[]): void {
  if (changes.length > 0) bus.emit('fleet:changes', changes);
}

/**
 * Fills a telemetry store with the fleet simulator's output over a span of simulated time. The messages go through
 * the server's own path (ingest, fleet, incident engine, tickets), so incident points carry what the server writes;
 * this file writes the rest as TelemetrySink does, but at simulated time (the sink stamps store states with the
 * wall clock).
 */
import { topics } from '@storepulse/protocol';
import type { FleetStore } from '../../../agents/src/index.js';
import { GroundTruth } from '../../../agents/src/sim/ground-truth.js';
import { World } from '../../../agents/src/sim/world.js';
import type { StoreRecord } from '../../src/domain/fleet.js';
import { componentStates, type TelemetryStore } from '../../src/telemetry/index.js';
import { startServerPath } from './server-path.js';

const STEP_MS = 60_000;
const KEYFRAME_MS = 5 * 60_000;
const ALL_PRIORITIES_SLA = { response: '10m', resolve: '8h', clock: '24x7' };

/** Half the stores served by a provider that lists them by id, the other half by one that lists their cities. */
function configYaml(fleet: FleetStore[]): string {
  const sla = { P1: ALL_PRIORITIES_SLA, P2: ALL_PRIORITIES_SLA, P3: ALL_PRIORITIES_SLA };
  const half = (odd: number) => fleet.filter((_, i) => i % 2 === odd);
  const providers = [
    { id: 'acme-it', name: 'Acme IT', categories: ['all'], stores: half(0).map((s) => s.id), sla },
    { id: 'posfix', name: 'POSfix', categories: ['all'], stores: [...new Set(half(1).map((s) => s.city))], sla },
  ];
  // JSON is YAML; a short grace lets P3 tickets open within the simulated span.
  return JSON.stringify({ stores: fleet, providers, tickets: { selfFixGrace: '2m' } });
}

export async function fillFromSimulator(store: TelemetryStore, fleet: FleetStore[], opts: { seed: number; from: number; to: number; faults: number }): Promise<void> {
  let clock = opts.from;
  const path = await startServerPath({ yaml: configYaml(fleet), telemetry: store, now: () => clock });
  const writeStore = (s: StoreRecord) => {
    let up = 0;
    for (const t of s.tills.values()) if (t.state === 'up' || t.state === 'degraded') up++;
    store.writeStoreState({ at: clock, storeId: s.config.id, state: s.state, tillsUp: up, tillsTotal: s.tills.size });
  };
  path.bus.on('fleet:changes', (changes) => {
    for (const c of changes) {
      if (c.type === 'store') writeStore(c.store);
      else store.writeTillStatus({ at: Math.max(c.till.since, c.till.lastSeen ?? 0), storeId: c.store.config.id, tillId: c.till.id, state: c.till.state, components: componentStates(c.till.components) });
    }
  });
  path.bus.on('ingest:online', (m) => void store.writeTillOnline({ at: m.at, storeId: m.storeId, tillId: m.tillId, online: m.payload.online }));
  path.bus.on('bin:footfall', (m) => void store.writeFootfall({
    storeId: m.storeId, sensorId: m.sensorId, binStart: Date.parse(m.payload.binStart), binEnd: Date.parse(m.payload.binEnd), in: m.payload.in, out: m.payload.out,
  }));
  path.bus.on('bin:sales', (m) => void store.writeSales({
    storeId: m.storeId, tillId: m.tillId, binStart: Date.parse(m.payload.binStart), binEnd: Date.parse(m.payload.binEnd),
    transactions: m.payload.transactions, revenue: m.payload.revenue, currency: m.payload.currency,
  }));

  const truth = new GroundTruth({ seed: opts.seed, speed: 1, simStart: opts.from });
  const world = new World(fleet, { seed: opts.seed, simStart: opts.from, binMs: STEP_MS, seqBase: 0, truth });
  const offline = new Set<string>();
  const presence = (s: FleetStore, online: boolean) => {
    for (const t of s.tills) path.publish(topics.online(s.id, t), online ? { v: 1, online: true, agent: { version: 'sim' } } : { v: 1, online: false });
  };
  // Every agent announces itself when it connects, then reports its status, as the real ones do.
  for (const s of fleet) presence(s, true);
  for (const e of world.statuses()) if (e.type === 'message') path.publish(e.topic, e.payload);

  const faultEvery = Math.floor((opts.to - opts.from) / (opts.faults + 1));
  for (let at = opts.from; at < opts.to; at += STEP_MS) {
    if (opts.faults > 0 && at > opts.from && (at - opts.from) % faultEvery < STEP_MS) world.injectRandomFault();
    clock = at + STEP_MS;
    for (const e of world.advance(clock)) {
      if (e.type === 'message') {
        path.publish(e.topic, e.payload);
        continue;
      }
      if (e.online) offline.delete(e.storeId);
      else offline.add(e.storeId);
      presence(fleet.find((f) => f.id === e.storeId)!, e.online);
    }
    // Heartbeats from the stores still connected, so that their tills never go stale.
    for (const e of world.statuses()) if (e.type === 'message' && !offline.has(e.storeId)) path.publish(e.topic, e.payload);
    path.tick();
    if ((clock - opts.from) % KEYFRAME_MS === 0) {
      for (const s of path.fleet.stores.values()) {
        writeStore(s);
        for (const t of s.tills.values()) {
          store.writeTillStatus({ at: clock, storeId: s.config.id, tillId: t.id, state: t.state, components: componentStates(t.components), keyframe: true });
          store.writeTillOnline({ at: clock, storeId: s.config.id, tillId: t.id, online: t.online });
        }
      }
    }
  }
  await path.close();
}

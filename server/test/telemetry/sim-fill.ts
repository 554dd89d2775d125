/**
 * Fills a telemetry store with the fleet simulator's output over a span of simulated time: footfall
 * and sales bins, till statuses and presence, derived store states, and the simulator's incidents
 * (with their true lost revenue) as incident events.
 */
import type { Components, TillState } from '@storepulse/protocol';
import type { FleetStore } from '../../../agents/src/index.js';
import { GroundTruth } from '../../../agents/src/sim/ground-truth.js';
import { World } from '../../../agents/src/sim/world.js';
import { isOpenAt } from '../../src/domain/opening-hours.js';
import { countTills, deriveStoreState } from '../../src/domain/store-state.js';
import { deriveTillState } from '../../src/domain/till-state.js';
import { componentStates, type TelemetryStore } from '../../src/telemetry/index.js';

const PROVIDERS = ['acme-it', 'posfix'];

export function fillFromSimulator(store: TelemetryStore, fleet: FleetStore[], opts: { seed: number; from: number; to: number; faults: number }): void {
  const truth = new GroundTruth({ seed: opts.seed, speed: 1, simStart: opts.from });
  const world = new World(fleet, { seed: opts.seed, simStart: opts.from, binMs: 60_000, seqBase: 0, truth });
  const tills = new Map<string, { online: boolean; components: Components | null }>();
  const key = (s: string, t: string) => `${s}/${t}`;
  // Every agent announces itself when it connects, as the real ones do with their retained online message.
  for (const s of fleet) {
    for (const t of s.tills) {
      tills.set(key(s.id, t), { online: true, components: null });
      store.writeTillOnline({ at: opts.from, storeId: s.id, tillId: t, online: true });
    }
  }

  const storeState = (s: FleetStore, at: number) => {
    const states: TillState[] = s.tills.map((t) => deriveTillState({ ...tills.get(key(s.id, t))!, stale: false }));
    const counts = countTills(states);
    const state = deriveStoreState(isOpenAt(s.hours, s.timezone, at), counts);
    store.writeStoreState({ at, storeId: s.id, state, tillsUp: counts.up + counts.degraded, tillsTotal: counts.total });
  };

  const step = 60_000;
  const faultEvery = Math.floor((opts.to - opts.from) / (opts.faults + 1));
  for (let at = opts.from; at < opts.to; at += step) {
    if (opts.faults > 0 && at > opts.from && (at - opts.from) % faultEvery < step) world.injectRandomFault();
    for (const e of world.advance(at + step)) {
      if (e.type === 'presence') {
        const s = fleet.find((f) => f.id === e.storeId)!;
        for (const t of s.tills) {
          tills.get(key(s.id, t))!.online = e.online;
          store.writeTillOnline({ at: at + step, storeId: s.id, tillId: t, online: e.online });
        }
        continue;
      }
      const p = e.payload as Record<string, unknown>;
      if (e.kind === 'footfall') {
        store.writeFootfall({ storeId: e.storeId, sensorId: 'door1', binStart: Date.parse(p.binStart as string), binEnd: Date.parse(p.binEnd as string), in: p.in as number, out: p.out as number });
      } else if (e.kind === 'sales') {
        store.writeSales({
          storeId: e.storeId, tillId: e.tillId, binStart: Date.parse(p.binStart as string), binEnd: Date.parse(p.binEnd as string),
          transactions: p.transactions as number, revenue: p.revenue as number, currency: p.currency as string,
        });
      } else if (e.kind === 'status') {
        const till = tills.get(key(e.storeId, e.tillId))!;
        till.components = p.components as Components;
        const state = deriveTillState({ ...till, stale: false });
        store.writeTillStatus({ at: Date.parse(p.ts as string), storeId: e.storeId, tillId: e.tillId, state, components: componentStates(till.components) });
      }
    }
    for (const s of fleet) storeState(s, at + step);
  }

  truth.snapshot(opts.to).incidents.forEach((i, n) => {
    const start = Date.parse(i.start);
    const end = i.end ? Date.parse(i.end) : null;
    const base = { storeId: i.storeId, tillId: i.tillId, incidentId: i.id, kind: i.kind, title: `${i.kind} at ${i.storeId}`, provider: PROVIDERS[n % 2]! };
    store.writeIncident({ ...base, at: start, phase: 'opened' });
    if (end !== null) {
      const durationSeconds = Math.round((end - start) / 1000);
      store.writeIncident({ ...base, at: end, phase: 'resolved', lostRevenue: i.lostRevenue, durationSeconds, slaBreached: durationSeconds > 1800 });
    }
  });
}

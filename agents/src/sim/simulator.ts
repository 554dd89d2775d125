import type { SimScenario } from './faults.js';
import type { FleetStore } from './fleet.js';
import { GroundTruth } from './ground-truth.js';
import { MqttPool, type SimLogger } from './mqtt-pool.js';
import { World, type WorldEvent } from './world.js';
import { AGENT_VERSION } from '../version.js';

export interface SimulatorOptions {
  brokerUrl: string;
  username?: string;
  password?: string;
  /** Per-store credentials, when the broker scopes them by store; overrides username/password. */
  credentialsFor?: (storeId: string) => { username?: string; password?: string };
  fleet: FleetStore[];
  /** 1 = real time (demo); 60 = one simulated hour per real minute, etc. */
  speed?: number;
  seed?: number;
  /** random: a fault somewhere every `faultEveryMin` real minutes, the first after `firstFaultSec`. */
  faults?: 'random' | 'none' | SimScenario;
  faultEveryMin?: number;
  /** Real seconds to the first random fault (default 20, or the interval if shorter). */
  firstFaultSec?: number;
  /** per-till: one MQTT client per till, each with its own last will; a number: that many shared clients. */
  connections?: 'per-till' | number;
  groundTruthPath?: string;
  logger?: SimLogger;
  /** Simulated instant to start from (default now); with speed > 1 an earlier start keeps data out of the future. */
  startAt?: Date;
  /** Width of footfall and sales bins in simulated seconds (default 60). */
  binSec?: number;
  /** Real seconds between status heartbeats of each till (default 30). */
  heartbeatSec?: number;
}

export interface SimulatorHandle {
  stop(): Promise<void>;
  stats(): { published: number; connected: number };
}

const SILENT: SimLogger = { info() {}, warn() {} };
const TICK_MS = 1000;
const TRUTH_EVERY_MS = 10_000;
const FIRST_FAULT_SEC = 20;
/** Simulated trading before the start: longer than a shopper's visit, so tills are selling from the first minute. */
const WARM_UP_MS = 30 * 60_000;

/** Runs a simulated fleet against a broker until `stop()`. */
export async function startSimulator(opts: SimulatorOptions): Promise<SimulatorHandle> {
  const speed = opts.speed ?? 1;
  const seed = opts.seed ?? 1;
  const binSec = opts.binSec ?? 60;
  const heartbeatSec = opts.heartbeatSec ?? 30;
  if (!(speed > 0)) throw new Error(`speed must be above 0, got ${speed}`);
  if (!(binSec >= 10 && binSec <= 900)) throw new Error(`binSec must be 10 to 900, got ${binSec}`);
  const logger = opts.logger ?? SILENT;
  const realStart = Date.now();
  const simStart = opts.startAt?.getTime() ?? realStart;
  const simAt = (real: number) => simStart + (real - realStart) * speed;

  const truth = new GroundTruth({ seed, speed, simStart });
  // Seq starts at the wall clock in ms, so a restarted simulator's messages always rank after the last run's.
  const world = new World(opts.fleet, { seed, simStart, binMs: binSec * 1000, seqBase: realStart, truth });
  world.warmUp(WARM_UP_MS);
  if (opts.faults && typeof opts.faults === 'object') world.schedule(opts.faults);

  const pool = new MqttPool({
    brokerUrl: opts.brokerUrl,
    credentialsFor: opts.credentialsFor ?? (() => ({ username: opts.username, password: opts.password })),
    fleet: opts.fleet,
    connections: opts.connections ?? 'per-till',
    agentVersion: AGENT_VERSION,
    logger,
  });
  try {
    await pool.start();
  } catch (err) {
    await pool.stop();
    throw err;
  }

  // Reconnections are asynchronous; while one is under way, later messages wait behind it so replay stays in order.
  let presence: Promise<void> = Promise.resolve();
  let reconnecting = 0;
  const emit = (events: WorldEvent[]) => {
    for (const e of events) {
      if (e.type === 'message') {
        if (reconnecting === 0) pool.publish(e.storeId, e.tillId, e.kind, e.topic, e.payload);
        else presence = presence.then(() => pool.publish(e.storeId, e.tillId, e.kind, e.topic, e.payload));
        continue;
      }
      logger.info({ storeId: e.storeId, online: e.online }, e.online ? 'simulated store back online' : 'simulated store offline');
      reconnecting++;
      presence = presence
        .then(() => pool.setStoreOnline(e.storeId, e.online))
        .catch((err: Error) => logger.warn({ storeId: e.storeId, err: err.message }, 'simulated reconnection failed'))
        .finally(() => { reconnecting--; });
    }
  };
  emit(world.statuses());

  const slices = Math.max(1, Math.round((heartbeatSec * 1000) / TICK_MS));
  let slice = 0;
  let lastTruth = Date.now();
  let truthWrite: Promise<void> = Promise.resolve();
  const writeTruth = () => {
    if (!opts.groundTruthPath) return;
    const path = opts.groundTruthPath;
    truthWrite = truthWrite
      .then(() => truth.write(path, world.simNow))
      .catch((err: Error) => logger.warn({ path, err: err.message }, 'could not write the ground truth'));
  };

  const tick = setInterval(() => {
    const now = Date.now();
    emit(world.advance(simAt(now)));
    const s = slice++ % slices;
    emit(world.statuses((i) => i % slices === s));
    if (now - lastTruth >= TRUTH_EVERY_MS) {
      lastTruth = now;
      writeTruth();
    }
  }, TICK_MS);

  const faultEveryMs = (opts.faultEveryMin ?? 2) * 60_000;
  // Whoever starts a simulator wants to see an incident soon, not after a whole interval of green tills.
  const firstFaultMs = Math.min(faultEveryMs, (opts.firstFaultSec ?? FIRST_FAULT_SEC) * 1000);
  const injectFault = () => {
    const f = world.injectRandomFault();
    if (f) logger.info({ fault: f.id, storeId: f.storeId, kind: f.kind, till: f.till }, 'simulated fault');
  };
  let faultTimer: NodeJS.Timeout | null = null;
  const firstFault = opts.faults === 'random'
    ? setTimeout(() => {
        injectFault();
        faultTimer = setInterval(injectFault, faultEveryMs);
      }, firstFaultMs)
    : null;

  logger.info({ stores: opts.fleet.length, tills: world.tillCount, speed, seed }, 'simulator started');
  let stopped: Promise<void> | null = null;
  return {
    stats: () => pool.stats(),
    stop() {
      stopped ??= (async () => {
        clearInterval(tick);
        if (firstFault) clearTimeout(firstFault);
        if (faultTimer) clearInterval(faultTimer);
        await presence;
        writeTruth();
        await truthWrite;
        await pool.stop();
      })();
      return stopped;
    },
  };
}

import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadScenario } from '../sim/faults.js';
import { generateFleet } from '../sim/fleet.js';
import { startSimulator } from '../sim/simulator.js';
import { consoleLogger } from './console-logger.js';

export const SIMULATE_USAGE = `storepulse-agent simulate --broker URL [options]
  --stores N            stores in the fleet (default 3)
  --tills M             tills per store (default: 2 to 6, varying)
  --speed X             simulated seconds per real second (default 1)
  --seed S              random seed (default 1)
  --scenario FILE       faults from a YAML/JSON scenario instead of random ones
  --no-faults           no faults at all
  --fault-every MIN     real minutes between random faults (default 2; the first comes after 20 s)
  --connections C       per-till (default) or a number of shared connections
  --username U          broker user; --password-file F reads its password
  --ground-truth FILE   where to write what simulated customers really lost
  --start ISO           simulated start instant (default now)`;

function positive(name: string, raw: string | undefined, fallback: number | undefined, integer = true): number | undefined {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  }
  return n;
}

export async function simulateCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      broker: { type: 'string' }, stores: { type: 'string' }, tills: { type: 'string' }, speed: { type: 'string' },
      seed: { type: 'string' }, scenario: { type: 'string' }, 'no-faults': { type: 'boolean' },
      'fault-every': { type: 'string' }, connections: { type: 'string' }, username: { type: 'string' },
      'password-file': { type: 'string' }, 'ground-truth': { type: 'string' }, start: { type: 'string' },
    },
    strict: true,
  });
  if (!values.broker) throw new Error(`--broker is required\n${SIMULATE_USAGE}`);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
  const fleet = generateFleet({
    stores: positive('stores', values.stores, 3)!,
    tillsPerStore: positive('tills', values.tills, undefined),
    seed,
  });
  const connections = values.connections === undefined || values.connections === 'per-till'
    ? 'per-till' as const
    : positive('connections', values.connections, 1)!;
  const startAt = values.start === undefined ? undefined : new Date(values.start);
  if (startAt && Number.isNaN(startAt.getTime())) throw new Error(`--start is not a date: "${values.start}"`);
  const password = values['password-file'] ? (await readFile(values['password-file'], 'utf8')).trim() : undefined;
  const logger = consoleLogger();
  const sim = await startSimulator({
    brokerUrl: values.broker,
    username: values.username,
    password,
    fleet,
    speed: positive('speed', values.speed, 1, false),
    seed,
    faults: values.scenario ? await loadScenario(values.scenario, fleet) : values['no-faults'] ? 'none' : 'random',
    faultEveryMin: positive('fault-every', values['fault-every'], 2, false),
    connections,
    groundTruthPath: values['ground-truth'],
    startAt,
    logger,
  });
  const report = setInterval(() => logger.info(sim.stats(), 'simulator'), 30_000);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  clearInterval(report);
  await sim.stop();
}

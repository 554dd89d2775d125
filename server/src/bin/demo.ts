#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dump } from 'js-yaml';
import { deriveBehaviour, generateFleet, startSimulator, trafficShape, type FleetStore } from '@storepulse/agents';
import { demoMaintenance } from './demo-maintenance.js';
import { demoProviders } from './demo-providers.js';
import { ConfigError } from '../config/config-error.js';
import { startServer } from '../server.js';

/**
 * The visitors an hour HQ would write down for a store from its counter reports: a fresh demo has no history, so
 * until the counter's bins come in (a store offline holds them) the estimate fills in from this, not from nothing.
 */
function typicalVisitorsPerHour(store: FleetStore): number {
  const hours = Array.from({ length: 11 }, (_, i) => trafficShape(10 + i, 2));
  return Math.round((deriveBehaviour(store, DEMO_SEED).peakVisitorsPerHour * hours.reduce((a, b) => a + b, 0)) / hours.length);
}

/**
 * `npm run demo`: the whole product in one process — embedded broker, SQLite, the server, and a simulated fleet of
 * stores in several time zones and currencies with faults injected every few minutes.
 */
const DEMO_STORES = Number(process.env.DEMO_STORES ?? 24);
const DEMO_SEED = 42;
const ROUND_THE_CLOCK = { mon: '00:00-24:00', tue: '00:00-24:00', wed: '00:00-24:00', thu: '00:00-24:00', fri: '00:00-24:00', sat: '00:00-24:00', sun: '00:00-24:00' };
const DEMO_TILLS = Number(process.env.DEMO_TILLS ?? 4);
const dataDir = resolve(process.env.STOREPULSE_DATA_DIR ?? 'data/demo');
const DEMO_LABELS = { agent: 'demo simulator', viewer: 'demo wall link', provider: 'demo provider (Pilot Service)' };

/** HQ reports in euros; the rates are illustrative, for the wall's cross-currency total. */
const DEMO_HQ = { currency: 'EUR', rates: { GBP: 1.17, RUB: 0.0105, USD: 0.92, MXN: 0.05 } };

/** Sales regions of the simulated cities, so the wall can be grouped wider than by city. */
const DEMO_REGIONS: Record<string, string> = {
  Madrid: 'Iberia', Barcelona: 'Iberia', Valencia: 'Iberia',
  Berlin: 'Central Europe',
  London: 'United Kingdom', Manchester: 'United Kingdom', Edinburgh: 'United Kingdom',
  Moscow: 'Russia West', 'Saint Petersburg': 'Russia West',
  Novosibirsk: 'Russia East', Vladivostok: 'Russia East',
  'Mexico City': 'Mexico', Guadalajara: 'Mexico', Monterrey: 'Mexico',
  'New York': 'USA East', Chicago: 'USA Central', 'Los Angeles': 'USA West',
};

try {
  mkdirSync(dataDir, { recursive: true });
  const fleet = generateFleet({ stores: DEMO_STORES, tillsPerStore: DEMO_TILLS, seed: DEMO_SEED }).map((generated, i) => {
    // Every sixth store trades round the clock, as some city-centre and grocery stores do: the demo has open stores,
    // and so incidents, at any hour.
    const s = i % 6 === 5 ? { ...generated, hours: ROUND_THE_CLOCK } : generated;
    const region = DEMO_REGIONS[s.city];
    // Each region is also a maintenance group ("iberia", "usa-east"), for windows that cover it at once.
    return { ...s, defaultVisitorsPerHour: typicalVisitorsPerHour(s), ...(region ? { region, groups: [region.toLowerCase().replace(/\s+/g, '-')] } : {}) };
  });
  const providers = demoProviders(fleet, Date.now());
  const maintenance = demoMaintenance(fleet, Date.now());
  const configPath = join(dataDir, 'storepulse.demo.yaml');
  const config = { stores: fleet, providers: providers.list, hq: DEMO_HQ, maintenance: maintenance.windows };
  writeFileSync(configPath, `# Written by npm run demo from the simulated fleet; edits are overwritten at the next demo start.\n${dump(config, { flowLevel: 3 })}`);

  const server = await startServer({ env: { ...process.env, STOREPULSE_CONFIG: configPath, STOREPULSE_DATA_DIR: dataDir } });
  const { auth, log } = server;
  // Each demo start issues fresh demo tokens; the previous run's are revoked so they don't pile up.
  for (const t of auth.list()) if (!t.revokedAt && Object.values(DEMO_LABELS).includes(t.label)) auth.revoke(t.id);
  const agentToken = auth.issue({ role: 'agent', label: DEMO_LABELS.agent }).token;
  const viewerToken = auth.issue({ role: 'hq-viewer', label: DEMO_LABELS.viewer }).token;
  const providerToken = auth.issue({ role: 'provider', providerId: 'pilot', label: DEMO_LABELS.provider }).token;

  const sim = await startSimulator({
    brokerUrl: server.mqttUrl,
    username: 'demo-simulator',
    password: agentToken,
    fleet,
    speed: 1,
    seed: DEMO_SEED,
    faults: 'random',
    faultEveryMin: 2,
    connections: 'per-till',
    logger: log.child({ component: 'simulator' }),
  }).catch(async (err: unknown) => {
    // The admin's first token would never be printed: the next start generates one to show.
    const admin = server.generatedAdminToken ? auth.authenticate(server.generatedAdminToken) : null;
    if (admin) auth.revoke(admin.tokenId);
    await server.close();
    throw err;
  });

  // localhost throughout: the wall's sign-in cookie is then good for the API docs too (not for 127.0.0.1).
  const web = server.url.replace('127.0.0.1', 'localhost');
  const wall = `${web}/wall?token=${viewerToken}`;
  process.stdout.write(
    [
      '',
      `storepulse demo: ${fleet.length} simulated stores × ${DEMO_TILLS} tills, a fault every ~2 minutes, the first in ~20 s`,
      `  wall (open in a browser):       ${wall}`,
      `  provider view (Pilot, phone):   ${web}/wall?token=${providerToken}  (Pilot serves ${providers.pilotArea} this run)`,
      `  API docs:                       ${web}/api/docs`,
      maintenance.store ? `  maintenance:                    ${maintenance.store.name} (${maintenance.store.id}) upgrades its tills for the next hour: no incidents there` : '',
      `  MQTT (embedded broker):         ${server.mqttUrl}${server.mqttPortFellBack ? '  (port 1883 was taken; set MQTT_PORT to choose)' : ''}`,
      server.generatedAdminToken ? `  hq-admin token (first start only, keep it): ${server.generatedAdminToken}` : '',
      '',
    ].join('\n') + '\n',
  );

  // The server stops listening first: the simulated tills' goodbye is the demo ending, not the fleet going offline,
  // and a restarted demo would otherwise open a store_offline incident for every open store.
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await server.close();
      // With the broker gone a simulated till may wait on a connection that never comes: do not wait long.
      await Promise.race([sim.stop(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      process.exit(0);
    })());
  // Every delivery is handled: with `once`, a second Ctrl-C during shutdown would kill the demo mid-flush.
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`storepulse: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}

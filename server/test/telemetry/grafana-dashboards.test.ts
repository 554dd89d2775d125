/**
 * Grafana provisioning and dashboards, checked without Grafana: the YAML and JSON parse and agree
 * with each other and with the compose file, and every query of every panel, variable and annotation
 * runs, with Grafana's macros and variables expanded, against a real influxd loaded with simulator data.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startInfluxd, type InfluxdHandle } from '../../../test-support/influxd.js';
import { generateFleet } from '../../../agents/src/index.js';
import { InfluxHttp } from '../../src/telemetry/influx/http.js';
import { InfluxTelemetryStore } from '../../src/telemetry/influx-store.js';
import { dashboards, expandMacros, expandVariables, grafana, root } from './grafana-queries.js';
import { fillFromSimulator } from './sim-fill.js';

const DB = 'storepulse';

const datasources = parse(readFileSync(join(grafana, 'provisioning/datasources/influxdb.yaml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string; user?: string; jsonData: Record<string, string>; secureJsonData: Record<string, string> }[];
};

let influxd: InfluxdHandle;
let http: InfluxHttp;
let from: number;
let to: number;
let stores: { id: string; city: string }[];
const spoolDir = mkdtempSync(join(tmpdir(), 'storepulse-spool-'));

beforeAll(async () => {
  influxd = await startInfluxd();
  const fleet = generateFleet({ stores: 6, seed: 11 });
  const cities = new Map(fleet.map((s) => [s.id, s.city]));
  const store = await InfluxTelemetryStore.open({ url: influxd.url, db: DB, spoolDir, cityOf: (id) => cities.get(id), flushIntervalMs: 200 });
  to = Math.floor(Date.now() / 60_000) * 60_000;
  from = to - 12 * 3600_000;
  // Twelve hours of a small fleet, so that some stores are open whatever the time of day.
  await fillFromSimulator(store, fleet, { seed: 11, from, to, faults: 8 });
  stores = fleet.map((s) => ({ id: s.id, city: s.city }));
  await store.maintain(to);
  expect(store.stats()).toMatchObject({ rejected: 0, dropped: 0, spoolPending: 0 });
  await store.close();
  http = new InfluxHttp({ url: influxd.url, db: DB });
}, 120_000);

afterAll(async () => {
  await influxd?.destroy();
  rmSync(spoolDir, { recursive: true, force: true });
});

describe('grafana provisioning', () => {
  it("provisions one InfluxQL datasource from the compose environment, signing in as Grafana's read-only user", () => {
    const [ds] = datasources.datasources;
    expect(datasources.datasources).toHaveLength(1);
    expect(ds).toMatchObject({ uid: 'storepulse-influx', type: 'influxdb', url: '$INFLUX_URL', user: '$INFLUX_USER' });
    expect(ds!.jsonData).toMatchObject({ version: 'InfluxQL', dbName: '$INFLUX_DB' });
    expect(ds!.secureJsonData).toEqual({ password: '$INFLUX_PASSWORD' });
    // No token of any kind: the only one in the stack is InfluxDB's all-access admin token.
    expect(JSON.stringify(ds)).not.toMatch(/token|httpHeader/i);
  });

  it('loads dashboards from the folder the compose file mounts', () => {
    const provider = parse(readFileSync(join(grafana, 'provisioning/dashboards/storepulse.yaml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`./grafana/dashboards:${provider.providers[0]!.options.path}:ro`);
  });

  it('has the five dashboards, each with unique ids, the provisioned datasource and city and store variables', () => {
    expect(dashboards.map(([f]) => f)).toEqual(['fleet-overview.json', 'footfall-vs-tills.json', 'lost-revenue.json', 'sla.json', 'store-drilldown.json']);
    expect(new Set(dashboards.map(([, d]) => d.uid)).size).toBe(5);
    for (const [file, d] of dashboards) {
      const names = d.templating.list.map((v) => v.name);
      expect(names, file).toEqual(expect.arrayContaining(['city', 'store']));
      expect(new Set(d.panels.map((p) => p.id)).size, file).toBe(d.panels.length);
      for (const p of d.panels) {
        expect(p.datasource?.uid, `${file}: ${p.title}`).toBe('storepulse-influx');
        expect(p.targets?.length, `${file}: ${p.title}`).toBeGreaterThan(0);
      }
    }
  });

  it('uses only panels built into Grafana 12, which dropped AngularJS panels (graph, singlestat, table-old…)', () => {
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: { grafana: { image: string } } };
    expect(compose.services.grafana.image).toMatch(/^grafana\/grafana:12\./);
    const core = new Set(['timeseries', 'stat', 'table', 'state-timeline', 'status-history', 'bargauge', 'gauge', 'barchart', 'piechart', 'text', 'row', 'heatmap', 'histogram']);
    for (const [file, d] of dashboards) {
      for (const p of d.panels) expect(core.has(p.type), `${file}: ${p.title} (${p.type})`).toBe(true);
      // Grafana migrates older dashboard schemas on load; a provisioned file only must not be newer than it knows.
      const { schemaVersion } = d as unknown as { schemaVersion: number };
      expect(schemaVersion, file).toBeGreaterThanOrEqual(36);
      expect(schemaVersion, file).toBeLessThanOrEqual(42);
    }
  });

  it('shows incidents as annotations where footfall meets tills', () => {
    const [, d] = dashboards.find(([f]) => f === 'footfall-vs-tills.json')!;
    expect(d.annotations.list.some((a) => a.query?.includes('FROM "incident"'))).toBe(true);
  });
});

describe('every dashboard query runs against influxd with simulator data', () => {
  const queries = dashboards.flatMap(([file, d]) => [
    ...d.templating.list.map((v) => ({ file, what: `variable ${v.name}`, query: v.query, vars: d.templating.list })),
    ...d.annotations.list.filter((a) => a.query).map((a) => ({ file, what: `annotation ${a.name}`, query: a.query!, vars: d.templating.list })),
    ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ file, what: `${p.title} (${t.refId})`, query: t.query, vars: d.templating.list }))),
  ]);

  it('finds queries in every dashboard', () => {
    expect(queries.length).toBeGreaterThan(30);
  });

  it.each(queries)('$file: $what', async ({ query, vars }) => {
    const all = await http.query(expandVariables(expandMacros(query, from, to, 300_000), { city: 'all', store: 'all', provider: 'all' }, vars));
    expect(all.flat().flatMap((s) => s.values).length).toBeGreaterThan(0);
    // One store picked as a user would (the fleet's first), and its city.
    const one = { city: [stores[0]!.city], store: [stores[0]!.id], provider: 'all' as const };
    const expanded = expandVariables(expandMacros(query, from, to, 300_000), one, vars);
    // Nothing left for Grafana to fill in (a `$` before `/` is a regex anchor, not a variable).
    expect(expanded).not.toMatch(/\$[\w{]|\[\[/);
    const picked = await http.query(expanded);
    expect(picked).toBeDefined();
  });
});

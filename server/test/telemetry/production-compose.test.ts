/** Validates docker-compose.yml with Debian's docker-compose (no engine needed) against .env.example. */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { parse } from 'yaml';
import { generateFleet } from '../../../agents/src/index.js';
import { loadConfigFile } from '../../src/config/file.js';
import { healthRoutes } from '../../src/http/routes/api/health.js';
import type { App } from '../../src/http/types.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const example = readFileSync(join(root, '.env.example'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'storepulse-compose-'));

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  profiles?: string[];
  healthcheck?: { test?: string[] };
  volumes?: (string | { type: string; source: string; target: string })[];
  environment?: Record<string, string>;
  entrypoint?: string[];
  command?: string[];
  group_add?: string[];
}

/** docker-compose with nothing but the given env file: variables of the machine must not leak in. */
function compose(envFile: string, ...args: string[]) {
  return run('docker-compose', ['--project-directory', root, '-f', join(root, 'docker-compose.yml'), '--env-file', envFile, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
  });
}

/** .env.example with every empty secret filled in, as an operator would. */
function filledEnv(): string {
  const file = join(dir, 'filled.env');
  writeFileSync(file, example.replace(/^([A-Z_]+)=$/gm, (_, k: string) => `${k}=${k.toLowerCase()}-0123456789abcdefghij`));
  return file;
}

let services: Record<string, Service>;
let volumes: Record<string, unknown>;

beforeAll(async () => {
  const { stdout } = await compose(filledEnv(), 'config');
  ({ services, volumes } = parse(stdout) as { services: Record<string, Service>; volumes: Record<string, unknown> });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function namedVolumes(s: Service): string[] {
  return (s.volumes ?? [])
    .map((v) => (typeof v === 'string' ? v.split(':')[0]! : v.type === 'volume' ? v.source : ''))
    .filter((source) => source in volumes);
}

describe('docker-compose.yml', () => {
  it('validates with the filled-in .env.example and holds the production services', () => {
    expect(Object.keys(services).sort()).toEqual(['grafana', 'influxdb', 'mosquitto', 'simulator', 'storepulse']);
  });

  it('gives every service a healthcheck, a restart policy and a named volume', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(s.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(1);
      expect(s.restart, `${name} restart`).toBe('unless-stopped');
      expect(namedVolumes(s).length, `${name} named volume`).toBeGreaterThan(0);
    }
  });

  it('runs the broker with the config tested in the ACL tests and shares its auth files with the server', () => {
    const m = services.mosquitto!;
    expect(m.volumes).toContain(`${join(root, 'deploy/mosquitto')}:/mosquitto/config:ro`);
    expect(m.entrypoint).toEqual(['/bin/sh', '/mosquitto/config/init.sh']);
    expect(namedVolumes(m)).toContain('mosquitto-auth');
    expect(namedVolumes(services.storepulse!)).toContain('mosquitto-auth');
    expect(services.storepulse!.environment).toMatchObject({ MQTT_URL: 'mqtt://mosquitto:1883', MQTT_USERNAME: 'storepulse-server' });
  });

  it("checks the broker's health as a user of its own, whose password is all `ps` on the host can show", () => {
    const m = services.mosquitto!;
    const [, command] = m.healthcheck!.test!;
    // Compose keeps the $$ that leaves the variable to the container's shell.
    expect(command).toContain('-u storepulse-health -P "$$MQTT_HEALTH_PASSWORD"');
    expect(command).not.toMatch(/storepulse-server|MQTT_SERVER_PASSWORD/);
    expect(m.environment!.MQTT_HEALTH_PASSWORD).toBe('mqtt_health_password-0123456789abcdefghij');
    expect(readFileSync(join(root, 'deploy/mosquitto/acl.base'), 'utf8')).toMatch(/^user storepulse-health\ntopic read \$SYS\/broker\/uptime\n/m);
  });

  it("lets the server's `node` user write the broker's auth files through the broker's group (eclipse-mosquitto's gid 1883)", () => {
    const init = readFileSync(join(root, 'deploy/mosquitto/init.sh'), 'utf8');
    expect(init).toMatch(/^chown -R mosquitto:mosquitto "\$AUTH"$/m);
    expect(init).toMatch(/^chmod 0660 "\$AUTH\/passwd" "\$AUTH\/acl"$/m);
    expect(services.storepulse!.group_add).toEqual(['1883']);
    expect(services.storepulse!.environment).toMatchObject({ MOSQUITTO_PASSWORD_FILE: '/mosquitto/auth/passwd', MOSQUITTO_ACL_FILE: '/mosquitto/auth/acl' });
  });

  it('sets InfluxDB 2.7 up from .env and points the server and Grafana at it', () => {
    const i = services.influxdb!;
    expect(i.image).toBe('influxdb:2.7');
    expect(i.environment).toMatchObject({ DOCKER_INFLUXDB_INIT_MODE: 'setup', DOCKER_INFLUXDB_INIT_RETENTION: '30d' });
    expect(services.storepulse!.environment!.INFLUX_URL).toBe('http://influxdb:8086');
    expect(services.grafana!.environment!.INFLUX_URL).toBe('http://influxdb:8086');
    expect(services.grafana!.volumes).toContain(`${join(root, 'grafana/provisioning')}:/etc/grafana/provisioning:ro`);
  });

  it('keeps the all-access InfluxDB token in the influxdb container: the server and Grafana sign in as users of their own', () => {
    const i = services.influxdb!.environment!;
    expect(i.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toBe('influx_token-0123456789abcdefghij');
    for (const [name, s] of Object.entries(services).filter(([n]) => n !== 'influxdb')) {
      expect(Object.values(s.environment ?? {}), name).not.toContain(i.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN);
    }
    // The users deploy/influxdb/storepulse-users.sh makes, with the passwords it is given.
    expect(services.storepulse!.environment).toMatchObject({ INFLUX_USER: 'storepulse', INFLUX_PASSWORD: i.STOREPULSE_INFLUX_PASSWORD });
    expect(services.grafana!.environment).toMatchObject({ INFLUX_USER: 'grafana', INFLUX_PASSWORD: i.GRAFANA_INFLUX_PASSWORD });
    expect(i.STOREPULSE_INFLUX_PASSWORD).not.toBe(i.GRAFANA_INFLUX_PASSWORD);
    const users = readFileSync(join(root, 'deploy/influxdb/storepulse-users.sh'), 'utf8');
    expect(users).toMatch(/^v1_user storepulse "\$STOREPULSE_INFLUX_PASSWORD"/m);
    expect(users).toMatch(/^v1_user grafana "\$GRAFANA_INFLUX_PASSWORD"/m);
    // The entrypoint runs its init scripts in name order: buckets first, then the users that get rights on them.
    const init = (services.influxdb!.volumes ?? []).filter((v): v is string => typeof v === 'string' && v.includes('docker-entrypoint-initdb.d'));
    expect(init).toEqual([
      `${join(root, 'deploy/influxdb/storepulse-buckets.sh')}:/docker-entrypoint-initdb.d/10-storepulse-buckets.sh:ro`,
      `${join(root, 'deploy/influxdb/storepulse-users.sh')}:/docker-entrypoint-initdb.d/20-storepulse-users.sh:ro`,
    ]);
  });

  it('passes the ticket email settings from .env to the server', () => {
    expect(services.storepulse!.environment).toMatchObject({ SMTP_URL: 'smtp_url-0123456789abcdefghij', SMTP_FROM: 'smtp_from-0123456789abcdefghij' });
  });

  it('runs the server on a current Node LTS and Grafana on a pinned 12.x release of its OSS image', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const [, image] = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)!;
    // An LTS line (even major) newer than 20, whose life ends April 2026; slim Debian as before.
    const [, major] = /^node:(\d+)-bookworm-slim$/.exec(image!)!;
    expect(Number(major) % 2).toBe(0);
    expect(Number(major)).toBeGreaterThanOrEqual(22);
    // Every stage, the runtime one included, starts from that image.
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['${NODE_IMAGE}', 'toolchain', 'toolchain', '${NODE_IMAGE}']);
    // The server's runtime dependencies accept it (no EBADENGINE).
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string }; dev?: boolean }> };
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => !p.dev && p.engines?.node && !nodeAccepts(p.engines.node, [Number(major), 12, 0]))
      .map(([name, p]) => `${name} ${p.engines!.node}`);
    expect(refused).toEqual([]);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:12\.\d+\.\d+$/);
  });

  it('builds the server from the Dockerfile and keeps the simulator behind the demo profile', () => {
    expect(services.storepulse!.build).toBeDefined();
    expect(services.simulator!.profiles).toEqual(['demo']);
  });

  it("configures in config/demo every store and till the demo profile's simulator publishes for", () => {
    const [, stores, seed] = /--stores (\d+) --seed (\d+)/.exec(services.simulator!.command!.join(' '))!;
    const simulated = generateFleet({ stores: Number(stores), seed: Number(seed) });
    const configured = loadConfigFile(join(root, 'config/demo/storepulse.yaml')).stores;
    expect(configured.map((s) => [s.id, s.tills])).toEqual(simulated.map((s) => [s.id, s.tills]));
  });

  it('gives the unprivileged user of the server image the volumes only its containers write', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const own = Object.values(services).filter((s) => s.image === 'storepulse:latest');
    const others = Object.values(services).filter((s) => s.image !== 'storepulse:latest');
    const mounts = own.flatMap((s) => (s.volumes ?? []).map((v) => (typeof v === 'string' ? { source: v.split(':')[0]!, target: v.split(':')[1]! } : v)));
    const targets = mounts
      .filter((m) => m.source in volumes && !others.some((o) => namedVolumes(o).includes(m.source)))
      .map((m) => m.target);
    expect(targets.sort()).toEqual(['/data', '/sim']);
    for (const t of targets) {
      expect(dockerfile, t).toMatch(new RegExp(`mkdir -p [^\\n]*${t}\\b`));
      expect(dockerfile, t).toMatch(new RegExp(`chown node:node [^\\n]*${t}\\b`));
    }
  });

  it('keeps the config file, webhook secrets and all, out of the image: the server reads it from a mount', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toContain('config');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).not.toMatch(/^COPY\s+(\S+\s+)*config\b/m);
    expect(services.storepulse!.volumes).toContain(`${join(root, 'config')}:/app/config:ro`);
  });

  it('refuses to start without the secrets, naming the missing one', async () => {
    const bare = join(dir, 'bare.env');
    writeFileSync(bare, example);
    await expect(compose(bare, 'config')).rejects.toMatchObject({ stderr: expect.stringMatching(/set [A-Z_]+ in \.env/) });
  });

  it('documents in .env.example every variable the compose file reads, and offers none it ignores', () => {
    const used = new Set([...readFileSync(join(root, 'docker-compose.yml'), 'utf8').matchAll(/(?<!\$)\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!));
    expect([...used].filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !used.has(v))).toEqual([]);
  });

  it("passes the broker's reload interval from .env to its container, where init.sh reads it", () => {
    expect(services.mosquitto!.environment!.MOSQUITTO_RELOAD_SECONDS).toBe('5');
    expect(readFileSync(join(root, 'deploy/mosquitto/init.sh'), 'utf8')).toContain('"${MOSQUITTO_RELOAD_SECONDS:-5}"');
  });
});

/** Whether an npm `engines.node` range accepts a version: the comparators lock files hold (>=, >, <, <=, ^, N, N.x, *). */
function nodeAccepts(range: string, v: [number, number, number]): boolean {
  const compare = (w: number[]) => v[0] - w[0]! || v[1] - w[1]! || v[2] - w[2]!;
  return range.split('||').some((alt) =>
    alt.trim().replace(/(>=|<=|>|<|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean).every((c) => {
      const m = /^(>=|<=|>|<|\^|~)?(\d+|\*)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(c);
      if (!m) throw new Error(`engines range not understood: ${range}`);
      const [, op, a, b, p] = m;
      if (a === '*') return true;
      const w = [Number(a), b === undefined || b === 'x' ? 0 : Number(b), p === undefined || p === 'x' ? 0 : Number(p)];
      const cmp = compare(w);
      if (op === '>=') return cmp >= 0;
      if (op === '>') return cmp > 0;
      if (op === '<') return cmp < 0;
      if (op === '<=') return cmp <= 0;
      if (op === '^') return v[0] === w[0] && cmp >= 0;
      if (op === '~') return v[0] === w[0] && v[1] === w[1] && cmp >= 0;
      return v[0] === w[0] && (b === undefined || b === 'x' || v[1] === w[1]);
    }),
  );
}

describe("the server's container healthcheck", () => {
  /** The compose healthcheck's node one-liner, pointed at `url` instead of the container's own port. */
  function healthcheckScript(url: string): string {
    const test = services.storepulse!.healthcheck!.test!;
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain('http://127.0.0.1:8080/api/health');
    return test[3]!.replace('http://127.0.0.1:8080', url);
  }

  async function exitCode(script: string): Promise<number> {
    try {
      await run(process.execPath, ['-e', script], { timeout: 10_000 });
      return 0;
    } catch (err) {
      return (err as { code?: number }).code ?? -1;
    }
  }

  it("is the Dockerfile's HEALTHCHECK too", () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const [, cmd] = /^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile)!;
    expect(JSON.parse(cmd!)).toEqual(services.storepulse!.healthcheck!.test!.slice(1));
  });

  it("passes while the server's /api/health says ok and fails while it says degraded (MQTT down)", async () => {
    let mqtt = true;
    const app = Fastify() as unknown as App;
    await app.register(healthRoutes, { probe: { mqttConnected: () => mqtt } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      expect(await exitCode(healthcheckScript(url))).toBe(0);
      mqtt = false;
      // The route still answers 200: only its body tells the outage.
      const res = await fetch(`${url}/api/health`);
      expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([200, 'degraded']);
      expect(await exitCode(healthcheckScript(url))).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('fails on an error status, a body that is not JSON, and no answer at all', async () => {
    const app = Fastify();
    app.get('/api/health', async (req, reply) => {
      const mode = (req.headers.host ?? '').split(':')[0];
      if (mode === 'localhost') return reply.code(503).send({ status: 'ok' });
      return reply.type('text/plain').send('ok');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    try {
      expect(await exitCode(healthcheckScript(`http://localhost:${port}`))).toBe(1);
      expect(await exitCode(healthcheckScript(`http://127.0.0.1:${port}`))).toBe(1);
    } finally {
      await app.close();
    }
    expect(await exitCode(healthcheckScript(`http://127.0.0.1:${port}`))).toBe(1);
  });
});

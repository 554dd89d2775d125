import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/file.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadEnv } from '../../src/config/env.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';

const shipped = fileURLToPath(new URL('../../../config/storepulse.yaml', import.meta.url));
const problemsOf = (yaml: string): string[] => {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};
const store = (patch: string) => `
stores:
  - id: S001
    name: Test
    city: Madrid
    timezone: Europe/Madrid
    currency: EUR
    tills: [T1]
    hours: { mon: "10:00-21:00", tue: null, wed: null, thu: null, fri: null, sat: null, sun: null }
${patch}`;

describe('config file', () => {
  it('loads the example from the docs as it is, with defaults filled in', () => {
    const cfg = parseConfig(readFileSync(shipped, 'utf8'), shipped);
    expect(cfg.stores.map((s) => s.id)).toEqual(['S001', 'S002']);
    expect(cfg.stores[0]).toMatchObject({ provider: 'pilot', conversion: 0.22, avgBasket: 48, holidays: [] });
    expect(cfg.stores[1]).toMatchObject({ provider: null, timezone: 'Asia/Vladivostok', currency: 'RUB' });
    expect(cfg.stores[0]!.hours.sun).toBeNull();
    expect(cfg.tillRules).toEqual(DEFAULT_TILL_RULES);
    expect(cfg.staleAfterMs).toBe(120_000);
  });

  it('takes a till rule table and stale limit from HQ', () => {
    const cfg = parseConfig(store(`tillRules:\n  down: { pos: [error] }\n  degraded: { network: [degraded, down] }\ntills: { staleAfterSec: 300 }`), 't');
    expect(cfg.tillRules).toEqual({ down: { pos: ['error'] }, degraded: { network: ['degraded', 'down'] } });
    expect(cfg.staleAfterMs).toBe(300_000);
  });

  it('names every bad field, one line each', () => {
    const problems = problemsOf(`
stores:
  - id: "S 1"
    name: ""
    city: Madrid
    timezone: Europe/Madird
    currency: eur
    tills: []
    hours: { mon: "10-21", tue: null, wed: null, thu: null, fri: null, sat: null }
    conversion: 1.5
    colour: red
`);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^stores\[0\]\.id must match/),
      expect.stringMatching(/^stores\[0\]\.name /),
      expect.stringMatching(/^stores\[0\]\.currency must match .*\(got "eur"\)/),
      expect.stringMatching(/^stores\[0\]\.tills /),
      expect.stringMatching(/^stores\[0\]\.hours\.sun is required/),
      expect.stringMatching(/^stores\[0\]\.hours\.mon must match/),
      expect.stringMatching(/^stores\[0\]\.conversion /),
      expect.stringMatching(/^stores\[0\]\.colour is not a known setting/),
    ]));
  });

  it('checks what a schema cannot: time zone, currency, duplicate ids', () => {
    const problems = problemsOf(`
stores:
  - { id: A, name: A, city: X, timezone: Europe/Madird, currency: XYZ, tills: [T1], hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } }
  - { id: A, name: B, city: X, timezone: UTC, currency: EUR, tills: [T1], hours: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } }
`);
    expect(problems).toEqual([
      'stores[0].timezone "Europe/Madird" is not an IANA time zone',
      'stores[0].currency "XYZ" is not an ISO 4217 currency',
      'stores[1].id "A" is used by another store',
    ]);
  });

  it('takes HQ\'s reporting currency and rates, refusing unknown currencies', () => {
    expect(parseConfig(store('hq: { currency: EUR, rates: { RUB: 0.0105, USD: 0.92 } }'), 't').hq).toEqual({ currency: 'EUR', rates: { RUB: 0.0105, USD: 0.92 } });
    expect(parseConfig(store(''), 't').hq).toBeNull();
    expect(problemsOf(store('hq: { currency: EUR, rates: { XXQ: 2 } }'))).toEqual(['hq: "XXQ" is not an ISO 4217 currency']);
    expect(problemsOf(store('hq: { currency: EUR, rates: { RUB: -1 } }'))[0]).toMatch(/^hq\.rates\.RUB must be > 0/);
  });

  it("takes a store's till throughput from HQ, refusing one that is not a positive rate", () => {
    const withRate = (rate: string) => store('').replace('tills: [T1]', `tills: [T1]\n    tillThroughput: ${rate}`);
    expect(parseConfig(withRate('32'), 't').stores[0]!.tillThroughput).toBe(32);
    expect(parseConfig(store(''), 't').stores[0]!.tillThroughput).toBeUndefined();
    expect(problemsOf(withRate('0'))[0]).toMatch(/^stores\[0\]\.tillThroughput must be > 0/);
    expect(problemsOf(withRate('601'))[0]).toMatch(/^stores\[0\]\.tillThroughput must be <= 600/);
    expect(problemsOf(withRate('fast'))[0]).toMatch(/^stores\[0\]\.tillThroughput must be number/);
  });

  it("takes a store's email for the staff, refusing one that is not an address", () => {
    const withEmail = (email: string) => store('').replace('tills: [T1]', `tills: [T1]\n    email: "${email}"`);
    expect(parseConfig(withEmail('granvia@shop.example'), 't').stores[0]!.email).toBe('granvia@shop.example');
    expect(parseConfig(store(''), 't').stores[0]!.email).toBeUndefined();
    expect(problemsOf(withEmail('granvia'))[0]).toMatch(/^stores\[0\]\.email must match /);
    expect(problemsOf(withEmail('gran via@shop.example'))[0]).toMatch(/^stores\[0\]\.email must match /);
  });

  it('refuses a bad till rule state and a broken YAML file', () => {
    expect(problemsOf(store('tillRules:\n  down: { printer: [on_fire] }\n  degraded: {}'))).toEqual([
      expect.stringMatching(/^tillRules\.down\.printer\[0\] must be one of ok, paper_low/),
    ]);
    expect(problemsOf('stores: [\n  - id: x')[0]).toMatch(/./);
    expect(problemsOf('hello: world')).toEqual(['stores is required', 'hello is not a known setting']);
  });

  it('never repeats a provider\'s webhook address or secret in an error, where it can be the credential', () => {
    const text = problemsOf(store(`providers:
  - id: p1
    name: P1
    categories: [all]
    stores: [S1]
    webhooks:
      - { url: "ftp://hooks.slack.com/services/T000/B000/XXXXSECRET", secret: "" }
    sla: { P1: { response: 15m, resolve: 8h, clock: 24x7 } }`)).join('\n');
    expect(text).toMatch(/providers\[0\]\.webhooks\[0\]\.url/);
    expect(text).not.toContain('XXXXSECRET');
    expect(text).not.toContain('got ""');
  });

  it('refuses a zero duration in the tickets section by name', () => {
    expect(problemsOf(store('tickets: { reopenWindow: 0m, autoCloseAfter: 0h0m }'))).toEqual([
      'tickets.reopenWindow is zero; a duration must be positive',
      'tickets.autoCloseAfter is zero; a duration must be positive',
    ]);
  });
});

describe('environment', () => {
  it('has working defaults', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: './data', configPath: 'config/storepulse.yaml' });
    expect(env.mqtt).toEqual({ mode: 'embedded', host: '0.0.0.0', port: 1883, portExplicit: false, clientId: null });
  });
  it('switches to an external broker with MQTT_URL', () => {
    expect(loadEnv({ MQTT_URL: 'mqtts://broker:8883', MQTT_USERNAME: 'srv', MQTT_PASSWORD: 'pw' }).mqtt).toMatchObject({ mode: 'external', url: 'mqtts://broker:8883', username: 'srv' });
  });
  it('limits socket.io handshakes per address, 120 a minute unless SOCKET_RATE_LIMIT_MAX says otherwise', () => {
    expect(loadEnv({}).socketRateLimitMax).toBe(120);
    expect(loadEnv({ SOCKET_RATE_LIMIT_MAX: '30' }).socketRateLimitMax).toBe(30);
    for (const bad of ['0', '2.5', 'many']) {
      expect(() => loadEnv({ SOCKET_RATE_LIMIT_MAX: bad }), bad).toThrow(/SOCKET_RATE_LIMIT_MAX/);
    }
  });
  it('trusts X-Forwarded-For only from the proxies TRUST_PROXY names', () => {
    expect(loadEnv({}).trustProxy).toBe(false);
    expect(loadEnv({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    const twoHops = loadEnv({ TRUST_PROXY: '2' }).trustProxy as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => twoHops('10.0.0.1', hop))).toEqual([true, true, false]);
    expect(() => loadEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY must be a hop count or proxy addresses.*"true"/);
    expect(() => loadEnv({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/"10.0.0.0\/33"/);
  });
  it('reads ALLOWED_ORIGINS as browsers send origins, and names each bad entry', () => {
    expect(loadEnv({}).allowedOrigins).toEqual([]);
    expect(loadEnv({ ALLOWED_ORIGINS: 'https://Ops.Example.com:443/, http://localhost:5173,' }).allowedOrigins).toEqual(['https://ops.example.com', 'http://localhost:5173']);
    let err: unknown;
    try {
      loadEnv({ ALLOWED_ORIGINS: 'https://ok.example, ops.example.com, https://a.example/app, https://*.example.com, ftp://files.example' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['ops.example.com', 'https://a.example/app', 'https://*.example.com', 'ftp://files.example'].map(
      (entry) => `ALLOWED_ORIGINS entry "${entry}" is not an origin: http(s)://host[:port], no path, no wildcard`,
    ));
  });
  it('refuses settings that would be ignored, naming them without their values', () => {
    let err: unknown;
    try {
      loadEnv({ INFLUX_URL: 'http://influx:8086', INFLUX_PASSWORD: 'influx-s3cret', MQTT_PASSWORD: 'mqtt-s3cret', SMTP_FROM: 'ops@chain.example' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^INFLUX_PASSWORD is set without INFLUX_USER/),
      expect.stringMatching(/^MQTT_USERNAME\/MQTT_PASSWORD are set without MQTT_URL/),
      expect.stringMatching(/^SMTP_FROM is set without SMTP_URL/),
    ]);
    expect(problems.join('\n')).not.toMatch(/s3cret|ops@chain/);
    expect(loadEnv({ INFLUX_URL: 'http://influx:8086', INFLUX_USER: 'sp', INFLUX_PASSWORD: 'pw', SMTP_URL: 'smtp://relay', SMTP_FROM: 'ops@chain.example' }).smtp).toEqual({ url: 'smtp://relay', from: 'ops@chain.example' });
  });
  it('names each bad variable and never echoes secrets', () => {
    let err: unknown;
    try {
      loadEnv({ PORT: '99999', MQTT_URL: 'mqtt:/storepulse:s3cretPass@broker:1883', STOREPULSE_ADMIN_TOKEN: 'short-secret' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const text = (err as ConfigError).problems.join('\n');
    expect(text).toMatch(/^PORT must be <= 65535 \(got "99999"\)/m);
    expect(text).toMatch(/^MQTT_URL must match/m);
    expect(text).toMatch(/^STOREPULSE_ADMIN_TOKEN must NOT have fewer than 24 characters$/m);
    expect(text).not.toContain('short-secret');
    expect(text).not.toContain('s3cretPass');
  });
});

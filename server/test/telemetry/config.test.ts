import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { componentStates, openTelemetryStore, telemetryConfigFromEnv } from '../../src/telemetry/index.js';

describe('telemetry configuration from the environment', () => {
  it('uses the embedded SQLite store under the data directory when INFLUX_URL is unset or blank', () => {
    expect(telemetryConfigFromEnv({}, '/var/lib/storepulse')).toEqual({ kind: 'sqlite', path: '/var/lib/storepulse/telemetry.db' });
    expect(telemetryConfigFromEnv({ INFLUX_URL: '  ' }, '/d').kind).toBe('sqlite');
  });

  it('uses InfluxDB with a token, a spool under the data directory and default names', () => {
    const config = telemetryConfigFromEnv({ INFLUX_URL: 'http://influxdb:8086', INFLUX_TOKEN: 'secret' }, '/d');
    expect(config).toEqual({
      kind: 'influx',
      url: 'http://influxdb:8086',
      db: 'storepulse',
      token: 'secret',
      rollupRp: 'rollup',
      manageSchema: true,
      spoolDir: '/d/influx-spool',
      maxSpoolBytes: 512 * 1024 * 1024,
    });
  });

  it('takes a 1.x user and password and the optional names', () => {
    const config = telemetryConfigFromEnv(
      { INFLUX_URL: 'https://tsdb.example:8086', INFLUX_DB: 'chain', INFLUX_USER: 'sp', INFLUX_PASSWORD: 'pw', INFLUX_RAW_RP: 'raw', INFLUX_ROLLUP_RP: 'long', INFLUX_MANAGE_SCHEMA: 'false', INFLUX_SPOOL_MAX_MB: '64' },
      '/d',
    );
    expect(config).toMatchObject({ db: 'chain', user: 'sp', password: 'pw', rawRp: 'raw', rollupRp: 'long', manageSchema: false, maxSpoolBytes: 64 * 1024 * 1024 });
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'not a url' }, '/d')).toThrow(/INFLUX_URL/);
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'ftp://x' }, '/d')).toThrow(/INFLUX_URL/);
    // fetch would refuse it on every write, quoting the password in the error.
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'http://admin:Sup3rSecret@influx:8086' }, '/d')).toThrow(/^INFLUX_URL must not carry a user or password: set INFLUX_USER/);
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'http://x', INFLUX_TOKEN: 't', INFLUX_USER: 'u' }, '/d')).toThrow(/INFLUX_TOKEN/);
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'http://x', INFLUX_SPOOL_MAX_MB: '-1' }, '/d')).toThrow(/INFLUX_SPOOL_MAX_MB/);
    expect(() => telemetryConfigFromEnv({ INFLUX_URL: 'http://x', INFLUX_MANAGE_SCHEMA: 'yes' }, '/d')).toThrow(/INFLUX_MANAGE_SCHEMA/);
  });

  it('opens a working embedded store from the default configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'storepulse-telemetry-'));
    const store = await openTelemetryStore(telemetryConfigFromEnv({}, dir), { cityOf: () => 'Oslo' });
    expect(store.kind).toBe('sqlite');
    const t = Date.parse('2026-03-02T08:00:00Z');
    store.writeFootfall({ storeId: 's', sensorId: 'd', binStart: t, binEnd: t + 60_000, in: 2, out: 2 });
    expect((await store.footfallSeries({ storeId: 's', from: t, to: t + 900_000, binSeconds: 900 }))[0]!.value).toBe(2);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a status payload\'s components into the states a till status point takes', () => {
    expect(componentStates(null)).toBeNull();
    expect(
      componentStates({ pos: { state: 'ok' }, printer: { state: 'paper_low', detail: 'near end' }, payment: { state: 'ok' }, network: { state: 'degraded' } }),
    ).toEqual({ pos: 'ok', printer: 'paper_low', payment: 'ok', network: 'degraded' });
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, checkConfig, loadConfig } from '../src/agent/config.js';

const example = fileURLToPath(new URL('../examples/agent.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'storepulse-config-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const base = {
  storeId: 'S001', tillId: 'T1', broker: { url: 'mqtt://127.0.0.1:1883' }, spool: { dir: '/tmp/x' },
};

function problems(data: unknown): string[] {
  try {
    checkConfig(data);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('agent config', () => {
  it('loads the example from the issue as it is', async () => {
    const cfg = await loadConfig(example);
    expect(cfg).toMatchObject({
      storeId: 'S001', tillId: 'T1', heartbeatSec: 30,
      broker: { url: 'mqtts://hq.example:8883', username: 'S001', passwordFile: '/etc/storepulse/agent.secret', caFile: '/etc/storepulse/ca.pem' },
      spool: { dir: '/var/lib/storepulse-agent', maxMB: 200, maxAgeH: 72 },
      probes: { pos: { process: 'pos.exe' }, printer: { host: '192.168.1.50', port: 9100 }, payment: { host: '192.168.1.60', port: 8080 } },
      counters: [{ id: 'door1', type: 'axis', url: 'http://192.168.1.70', intervalSec: 60 }],
    });
  });

  it('names every bad field, one line each', () => {
    const p = problems({
      storeId: 'S 001', tillId: 'T1', broker: { url: 'http://hq', pasword: 'x' }, heartbeatSec: 0,
      spool: { dir: '/tmp/x', maxMB: -1 }, probes: { printer: { host: 'p', port: 70000 } },
    });
    expect(p).toEqual(expect.arrayContaining([
      'storeId: must be 1-64 letters, digits, "_" or "-"',
      'broker.url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
      'broker.pasword: unknown key',
      'heartbeatSec: must be >= 5',
      'spool.maxMB: must be > 0',
      'probes.printer.port: must be <= 65535',
    ]));
    expect(p).toHaveLength(6);
  });

  it('reports missing keys and a wrong counter type once', () => {
    expect(problems({ tillId: 'T1', broker: {}, spool: { dir: '/x' } })).toEqual(['storeId: is required', 'broker.url: is required']);
    expect(problems({ ...base, counters: [{ id: 'd1', type: 'vcount' }] })).toEqual(['counters.0.type: must be one of axis, axis-push, xovis, generic']);
  });

  it('takes entrance lines for a Xovis counter only', () => {
    const push = { port: 8088, tokenFile: '/t' };
    expect(problems({ ...base, push, counters: [{ id: 'd1', type: 'xovis', lines: ['Entrance', '2'] }] })).toEqual([]);
    expect(problems({ ...base, push, counters: [{ id: 'd1', type: 'generic', lines: ['Entrance'] }] })).toEqual(['counters.0.lines: only applies to a xovis counter']);
    expect(problems({ ...base, push, counters: [{ id: 'd1', type: 'xovis', lines: [] }] })).toHaveLength(1);
  });

  it('refuses a broker URL a connection cannot use, or one carrying a password, without repeating it', () => {
    for (const url of ['mqtt://broker:99999', 'mqtt://:1883', 'mqtts://h:88a3']) {
      expect(problems({ ...base, broker: { url } }), url).toEqual(['broker.url: is not a URL']);
    }
    const withPassword = problems({ ...base, broker: { url: 'mqtt://S001:hunter2@broker:1883' } });
    expect(withPassword).toEqual(['broker.url: must not carry a user or password: give broker.username and broker.passwordFile']);
    expect(problems({ ...base, broker: { url: 'mqtts://[::1]:8883' } })).toEqual([]);
  });

  it('checks rules across fields', () => {
    expect(problems({ ...base, probes: { printer: { port: 9100 } } })).toEqual([
      'probes.printer: give either host (network printer) or device (local port), not both or neither',
      'probes.printer.port: only applies with host',
    ]);
    expect(problems({
      ...base,
      counters: [{ id: 'd1', type: 'axis' }, { id: 'd1', type: 'xovis', timezone: 'Mars/Olympus' }],
    })).toEqual([
      'counters.0.url: an axis counter is polled, so it needs the device URL',
      'counters.1.id: d1 is used twice',
      'counters.1.type: xovis pushes to the agent, so the config needs a push section',
      'counters.1.timezone: Mars/Olympus is not an IANA time zone',
    ]);
    expect(problems({ ...base, broker: { url: 'mqtt://h', passwordFile: '/p' } })).toEqual(['broker.username: is required with passwordFile']);
    expect(problems({ ...base, probes: { sales: { csv: '/pos/sales.csv', currency: 'EUR', timezone: 'Europe/Paris' } } })).toEqual([]);
    expect(problems({ ...base, probes: { sales: { csv: '/pos/sales.csv', currency: 'EUR', timezone: 'Paris' } } })).toEqual([
      'probes.sales.timezone: Paris is not an IANA time zone',
    ]);
    expect(problems({ ...base, probes: { sales: { url: 'http://pos/sales', currency: 'EUR', timezone: 'Europe/Paris' } } })).toEqual([
      'probes.sales.timezone: only applies with csv (an endpoint is asked in UTC)',
    ]);
  });

  it('refuses a file that is not YAML, or is missing, with the file name', async () => {
    await expect(loadConfig(write('broken.yaml', 'storeId: [S001\ntillId: T1\n'))).rejects.toThrow(/broken\.yaml: invalid config\n {2}- YAML: /);
    await expect(loadConfig(join(dir, 'absent.yaml'))).rejects.toThrow(/cannot read the file/);
    await expect(loadConfig(write('list.yaml', '- a\n- b\n'))).rejects.toThrow(/\(top level\): must be object/);
  });
});

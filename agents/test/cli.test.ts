import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnAgent } from '../../test-support/agent-process.js';

// Runs the built command line (`npm run build` first), as an installer would.
describe('storepulse-agent command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-cli-'));

  it('refuses a bad config with one line per problem, exit code 1, and starts nothing', async () => {
    const spool = join(dir, 'spool');
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, `storeId: S001\ntillId: T1\nbroker: { url: 'tcp://hq:1883' }\nheartbeatSec: 2\nspool: { dir: ${spool} }\nprobes: { printer: {} }\n`);
    const run = spawnAgent(config);
    expect(await run.exited()).toBe(1);
    expect(run.output()).toBe([
      `storepulse-agent: ${config}: invalid config`,
      '  - broker.url: must be an mqtt://, mqtts://, ws:// or wss:// URL',
      '  - heartbeatSec: must be >= 5',
      '',
    ].join('\n'));
    expect(existsSync(spool)).toBe(false);
  });

  it('reports cross-field problems the same way', async () => {
    const config = join(dir, 'printer.yaml');
    writeFileSync(config, `storeId: S001\ntillId: T1\nbroker: { url: 'mqtt://127.0.0.1:1' }\nspool: { dir: ${join(dir, 's2')} }\nprobes: { printer: {} }\n`);
    const check = spawnAgent(config, ['check', '--config', config]);
    expect(await check.exited()).toBe(1);
    expect(check.output()).toMatch(/- probes\.printer: give either host \(network printer\) or device \(local port\)/);
  });

  it('explains its usage for an unknown command', async () => {
    const p = spawnAgent('', ['frobnicate']);
    expect(await p.exited()).toBe(2);
    expect(p.output()).toMatch(/^usage:\n {2}storepulse-agent run --config agent\.yaml/);
  });

  it('refuses nonsense simulator options clearly', async () => {
    const p = spawnAgent('', ['simulate', '--broker', 'mqtt://127.0.0.1:1', '--stores', 'many']);
    expect(await p.exited()).toBe(2);
    expect(p.output()).toBe('storepulse-agent: --stores must be a positive whole number, got "many"\n');
  });
});

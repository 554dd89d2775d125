import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Summary {
  scenarios: number;
  classes: { name: string; n: number; median: number; signedMedian: number; naive: number; noLoss: number; noLossNearZero: number }[];
  checks: { what: string; ok: boolean }[];
}

// `npm test` builds first, so this runs the very script `npm run backtest` runs.
describe('npm run backtest', () => {
  it('judges every outage class against the ground truth, beats the naive estimate and shows no bias', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'backtest-')), 'summary.json');
    const run = spawnSync(process.execPath, ['bench/dist/bench/backtest.js'], { cwd: repo, env: { ...process.env, BACKTEST_JSON: json }, encoding: 'utf8' });
    process.stdout.write(run.stdout);
    const summary = JSON.parse(readFileSync(json, 'utf8')) as Summary;

    expect(summary.scenarios).toBeGreaterThanOrEqual(100);
    const classes = summary.classes.filter((c) => !c.name.startsWith('ALL'));
    // Full and partial, peak and quiet, counter working or silent, with and without sales.
    expect(classes).toHaveLength(16);
    for (const c of classes) {
      expect(c.n, c.name).toBeGreaterThan(0);
      expect(c.median, c.name).toBeLessThan(c.naive);
    }
    // What is left is noise, not a lean either way.
    for (const all of summary.classes.filter((c) => c.name.startsWith('ALL'))) {
      expect(Math.abs(all.signedMedian), all.name).toBeLessThan(0.1);
    }
    expect(summary.checks.find((c) => c.what === 'every class beats the naive estimate')?.ok).toBe(true);
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Summary {
  scenarios: number;
  classes: { name: string; n: number; median: number; signedMedian: number; naive: number; oracle: number | null; bandCoverage: number; noLoss: number; noLossNearZero: number }[];
  checks: { what: string; ok: boolean }[];
}

// `npm test` builds first, so this runs the very script `npm run backtest` runs.
describe('npm run backtest', () => {
  it('judges every outage class against the ground truth, beats the naive estimate, shows no bias and an honest band', () => {
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
    // What is left is noise, not a lean either way; and the band the wall shows, meant as an 80 % interval,
    // holds the true net about that often rather than giving a false sense of precision.
    for (const all of summary.classes.filter((c) => c.name === 'ALL full' || c.name === 'ALL partial')) {
      expect(Math.abs(all.signedMedian), all.name).toBeLessThan(0.1);
      expect(all.bandCoverage, all.name).toBeGreaterThanOrEqual(0.75);
      expect(all.bandCoverage, all.name).toBeLessThan(1);
    }
    // Told the simulator's own rates and till speeds, the same estimator does better without sales: the
    // diagnostic separates what the model gets wrong from what the store could not tell it.
    for (const name of ['ALL full no-sales', 'ALL partial no-sales']) {
      const c = summary.classes.find((x) => x.name === name)!;
      expect(c.oracle, name).toBeLessThan(c.median);
    }
    expect(summary.classes.find((c) => c.name === 'ALL partial sales')?.oracle).toBeNull();
    expect(summary.checks.find((c) => c.what === 'every class beats the naive estimate')?.ok).toBe(true);
  });
});

/**
 * npm run bench:estimator — what one refresh of a long incident's figures costs, against the same estimate scanning
 * every bin for every quarter hour (the way it was before the bins were indexed), in the same run. A till down for
 * days with one-minute counter and sales feeds: the live refresh runs each minute for as long as the incident lasts.
 */
import { revenue, type FootfallBin, type SalesBin } from './backtest-imports.js';

const MIN = 60_000;
const DAY = 86_400_000;
const start = Date.UTC(2026, 10, 23);

function scenario(days: number) {
  const end = start + days * DAY;
  const footfall: FootfallBin[] = [];
  const sales: SalesBin[] = [];
  for (let t = start - DAY; t < end; t += MIN) {
    footfall.push({ sensorId: 'door', binStart: t, binEnd: t + MIN, visitors: 3 });
    for (const tillId of ['t1', 't2', 't3']) sales.push({ tillId, binStart: t, binEnd: t + MIN, transactions: 1, revenue: 30 });
  }
  return {
    range: { start, end }, active: [{ start, end: end + 3_600_000 }], footfall, sales,
    capacity: [{ start, end, tills: 3 }], normalTills: 4, baseline: null, level: 1, rates: null,
    store: { conversion: 0.25, avgBasket: 30, currency: 'EUR' }, recaptureUntil: end + 3_600_000,
  };
}

function msPerEstimate(input: ReturnType<typeof scenario>, runs: number): { ms: number; gross: number } {
  let gross = 0;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) gross = revenue.estimateLoss(input).gross;
  return { ms: (performance.now() - t0) / runs, gross };
}

const within = revenue.BinIndex.prototype.within;
console.log('| incident | indexed (ms) | full scan (ms) | ratio | same figures |');
console.log('|---------:|-------------:|---------------:|------:|:------------:|');
for (const days of [1, 3, 7]) {
  const input = scenario(days);
  msPerEstimate(input, 1); // warm-up
  const indexed = msPerEstimate(input, 5);
  // The baseline: every bin handed to every quarter's sum, as before the index.
  revenue.BinIndex.prototype.within = function (this: { bins: unknown[] }) {
    return this.bins;
  } as typeof within;
  const scan = msPerEstimate(input, 2);
  revenue.BinIndex.prototype.within = within;
  console.log(`| ${days} d | ${indexed.ms.toFixed(0)} | ${scan.ms.toFixed(0)} | ${(scan.ms / indexed.ms).toFixed(1)}× | ${indexed.gross === scan.gross ? 'yes' : 'NO'} |`);
}

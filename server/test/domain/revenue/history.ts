import type { FootfallBin, SalesBin } from '../../../src/domain/revenue/index.js';

const Q = 15 * 60_000;

/** Six weeks before Monday 23 November 2026 (UTC), open 09:00–21:00: 20 entries and 5 sales of 30 a quarter. */
export function sixWeeks(): { footfall: FootfallBin[]; sales: SalesBin[] } {
  const footfall: FootfallBin[] = [];
  const sales: SalesBin[] = [];
  for (let d = 1; d <= 42; d++) {
    const day = Date.parse('2026-11-23T00:00:00Z') - d * 24 * 3600_000;
    for (let s = day + 9 * 3600_000; s < day + 21 * 3600_000; s += Q) {
      footfall.push({ sensorId: 'door', binStart: s, binEnd: s + Q, visitors: 20 });
      sales.push({ tillId: 'a', binStart: s, binEnd: s + Q, transactions: 5, revenue: 150 });
    }
  }
  return { footfall, sales };
}

export function quarters(from: string, to: string, make: (start: number) => FootfallBin | SalesBin) {
  const out = [];
  for (let s = Date.parse(from); s < Date.parse(to); s += Q) out.push(make(s));
  return out;
}

import { describe, expect, it } from 'vitest';
import {
  balkingShare,
  capacityLoss,
  estimateLoss,
  queuedBacklog,
  standingQueue,
  unservedTransactions,
  type BaselineProfile,
  type FootfallBin,
  type LossInput,
  type SalesBin,
} from '../../../src/domain/revenue/index.js';

const at = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);
const MIN = 60_000;
const allDay = [{ start: at('00:00'), end: at('23:59') }];

/** One-minute counter bins with `perMinute` entries each. */
function perMinute(from: string, to: string, n: number): FootfallBin[] {
  const out: FootfallBin[] = [];
  for (let s = at(from); s < at(to); s += MIN) out.push({ sensorId: 'door', binStart: s, binEnd: s + MIN, visitors: n });
  return out;
}

const store = { conversion: 0.25, avgBasket: 40, currency: 'EUR' };

function input(over: Partial<LossInput>): LossInput {
  return {
    range: { start: at('10:00'), end: at('10:30') },
    active: allDay,
    footfall: perMinute('09:00', '12:00', 2),
    sales: null,
    capacity: [{ start: at('10:00'), end: at('10:30'), tills: 0 }],
    normalTills: 4,
    baseline: null,
    level: 1,
    rates: null,
    store,
    ...over,
  };
}

describe('full outage', () => {
  it('loses visitors × conversion × basket', () => {
    const e = estimateLoss(input({}));
    // 30 min × 2 entries = 60 visitors; 60 × 0.25 × 40
    expect(e).toMatchObject({ gross: 600, net: 600, visitors: 60, lostTransactions: 15, method: 'full', currency: 'EUR' });
    // Counter ±5 % and configured rates ±30 % (399 to 819), in quadrature with one outage's own scatter
    // at 1.28 standard deviations: Poisson buyers (15) and their baskets (spread 0.8 by default).
    const scatter = 1.28 ** 2 * 40 ** 2 * (15 + 15 * 0.8 ** 2);
    expect(e.low).toBeCloseTo(600 - Math.sqrt((600 - 60 * 0.95 * 0.25 * 0.7 * 40) ** 2 + scatter));
    expect(e.high).toBeCloseTo(600 + Math.sqrt((60 * 1.05 * 0.25 * 1.3 * 40 - 600) ** 2 + scatter));
    expect([e.low, e.high]).toEqual([276.14, 935.33]);
    expect(e.flags).toEqual(['rates_fallback']);
    expect(e.confidence).toBe(0.85);
  });

  it('counts a 15-min bin partly inside the incident pro rata', () => {
    const bins: FootfallBin[] = [
      { sensorId: 'door', binStart: at('10:00'), binEnd: at('10:15'), visitors: 30 },
      { sensorId: 'door', binStart: at('10:15'), binEnd: at('10:30'), visitors: 45 },
    ];
    const e = estimateLoss(input({ range: { start: at('10:07'), end: at('10:22') }, footfall: bins, capacity: [] }));
    // no capacity segment means nothing was wrong; give the whole range zero tills instead
    expect(e.gross).toBe(0);
    const down = [{ start: at('10:07'), end: at('10:22'), tills: 0 }];
    // 30 × 8/15 + 45 × 7/15 = 37 visitors; × 0.25 × 40
    expect(estimateLoss(input({ range: { start: at('10:07'), end: at('10:22') }, footfall: bins, capacity: down })).gross).toBe(370);
  });

  it('charges a full outage in full when one till failed a moment before the other', () => {
    const both = estimateLoss(input({ normalTills: 2, footfall: perMinute('09:00', '12:00', 8) }));
    expect(both).toMatchObject({ gross: 2400, method: 'full' });
    const staggered = estimateLoss(
      input({
        normalTills: 2,
        footfall: perMinute('09:00', '12:00', 8),
        // one till still up for 3 ms, then none
        capacity: [
          { start: at('10:00'), end: at('10:00') + 3, tills: 1 },
          { start: at('10:00') + 3, end: at('10:30'), tills: 0 },
        ],
      }),
    );
    expect(staggered.method).toBe('full');
    expect(staggered.gross).toBeCloseTo(2400, 0);
  });

  it('charges each capacity level on its own share of the bin rather than their average', () => {
    // 10:00–10:05 both tills up, then none: two thirds of the first quarter are a full outage
    const e = estimateLoss(
      input({
        normalTills: 2,
        range: { start: at('10:00'), end: at('10:15') },
        capacity: [
          { start: at('10:00'), end: at('10:05'), tills: 2 },
          { start: at('10:05'), end: at('10:15'), tills: 0 },
        ],
      }),
    );
    // 30 visitors × 0.25 = 7.5 expected; demand is far below one till's capacity, so only the outage counts
    expect(e.lostTransactions).toBeCloseTo(5, 1);
    expect(e.method).toBe('full');
  });

  it('counts only while the store is open', () => {
    const e = estimateLoss(input({ range: { start: at('09:30'), end: at('10:30') }, active: [{ start: at('10:00'), end: at('20:00') }] }));
    expect(e.visitors).toBe(60);
    expect(e.gross).toBe(600);
  });
});

describe('partial outage without sales: capacity model', () => {
  it('charges the demand the working tills cannot serve plus queue balking, net of the everyday queue', () => {
    // 120 visitors a quarter → λ = 30; μ = 12 × 0.85 = 10.2; 2 of 4 tills: C = 20.4, normal 40.8.
    const e = estimateLoss(
      input({
        range: { start: at('10:00'), end: at('11:00') },
        footfall: perMinute('09:00', '12:00', 8),
        capacity: [{ start: at('10:00'), end: at('11:00'), tills: 2 }],
      }),
    );
    // Over capacity the excess is lost (4 × 9.6), less the 5 people still queueing at each working till
    // at the end, who are served after recovery. ρ = 30 / 40.8 ≈ 0.74 with every till: nobody balks.
    const lost = 4 * (30 - 20.4) - 2 * 5;
    expect(e.lostTransactions).toBeCloseTo(Math.round(lost * 10) / 10);
    expect(e.gross).toBeCloseTo(lost * 40, 1);
    expect(e.method).toBe('capacity');
    // Still open 15 min after every till came back: the queue counted is the one left at recovery.
    const holding = estimateLoss(
      input({
        range: { start: at('10:00'), end: at('11:15') },
        footfall: perMinute('09:00', '12:00', 8),
        capacity: [
          { start: at('10:00'), end: at('11:00'), tills: 2 },
          { start: at('11:00'), end: at('11:15'), tills: 4 },
        ],
      }),
    );
    expect(holding.lostTransactions).toBeCloseTo(Math.round(lost * 10) / 10);
  });

  it('counts a shortage the queues at the working tills could hold as delayed, not lost', () => {
    // 15 min of the same shortage: an excess of 9.6 fits in queues of 5 at the two working tills.
    const quarter = { range: { start: at('10:00'), end: at('10:15') }, footfall: perMinute('09:00', '12:00', 8) };
    const e = estimateLoss(input({ ...quarter, capacity: [{ start: at('10:00'), end: at('10:15'), tills: 2 }] }));
    expect(e.lostTransactions).toBe(0);
    // With one till left the queue holds 5 of the 19.8 over its capacity.
    const one = estimateLoss(input({ ...quarter, capacity: [{ start: at('10:00'), end: at('10:15'), tills: 1 }] }));
    expect(one.lostTransactions).toBeCloseTo(30 - 10.2 - 5, 1);
    // Nobody queues at tills that are all down.
    expect(estimateLoss(input({ ...quarter, footfall: perMinute('09:00', '12:00', 8) })).lostTransactions).toBe(30);
  });

  it('takes the queue off at the basket of what was lost, never below zero, when the basket changes with the hour', () => {
    // 2 buyers a minute; HQ's 60 an hour: μ = 15 a quarter. One of two tills down 10:45–11:02, basket 10 until 11:00, then 100.
    const cell = (basket: number) => ({ conversion: 0.5, basket, visitors: 1000, transactions: 500, hours: 4 });
    const rates = { timezone: 'UTC', byHour: { '1-10': cell(10), '1-11': cell(100) }, store: cell(10), tillPerQuarterP90: null, purchaseLagMs: 0 };
    const e = estimateLoss(
      input({
        range: { start: at('10:45'), end: at('11:02') }, normalTills: 2, footfall: perMinute('09:00', '12:00', 4), rates,
        store: { ...store, tillThroughput: 60 }, capacity: [{ start: at('10:45'), end: at('11:02'), tills: 1 }],
      }),
    );
    // 10:45–11:00: 30 against 15, less the 3 a full store's queue turns away: 12 at 10. 11:00–11:02: 4 against 2, less
    // 0.4: 1.6 at 100. The 5 still queueing at recovery come off at their mean basket (280 / 13.6), not at 100 each.
    expect(e.lostTransactions).toBe(8.6);
    expect(e.gross).toBeCloseTo(280 * (8.6 / 13.6), 2);
    expect(e.gross).toBeGreaterThan(0);
    expect(e.net).toBe(e.gross);
  });

  it('holds the M/M/1 queue at each working till, up to the length where customers start to turn away', () => {
    expect(standingQueue(0.5)).toBeCloseTo(0.5, 9);
    expect(standingQueue(0.8)).toBeCloseTo(3.2, 9);
    expect(standingQueue(0.9)).toBe(5);
    expect(standingQueue(3)).toBe(5);
    // 3 tills each serving 10 against a demand of 24: ρ = 0.8
    expect(queuedBacklog(24, 3, 10)).toBeCloseTo(9.6, 9);
    expect(queuedBacklog(24, 0, 10)).toBe(0);
  });

  it('loses nothing when the working tills have room to spare', () => {
    expect(capacityLoss(5, 20, 40, 0.1)).toBe(0);
    expect(capacityLoss(5, 0, 40, 0.1)).toBe(5);
  });

  it('counts the customers the queue turns away once, whether the tills are just short or far short', () => {
    // Just over capacity the queue is long and a tenth give up, more than the bare excess.
    expect(unservedTransactions(30, 28, 0.1)).toBeCloseTo(3, 9);
    // Far over it those who give up are the excess: the tills stay busy serving the rest.
    expect(unservedTransactions(30, 10, 0.1)).toBe(20);
    expect(unservedTransactions(30, 0, 0.1)).toBe(30);
  });

  it('has customers balk only once queues pass about five people', () => {
    // Mean queue ρ²/(1 − ρ): 3.2 at ρ = 0.8, 4.8 at 0.85 (nobody balks yet), 8.1 at 0.9, 12.5 at ρ ≈ 0.93.
    expect(balkingShare(0.8, 0.1)).toBe(0);
    expect(balkingShare(0.85, 0.1)).toBe(0);
    expect(balkingShare(0.9, 0.1)).toBeCloseTo((0.1 * (8.1 - 5)) / 7.5, 6);
    expect(balkingShare(0.95, 0.1)).toBe(0.1);
    expect(balkingShare(1.4, 0.1)).toBe(0.1);
  });

  it('uses the learned till throughput', () => {
    const rates = { timezone: 'UTC', byHour: {}, store: null, tillPerQuarterP90: 40, purchaseLagMs: 0 };
    const e = estimateLoss(
      input({ footfall: perMinute('09:00', '12:00', 8), capacity: [{ start: at('10:00'), end: at('10:30'), tills: 2 }], rates }),
    );
    // 2 × 40 × 0.85 = 68 per quarter against a demand of 30: no loss
    expect(e.gross).toBe(0);
  });

  it("takes HQ's till throughput as a busy till's capacity, before the learned P90", () => {
    const rates = { timezone: 'UTC', byHour: {}, store: null, tillPerQuarterP90: 40, purchaseLagMs: 0 };
    const quarter = { range: { start: at('10:00'), end: at('10:15') }, footfall: perMinute('09:00', '12:00', 8) };
    const capacity = [{ start: at('10:00'), end: at('10:15'), tills: 2 }];
    // 36 an hour: μ = 9 per quarter, not scaled down; 2 of 4 tills serve 18 of the demand of 30, and all
    // four (ρ = 0.83) would have kept the queue short. Of the 12 over, 2 × 5 are still queueing at the end.
    const configured = estimateLoss(input({ ...quarter, capacity, store: { ...store, tillThroughput: 36 } }));
    expect(configured.lostTransactions).toBe(2);
    expect(configured.gross).toBe(2 * 40);
    // HQ's figure wins over the learned one, which comes from tills that were rarely busy.
    expect(estimateLoss(input({ ...quarter, capacity, rates, store: { ...store, tillThroughput: 36 } })).lostTransactions).toBe(2);
    expect(estimateLoss(input({ ...quarter, capacity, rates })).lostTransactions).toBe(0);
  });
});

describe('gap estimator with a sales feed', () => {
  const sales = (from: string, to: string, transactions: number, revenue: number): SalesBin => ({
    tillId: '1',
    binStart: at(from),
    binEnd: at(to),
    transactions,
    revenue,
  });

  it('charges expected minus actual transactions', () => {
    const e = estimateLoss(input({ sales: [sales('10:00', '10:15', 3, 120), sales('10:15', '10:30', 2, 80)] }));
    // E = 60 × 0.25 = 15, actual 5 → 10 × 40
    expect(e).toMatchObject({ gross: 400, lostTransactions: 10, method: 'gap' });
  });

  it('charges no more than the share of buyers the tills out of action would have served', () => {
    // One till of four down, and nothing sold on the other three (a lagging feed, a slow start): not the till's doing.
    const oneDown = [{ start: at('10:00'), end: at('10:30'), tills: 3 }];
    const e = estimateLoss(input({ sales: [sales('10:00', '10:15', 0, 0), sales('10:15', '10:30', 0, 0)], capacity: oneDown }));
    // E = 15, at most a quarter of it: 3.75 × 40
    expect(e).toMatchObject({ gross: 150, lostTransactions: 3.8, method: 'gap' });
    expect(e.high).toBeGreaterThan(e.gross);
    // A shortfall within that share is charged in full: 15 expected, 12 sold.
    const within = estimateLoss(input({ sales: [sales('10:00', '10:15', 6, 240), sales('10:15', '10:30', 6, 240)], capacity: oneDown }));
    expect(within.gross).toBe(120);
    // With the store offline nobody knows which tills sold: no limit.
    const offline = estimateLoss(input({ sales: [sales('10:00', '10:15', 0, 0), sales('10:15', '10:30', 0, 0)], capacity: [{ start: at('10:00'), end: at('10:30'), tills: null }] }));
    expect(offline.gross).toBe(600);
  });

  it('floors the incident total at zero rather than each bin', () => {
    const e = estimateLoss(input({ sales: [sales('10:00', '10:15', 0, 0), sales('10:15', '10:30', 16, 640)] }));
    // 7.5 short in the first quarter, 8.5 over in the second: nothing lost overall
    expect(e.gross).toBe(0);
  });

  it('counts transactions and revenue lost together, when the basket changes with the hour', () => {
    // 2 buyers a minute expected; with a degraded till 10:30–11:30 the store sells `early` a minute until 11:00, then `late`.
    const cell = (basket: number) => ({ conversion: 0.5, basket, visitors: 1000, transactions: 500, hours: 4 });
    const run = (ten: number, eleven: number, early: number, late: number) => {
      const rates = { timezone: 'UTC', byHour: { '1-10': cell(ten), '1-11': cell(eleven) }, store: cell(ten), tillPerQuarterP90: null, purchaseLagMs: 0 };
      const bins: SalesBin[] = [];
      for (let s = at('09:00'); s < at('12:00'); s += MIN) {
        const tx = s >= at('10:30') && s < at('11:00') ? early : s >= at('11:00') && s < at('11:30') ? late : 2;
        bins.push({ tillId: '1', binStart: s, binEnd: s + MIN, transactions: tx, revenue: tx * (s < at('11:00') ? ten : eleven) });
      }
      return estimateLoss(
        input({
          range: { start: at('10:30'), end: at('11:30') }, normalTills: 1, footfall: perMinute('09:00', '12:00', 4), sales: bins, salesUntil: at('12:00'),
          rates, capacity: [{ start: at('10:30'), end: at('11:30'), tills: 0.5 }],
        }),
      );
    };
    // 6 short at 100, then 9 over at 10: revenue 510 short but 3 more sales than expected. Nothing lost, on either count.
    expect(run(100, 10, 1.8, 2.3)).toMatchObject({ gross: 0, net: 0, lostTransactions: 0 });
    // 9 short at 10, then 6 over at 100: 3 fewer sales, but revenue 510 over.
    expect(run(10, 100, 1.7, 2.2)).toMatchObject({ gross: 0, net: 0, lostTransactions: 0 });
  });

  it('compares a sales bin straddling the start or the end whole, not pro rata', () => {
    // 1 sale a minute expected; 5-min bins; nothing sold 10:03–10:33
    const bins: SalesBin[] = [];
    for (let s = at('09:00'); s < at('11:00'); s += 5 * MIN) {
      const tx = s === at('10:00') ? 3 : s === at('10:30') ? 2 : s > at('10:00') && s < at('10:30') ? 0 : 5;
      bins.push({ tillId: '1', binStart: s, binEnd: s + 5 * MIN, transactions: tx, revenue: tx * 40 });
    }
    const e = estimateLoss(
      input({
        range: { start: at('10:03'), end: at('10:33') }, footfall: perMinute('09:00', '12:00', 4), sales: bins, salesUntil: at('11:00'),
        capacity: [{ start: at('10:03'), end: at('10:33'), tills: 0 }],
      }),
    );
    // the 3 sales of 10:00–10:05 were made before 10:03, the 2 of 10:30–10:35 after 10:33
    expect(e.lostTransactions).toBeCloseTo(30, 5);
    expect(e.method).toBe('gap');
  });

  it('charges every sale an outage no till survived, and leaves the returners in a sales bin straddling recovery to net, once', () => {
    // 1 sale a minute expected, 15-min bins; nothing sold 10:00–10:50, then `after` in the rest of the 10:45 bin.
    const run = (after: number, tills: number | null) =>
      estimateLoss(
        input({
          range: { start: at('10:00'), end: at('10:50') }, normalTills: 1, footfall: perMinute('09:00', '12:00', 4), salesUntil: at('12:00'),
          sales: ['09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15', '11:30', '11:45'].map((s, i) => {
            const tx = i === 4 ? after : i >= 1 && i < 4 ? 0 : 15;
            return sales(s, new Date(at(s) + 15 * MIN).toISOString().slice(11, 16), tx, tx * 40);
          }),
          capacity: [{ start: at('10:00'), end: at('10:50'), tills }],
          recaptureUntil: at('11:50'),
        }),
      );
    // Gross is all 50 expected sales whoever comes back after recovery.
    expect(run(10, 0)).toMatchObject({ gross: 2000, recaptured: 0, net: 2000 });
    const back = run(25, 0);
    expect(back.gross).toBe(2000);
    // 10:50–11:00 sold 25 against 10 expected of its 40 entries: (25 − 10) / 0.75 returners of 40, less 1 σ of the
    // hour's noise (240 entries): counted once, in net.
    const sigma = Math.sqrt((240 * 0.25 * 0.75 * 40 ** 2) / 0.75 ** 2);
    expect(back.recaptured).toBeCloseTo(800 - sigma, 1);
    expect(back.net).toBeCloseTo(1200 + sigma, 1);
    // With the store offline its tills may have sold: the bin is compared whole (45 + 15 − 40 = 20 lost), and returners
    // are looked for only after it.
    expect(run(40, null)).toMatchObject({ gross: 800, recaptured: 0, net: 800 });
    // An outage inside one bin: its 15 sales were made before or after it, not 5 of them (its returners) during it.
    const inside = { start: at('10:05'), end: at('10:10') };
    const short = estimateLoss(
      input({ range: inside, normalTills: 1, footfall: perMinute('09:00', '12:00', 4), sales: [sales('10:00', '10:15', 15, 600)], capacity: [{ ...inside, tills: 0 }] }),
    );
    expect(short.gross).toBe(5 * 40);
  });

  it('counts the queue served just after recovery at the tills that kept working as delayed, not lost', () => {
    // 1 sale a minute expected; one of two tills down 10:00–10:30: 3 sales per 5 min instead of 5,
    // then the queue is served 10:30–10:45 at 7 per 5 min
    const bins: SalesBin[] = [];
    for (let s = at('09:00'); s < at('11:30'); s += 5 * MIN) {
      const tx = s >= at('10:00') && s < at('10:30') ? 3 : s >= at('10:30') && s < at('10:45') ? 7 : 5;
      bins.push({ tillId: '1', binStart: s, binEnd: s + 5 * MIN, transactions: tx, revenue: tx * 40 });
    }
    const half = input({
      normalTills: 2,
      footfall: perMinute('09:00', '12:00', 4),
      sales: bins,
      salesUntil: at('11:30'),
      capacity: [{ start: at('10:00'), end: at('10:30'), tills: 1 }],
    });
    // 30 expected, 18 sold during; 15 expected, 21 sold in the quarter after
    expect(estimateLoss(half).lostTransactions).toBeCloseTo(6, 5);
    // with no till left the queue cannot build: nothing after recovery is taken off
    expect(estimateLoss({ ...half, capacity: [{ start: at('10:00'), end: at('10:30'), tills: 0 }] }).lostTransactions).toBeCloseTo(12, 5);
  });

  it('compares the sales of the stretch whose entries are known, live, where the sales feed is ahead of the counter', () => {
    // One of two tills down; 4 entries a minute, 5 buyers expected per 5 min and 3 sold: 2 lost per 5 min.
    const bins = ['10:00', '10:05', '10:10', '10:15'].map((s, i) => sales(s, ['10:05', '10:10', '10:15', '10:20'][i]!, 3, 120));
    const live = (end: string, counted: string) =>
      estimateLoss(input({
        range: { start: at('10:00'), end: at(end) }, normalTills: 2, footfall: perMinute('09:00', counted, 4), sales: bins.filter((b) => b.binEnd <= at(end)),
        salesUntil: at(end), footfallUntil: at(end), capacity: [{ start: at('10:00'), end: at(end), tills: 1 }],
      })).gross;
    expect(live('10:15', '10:15')).toBe(6 * 40);
    expect(live('10:20', '10:20')).toBe(8 * 40);
    // The door bins of 10:18-10:20 not in yet: 3 of the last 5 minutes' entries are known, so 3/5 of their 3 sales are
    // compared with them (not all 3 with 3/5 of the buyers, which took the total down to 6).
    expect(live('10:20', '10:18')).toBe(7.2 * 40);
  });

  it('falls back to the capacity model where sales have not arrived yet', () => {
    const e = estimateLoss(input({ sales: [sales('10:00', '10:15', 3, 120)], salesUntil: at('10:15') }));
    // first quarter by gap: 7.5 − 3; second by capacity with every till down: 7.5
    expect(e.method).toBe('mixed');
    expect(e.gross).toBe((4.5 + 7.5) * 40);
  });

  it('takes customers who came back after recovery off the net, beyond the noise', () => {
    const e = estimateLoss(
      input({
        sales: [sales('10:00', '10:30', 0, 0), sales('10:30', '10:45', 10, 400), sales('10:45', '11:00', 9, 360)],
        recaptureUntil: at('11:00'),
      }),
    );
    // Each quarter after recovery: 30 entries, of which ordinary ones buy at 0.25 and returners always:
    // returners = (sold − 30 × 0.25) / 0.75 → (2.5 + 1.5) / 0.75 sales of 40.
    const extra = ((2.5 + 1.5) / 0.75) * 40;
    // noise: binomial sales of 30 entries per quarter, scaled the same way
    const sigma = Math.sqrt((2 * 30 * 0.25 * 0.75 * 40 ** 2) / 0.75 ** 2);
    expect(e.gross).toBe(600);
    expect(e.recaptured).toBeCloseTo(extra - sigma, 1);
    expect(e.net).toBeCloseTo(600 - (extra - sigma), 1);
    // The band: rates and counter (399 to 819 gross), the outage's own scatter, and the returners anywhere
    // from none (extra − 1.28 σ is below zero) to extra + 1.28 σ, each moving net the other way.
    const recaptured = extra - sigma;
    const scatter = 1.28 ** 2 * 40 ** 2 * (15 + 15 * 0.8 ** 2);
    expect(e.low).toBeCloseTo(600 - recaptured - Math.sqrt(201 ** 2 + scatter + (extra + 1.28 * sigma - recaptured) ** 2), 1);
    expect(e.high).toBeCloseTo(600 - recaptured + Math.sqrt(219 ** 2 + scatter + recaptured ** 2), 1);
  });

  it('takes nothing off for an after-recovery hour within its everyday noise', () => {
    const e = estimateLoss(
      input({ sales: [sales('10:00', '10:30', 0, 0), sales('10:30', '10:45', 8, 320), sales('10:45', '11:00', 8, 320)], recaptureUntil: at('11:00') }),
    );
    expect(e).toMatchObject({ recaptured: 0, net: 600 });
  });

  it('without sales, takes entries over the baseline after recovery as returners', () => {
    const baseline: BaselineProfile = {
      timezone: 'UTC',
      slots: Object.fromEntries(['10:30', '10:45', '11:00', '11:15'].map((s) => [`1-${s}`, { median: 30, p25: 25, p75: 35, samples: 6 }])),
    };
    const after: FootfallBin[] = ['10:30', '10:45', '11:00', '11:15'].map((s) => ({
      sensorId: 'door',
      binStart: at(s),
      binEnd: at(s) + 15 * MIN,
      visitors: 40,
    }));
    const e = estimateLoss(
      input({ footfall: [...perMinute('09:00', '10:30', 8), ...after], baseline, recaptureUntil: at('11:30') }),
    );
    // gross: 240 × 0.25 × 40; returners: 4 × (40 − 30) entries × 40, less the noise √(4 × 30) × 40
    expect(e.gross).toBe(2400);
    expect(e.recaptured).toBeCloseTo(1600 - Math.sqrt(120) * 40, 1);
    expect(e.flags).not.toContain('recapture_unmeasured');

    // With today's level measured in that same hour, its extra entries are the level, not returners.
    const circular = estimateLoss(
      input({ footfall: [...perMinute('09:00', '10:30', 8), ...after], baseline, level: 4 / 3, levelAfterRecovery: true, recaptureUntil: at('11:30') }),
    );
    expect(circular).toMatchObject({ gross: 2400, recaptured: 0, net: 2400 });
    expect(circular.flags).toContain('recapture_unmeasured');
  });
});

describe('missing counter data', () => {
  const baseline: BaselineProfile = {
    timezone: 'UTC',
    slots: { '1-10:00': { median: 40, p25: 30, p75: 50, samples: 6 }, '1-10:15': { median: 40, p25: 30, p75: 50, samples: 6 } },
  };

  it('uses baseline × level where the counter is silent, and flags it', () => {
    const e = estimateLoss(input({ footfall: [], sensors: ['door'], baseline, level: 1.5 }));
    // 2 × 40 × 1.5 = 120 visitors × 0.25 × 40
    expect(e.visitors).toBe(120);
    expect(e.gross).toBe(1200);
    expect(e.flags).toEqual(expect.arrayContaining(['counter_silent', 'counter_gap']));
  });

  it('fills a gap in the counter with the baseline for the missing part only', () => {
    const e = estimateLoss(input({ footfall: perMinute('10:00', '10:15', 2), sensors: ['door'], baseline }));
    // 30 measured + 40 from the baseline for the silent quarter
    expect(e.visitors).toBe(70);
    expect(e.flags).toContain('counter_gap');
    expect(e.flags).not.toContain('counter_silent');
  });

  it('does not call the bin still in progress a gap', () => {
    const e = estimateLoss(input({ footfall: perMinute('10:00', '10:20', 2), sensors: ['door'], baseline, footfallUntil: at('10:20') }));
    expect(e.flags).not.toContain('counter_gap');
    // 40 measured, then 10 min of the 10:15 slot from the baseline: 40 × 10/15
    expect(e.visitors).toBeCloseTo(40 + 40 * (10 / 15), 1);
  });

  it('uses the configured default without history, and flags when there is nothing at all', () => {
    const withDefault = estimateLoss(input({ footfall: [], sensors: ['door'], store: { ...store, defaultVisitorsPerHour: 100 } }));
    expect(withDefault.visitors).toBe(50);
    expect(withDefault.flags).toContain('baseline_fallback');
    const nothing = estimateLoss(input({ footfall: [], sensors: ['door'] }));
    expect(nothing.gross).toBe(0);
    expect(nothing.flags).toContain('no_visitor_data');
    expect(nothing.confidence).toBeLessThan(0.5);
  });
});

describe('the band', () => {
  it('widens with the basket spread the sales showed, and falls back to the default on an unusable one', () => {
    const rates = (basketCv: number | null) => ({ timezone: 'UTC', byHour: {}, store: null, tillPerQuarterP90: null, purchaseLagMs: 0, basketCv });
    const band = (basketCv: number | null): [number, number] => {
      const e = estimateLoss(input({ rates: rates(basketCv) }));
      return [e.low, e.high];
    };
    // 15 lost buyers of 40, rates and counter as in the full outage above: only the basket term differs.
    const scatter = (cv: number) => 1.28 ** 2 * 40 ** 2 * (15 + 15 * cv ** 2);
    expect(band(0.2)[1]).toBeCloseTo(600 + Math.sqrt(219 ** 2 + scatter(0.2)), 1);
    expect(band(0.2)[1]).toBeLessThan(band(1.2)[1]);
    expect(band(Number.NaN)).toEqual(band(null));
    expect(band(null)).toEqual([276.14, 935.33]);
  });
});

describe('unknown capacity (store offline)', () => {
  it('assumes half the tills still sell, with a band from none to all', () => {
    const busy = perMinute('09:00', '12:00', 8);
    const e = estimateLoss(input({ footfall: busy, capacity: [{ start: at('10:00'), end: at('10:30'), tills: null }] }));
    expect(e.flags).toContain('capacity_assumed');
    expect(e.low).toBe(0);
    // The high end is a full outage at the high counter and rate bounds (240 visitors), widened by the
    // scatter of 60 expected buyers and of the lost ones' baskets.
    const scatter = 1.28 ** 2 * 40 ** 2 * (60 + e.lostTransactions * 0.8 ** 2);
    expect(e.high).toBeCloseTo(e.gross + Math.sqrt((240 * 1.05 * 0.25 * 1.3 * 40 - e.gross) ** 2 + scatter), 0);
    expect(e.gross).toBeGreaterThan(e.low);
    expect(e.gross).toBeLessThan(e.high);
  });
});

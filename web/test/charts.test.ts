import { describe, expect, it } from 'vitest';
import { localDay } from '../src/lib/charts/day.js';
import { hasData, NARROW_PX, storeChartFacts, storeChartOption, type ChartColors } from '../src/lib/charts/store-chart.js';
import { describeSlaChart, describeStoreChart } from '../src/lib/charts/describe.js';
import { slaChartOption } from '../src/lib/charts/sla-chart.js';
import { mergeIncident, sumLoss } from '../src/lib/incidents/merge.js';
import type { StoreSeries } from '../src/lib/api.js';
import { incident } from './fixtures.js';

const colors: ChartColors = { text: '#fff', muted: '#999', grid: '#333', footfall: 'blue', baseline: 'orange', tills: 'green', band: 'red', breach: 'red' };
const texts = { footfall: 'Visitors', baseline: 'Expected', tills: 'Tills', incident: (k: string) => `inc ${k}`, time: (ms: number) => new Date(ms).toISOString().slice(11, 16) };

/** `bins` quarter hours from 08:00 UTC; the server's now falls in bin `nowBin` (tills available stop there). */
function series(bins: number, nowBin = bins - 1): StoreSeries {
  return {
    storeId: 'S1',
    currency: 'EUR',
    binSeconds: 900,
    bins: Array.from({ length: bins }, (_, i) => ({
      t: new Date(Date.UTC(2026, 10, 23, 8, 0) + i * 900_000).toISOString(),
      footfall: i === 0 ? null : 10 + i,
      tillsAvailable: i <= nowBin ? 3 : null,
      transactions: null,
      revenue: null,
      baseline: 12,
    })),
    incidents: [{ id: 'a', kind: 'till_down', severity: 'major', startedAt: '2026-11-23T08:20:00Z', endedAt: null, lostRevenue: { gross: 1, net: 1, low: 1, high: 1, currency: 'EUR' } }],
  };
}

describe('store day chart', () => {
  it('takes the store\'s own local day, across time zones', () => {
    const at = Date.UTC(2026, 10, 23, 22, 30);
    expect(localDay(at, 'Europe/Moscow')).toEqual({ from: '2026-11-23T21:00:00.000Z', to: '2026-11-24T21:00:00.000Z' });
    expect(localDay(at, 'America/Bogota')).toEqual({ from: '2026-11-23T05:00:00.000Z', to: '2026-11-24T05:00:00.000Z' });
  });

  it('draws visitors, the baseline and tills, with each incident as a band from its bin to its end', () => {
    const s = series(8, 4);
    s.incidents.push({ ...s.incidents[0]!, id: 'b', kind: 'store_down', startedAt: '2026-11-23T08:05:00Z', endedAt: '2026-11-23T08:40:00Z' });
    const option = storeChartOption(s, texts, colors, Date.parse('2026-11-23T09:10:00Z'));
    expect(option.xAxis.data).toEqual(['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45']);
    expect(option.series.map((s) => s.name)).toEqual(['Visitors', 'Expected', 'Tills', undefined]);
    expect(option.legend.data).toEqual(['Visitors', 'Expected', 'Tills']);
    // A store without history yet has no baseline: no "Expected" in the legend for a line that is not there.
    const fresh = { ...s, bins: s.bins.map((b) => ({ ...b, baseline: null })) };
    expect(storeChartOption(fresh, texts, colors, Date.parse('2026-11-23T09:10:00Z')).legend.data).toEqual(['Visitors', 'Tills']);
    expect(option.series[0]!.data).toEqual([null, 11, 12, 13, 14, 15, 16, 17]);
    expect(option.yAxis[1]).not.toHaveProperty('max');
    expect(storeChartOption(s, texts, colors, Date.parse('2026-11-23T09:10:00Z'), 4).yAxis[1]).toMatchObject({ max: 4 });
    // By bin index on a series of their own, in order of start. Started in the 08:15 bin and still open at 09:10:
    // the band runs to now, not to the end of the day. Eight bins wide, the chart has room for both labels on top.
    expect(option.series[3]!.markArea!.data).toEqual([
      [{ name: 'inc store_down', xAxis: 0, label: { position: 'top' } }, { xAxis: 2 }],
      [{ name: 'inc till_down', xAxis: 1, label: { position: 'top' } }, { xAxis: 4 }],
    ]);
  });

  it('draws an incident shorter than a bin one bin wide, one in the last bin too, never past the chart, and none that ended as the day began', () => {
    const s = series(4);
    s.incidents = [
      { ...s.incidents[0]!, id: 'yesterday', startedAt: '2026-11-23T07:30:00Z', endedAt: '2026-11-23T08:00:00Z' },
      { ...s.incidents[0]!, startedAt: '2026-11-23T08:16:00Z', endedAt: '2026-11-23T08:20:00Z' },
      { ...s.incidents[0]!, id: 'b', startedAt: '2026-11-23T08:50:00Z', endedAt: null },
    ];
    const bands = storeChartOption(s, texts, colors, Date.parse('2026-11-23T08:55:00Z')).series[3]!.markArea!.data;
    expect(bands.map((pair) => pair.map((p) => p.xAxis))).toEqual([[1, 2], [2, 3]]);
  });

  it('puts the labels of incidents close together on rows of their own, the first freed when all are taken', () => {
    const s = series(96);
    const at = (bin: number) => new Date(Date.UTC(2026, 10, 23, 8, 0) + bin * 900_000).toISOString();
    // A 96-bin day: a label of about ten characters covers some eight bins.
    s.incidents = [40, 42, 44, 46, 70, 48].map((bin, i) => ({ ...s.incidents[0]!, id: `i${i}`, startedAt: at(bin), endedAt: at(bin + 1) }));
    const labels = storeChartOption(s, texts, colors, Date.parse(at(95))).series[3]!.markArea!.data.map(([from]) => [from!.xAxis, from!.label]);
    expect(labels).toEqual([
      [40, { position: 'top' }],
      [42, { position: 'insideTop' }],
      [44, { position: 'insideTop', offset: [0, 16] }],
      [46, { position: 'insideTop', offset: [0, 32] }],
      [48, { position: 'top' }],
      [70, { position: 'top' }],
    ]);
  });

  it('ends an open incident where the server says now is, whatever the browser\'s clock, and at the browser\'s now without till data', () => {
    const s = series(8, 4);
    // The browser's clock runs 45 minutes fast (09:55, bin 7); the server's tills stop at the 09:00 bin.
    const fast = storeChartOption(s, texts, colors, Date.parse('2026-11-23T09:55:00Z')).series[3]!.markArea!.data;
    expect(fast.map((pair) => pair.map((p) => p.xAxis))).toEqual([[1, 4]]);
    s.bins = s.bins.map((b) => ({ ...b, tillsAvailable: null }));
    const noTills = storeChartOption(s, texts, colors, Date.parse('2026-11-23T09:10:00Z')).series[3]!.markArea!.data;
    expect(noTills.map((pair) => pair.map((p) => p.xAxis))).toEqual([[1, 4]]);
  });

  it('leaves ECharts\' English, point-by-point aria off: the page gives the chart its own text alternative', () => {
    const option = storeChartOption(series(8, 4), texts, colors, 0) as Record<string, unknown>;
    expect(option.aria).toBeUndefined();
    const sla = slaChartOption([], { tickets: 'Tickets', breaches: 'Breaches', name: (id) => id ?? '-' }, colors) as Record<string, unknown>;
    expect(sla.aria).toBeUndefined();
  });

  it('moves the legend below the plot on a phone, clear of the axis names, which rise above the incident labels', () => {
    const option = storeChartOption(series(8, 4), texts, colors, 0);
    expect(option.media).toHaveLength(1);
    const narrow = option.media[0]!;
    expect(narrow.query).toEqual({ maxWidth: NARROW_PX });
    expect(narrow.option.legend).toMatchObject({ top: 'auto', bottom: 0 });
    // The plot leaves room below for the axis labels and a legend of up to three lines, above for the axis names
    // over the band labels that sit on top of the plot.
    expect(narrow.option.grid.bottom).toBeGreaterThanOrEqual(80);
    expect(narrow.option.grid.top - narrow.option.yAxis[0]!.nameGap).toBeGreaterThanOrEqual(16);
    expect(narrow.option.yAxis[0]!.nameGap).toBeGreaterThan(24);
    expect(narrow.option.yAxis.map((y) => y.nameTextStyle.align)).toEqual(['left', 'right']);
  });

  it('sums up the day for its text alternative: visitors so far, tills now and at the fewest, incidents drawn', () => {
    const s = series(8, 4);
    s.bins = s.bins.map((b, i) => ({ ...b, footfall: i < 5 ? 10 + i : null, tillsAvailable: i <= 4 ? [3, 3, 2, 1, 3][i]! : null }));
    s.incidents.push({ ...s.incidents[0]!, id: 'b', kind: 'store_down', startedAt: '2026-11-23T08:05:00Z', endedAt: '2026-11-23T08:40:00Z' });
    s.incidents.push({ ...s.incidents[0]!, id: 'old', kind: 'silent_till', startedAt: '2026-11-23T07:00:00Z', endedAt: '2026-11-23T07:30:00Z' });
    const facts = storeChartFacts(s, 4);
    // 10+11+12+13+14 visitors in the first five bins; the baseline of 12 over those same five.
    expect(facts).toEqual({ visitors: 60, expected: 60, tillsNow: 3, tillsMin: 1, tillsTotal: 4, incidents: ['store_down', 'till_down'] });
    expect(describeStoreChart(facts, 'en')).toBe(
      'Today: visitors and tills. 60 visitors so far today (expected about 60). Tills available now: 3 of 4; fewest today: 1. 2 incidents shown: store down and till down.',
    );
    expect(describeStoreChart(facts, 'ru')).toBe(
      'Сегодня: посетители и кассы. С начала дня 60 посетителей (ожидалось около 60). Доступно касс сейчас: 3 из 4; меньше всего за день: 1. На графике 2 инцидента: магазин не работает и касса не работает.',
    );
    expect(describeStoreChart({ ...facts, visitors: 1, incidents: ['till_down'] }, 'es')).toBe(
      'Hoy: visitantes y cajas. 1 visitante hoy hasta ahora (se esperaban unos 60). Cajas disponibles ahora: 3 de 4; mínimo de hoy: 1. 1 incidente en el gráfico: caja caída.',
    );
    expect(describeStoreChart({ visitors: null, expected: null, tillsNow: null, tillsMin: null, tillsTotal: null, incidents: [] }, 'en')).toBe(
      'Today: visitors and tills. No visitor counts yet today. No incidents today.',
    );
    // Russian numbers take the right form and the locale's digits grouping.
    expect(describeStoreChart({ ...facts, visitors: 1234, expected: null }, 'ru')).toContain('С начала дня 1\u00a0234 посетителя.');
    expect(describeStoreChart({ ...facts, visitors: 21, expected: null }, 'ru')).toContain('С начала дня 21 посетитель.');
  });

  it('describes the SLA chart per provider by name', () => {
    const row = (providerId: string | null, total: number, breaches: number) => ({
      providerId,
      tickets: { P1: 0, P2: total, P3: 0, total },
      withdrawn: 0,
      mttaMs: null,
      mttoMs: null,
      mttrMs: null,
      breaches: { response: breaches, onSite: 0, resolve: 0, total: breaches },
      lostRevenue: {},
    });
    const name = (id: string | null) => (id === 'pilot' ? 'Pilot Service' : 'Не назначен');
    expect(describeSlaChart([row('pilot', 5, 1), row(null, 2, 0)], name, 'ru')).toBe(
      'Заявки и нарушения по подрядчикам: Pilot Service: 5 заявок, 1 нарушение; Не назначен: 2 заявки, 0 нарушений.',
    );
    expect(describeSlaChart([row('pilot', 1, 2)], () => 'Pilot Service', 'es')).toBe(
      'Tickets e incumplimientos por proveedor: Pilot Service: 1 ticket, 2 incumplimientos.',
    );
  });

  it('knows an empty day from one with data', () => {
    const empty = series(2);
    empty.bins = empty.bins.map((b) => ({ ...b, footfall: null, tillsAvailable: null, baseline: null }));
    expect(hasData(empty)).toBe(false);
    expect(hasData(series(2))).toBe(true);
  });
});

describe('store page incidents', () => {
  it('folds live incidents of this store in, newest first, and leaves other stores\' out', () => {
    const old = incident('a', 'S1', { startedAt: '2026-11-23T08:00:00Z' });
    const { timeline: _t, ...first } = old;
    let list = mergeIncident([first], incident('b', 'S1', { startedAt: '2026-11-23T09:00:00Z' }), 'S1');
    expect(list.map((i) => i.id)).toEqual(['b', 'a']);
    list = mergeIncident(list, incident('c', 'S2'), 'S1');
    expect(list).toHaveLength(2);
    list = mergeIncident(list, incident('a', 'S1', { status: 'closed', endedAt: '2026-11-23T08:30:00Z' }), 'S1');
    expect(list.find((i) => i.id === 'a')!.status).toBe('closed');
    expect(sumLoss(list)).toEqual({ gross: 200, net: 160 });
  });

  it('keeps the newer copy when a live event raced the page\'s own fetch', () => {
    const { timeline: _t, ...fetched } = incident('a', 'S1', { status: 'closed', endedAt: '2026-11-23T08:30:00Z', updatedAt: '2026-11-23T08:32:00Z' });
    const stale = incident('a', 'S1', { updatedAt: '2026-11-23T08:31:00Z' });
    const list = [fetched];
    expect(mergeIncident(list, stale, 'S1')).toBe(list);
    expect(mergeIncident(list, { ...fetched, timeline: [] }, 'S1')).toBe(list);
    const newer = incident('a', 'S1', { status: 'closed', final: true, updatedAt: '2026-11-23T09:31:00Z' });
    expect(mergeIncident([fetched], newer, 'S1')[0]).toMatchObject({ final: true });
  });
});

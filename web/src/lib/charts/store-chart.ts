import type { StoreSeries } from '$lib/api.js';

export interface ChartTexts {
  footfall: string;
  baseline: string;
  tills: string;
  incident: (kind: string) => string;
  /** Bin start as the store's local time. */
  time: (ms: number) => string;
}

/** Theme colours, read from the page's CSS so the chart matches the dark theme. */
export interface ChartColors {
  text: string;
  muted: string;
  grid: string;
  footfall: string;
  baseline: string;
  tills: string;
  band: string;
  breach: string;
}

/** True when the series holds anything worth a chart. */
export function hasData(series: StoreSeries): boolean {
  return series.bins.some((b) => b.footfall !== null || b.tillsAvailable !== null || b.baseline !== null);
}

/**
 * ECharts option for a store's day: visitors per bin as bars against the expected visitors, tills available on a
 * second axis, each incident as a shaded band labelled with its kind, an open one up to the server's now. Categories are local
 * times, so the axis reads in the store's zone whatever the browser's.
 */
export function storeChartOption(series: StoreSeries, texts: ChartTexts, colors: ChartColors, now: number, tillsTotal?: number) {
  const labels = series.bins.map((b) => texts.time(Date.parse(b.t)));
  const last = Math.max(0, labels.length - 1);
  const first = series.bins.length > 0 ? Date.parse(series.bins[0]!.t) : 0;
  /** The bin an instant falls in, clamped to the chart. */
  const binOf = (at: number) => Math.min(last, Math.max(0, Math.floor((at - first) / (series.binSeconds * 1000))));
  // The server leaves tills available empty past its own now: that bin, not the browser's clock, is where an
  // open incident is up to. `now` serves a store without till data.
  const serverNow = series.bins.findLastIndex((b) => b.tillsAvailable !== null);
  const nowBin = serverNow >= 0 ? serverNow : binOf(now);
  // An incident that ended as the day began is listed by the API but has nothing to draw.
  const drawn = series.incidents.filter((inc) => inc.endedAt === null || Date.parse(inc.endedAt) > first);
  // From the middle of the bin it began in to the middle of the one it ended in (an open one: now's), at
  // least one bin wide so a short incident still shows (one in the last bin reaches back into the one before).
  const spans = drawn
    .map((inc) => {
      const began = binOf(Date.parse(inc.startedAt));
      const ended = inc.endedAt === null ? Math.max(began, nowBin) : binOf(Date.parse(inc.endedAt));
      const start = Math.max(0, Math.min(began, last - 1));
      return { name: texts.incident(inc.kind), start, end: Math.min(last, Math.max(start + 1, ended)) };
    })
    .sort((a, b) => a.start - b.start);
  const rows = labelRows(spans, labels.length);
  const bands = spans.map((b, i) => [{ name: b.name, xAxis: b.start, label: LABEL_ROWS[rows[i]!] }, { xAxis: b.end }]);
  const axisText = { color: colors.muted };
  return {
    animation: false,
    // No ECharts aria: its generated description is English whatever the page's language and reads out every
    // bin ("the data for 12:00 AM is 0, NaN…"). The chart's container carries a summary instead (describeStoreChart).
    textStyle: { color: colors.text },
    grid: { left: 48, right: 48, top: 40, bottom: 32 },
    // "Expected" only where there is a line to show: a store without history yet has no baseline.
    legend: { top: 0, textStyle: { color: colors.text }, data: [texts.footfall, ...(series.bins.some((b) => b.baseline !== null) ? [texts.baseline] : []), texts.tills] },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: labels, axisLabel: axisText, axisLine: { lineStyle: { color: colors.grid } } },
    yAxis: [
      { type: 'value', name: texts.footfall, nameTextStyle: axisText, axisLabel: axisText, splitLine: { lineStyle: { color: colors.grid } } },
      // Up to every till the store has, so a till out shows as a step down from the top, not as the new top.
      { type: 'value', name: texts.tills, nameTextStyle: axisText, axisLabel: axisText, minInterval: 1, splitLine: { show: false }, ...(tillsTotal ? { max: tillsTotal } : {}) },
    ],
    series: [
      {
        name: texts.footfall,
        type: 'bar',
        data: series.bins.map((b) => b.footfall),
        itemStyle: { color: colors.footfall },
      },
      {
        name: texts.baseline,
        type: 'line',
        data: series.bins.map((b) => b.baseline),
        showSymbol: false,
        lineStyle: { type: 'dashed', width: 2, color: colors.baseline },
        itemStyle: { color: colors.baseline },
      },
      {
        name: texts.tills,
        type: 'line',
        step: 'end',
        yAxisIndex: 1,
        data: series.bins.map((b) => b.tillsAvailable),
        showSymbol: false,
        lineStyle: { width: 2, color: colors.tills },
        itemStyle: { color: colors.tills },
      },
      // The bands ride on a series of their own: on the bar series ECharts snaps them to the axis ticks, and
      // on a named line they would vanish when the legend hides it.
      {
        type: 'line',
        data: [],
        silent: true,
        markArea: { silent: true, itemStyle: { color: colors.band }, label: { color: colors.text }, data: bands },
      },
    ],
    media: [{ query: { maxWidth: NARROW_PX }, option: NARROW }],
  };
}

/** Up to this chart width (a phone) the legend wraps onto two or three lines. */
export const NARROW_PX = 600;
/**
 * A phone's layout: the legend moves below the plot, clear of the axis names, and the axis names rise above the
 * incident labels that sit on top of the plot; each axis name runs inwards from its axis so it is not cut off.
 */
const NARROW = {
  legend: { top: 'auto', bottom: 0, left: 'center', itemGap: 8, itemWidth: 18, itemHeight: 10 },
  grid: { left: 36, right: 36, top: 52, bottom: 84 },
  yAxis: [
    { nameGap: 30, nameTextStyle: { align: 'left' } },
    { nameGap: 30, nameTextStyle: { align: 'right' } },
  ],
};

/** Where a band's label goes: above the plot, then inside the band one line lower each row. */
const LABEL_ROWS = [
  { position: 'top' },
  { position: 'insideTop' },
  { position: 'insideTop', offset: [0, 16] },
  { position: 'insideTop', offset: [0, 32] },
] as const;
/** A label's width in bins, roughly: characters of about 7 px on a plot of about 900 px. */
const labelBins = (name: string, bins: number) => Math.ceil((name.length * 7 * bins) / 900);

/**
 * A row for each band's label (bands sorted by start): the first row where the previous label has ended, so
 * labels of incidents close together do not print over each other; when every row is taken, the one freed first.
 */
function labelRows(bands: readonly { name: string; start: number }[], bins: number): number[] {
  const freeFrom = LABEL_ROWS.map(() => -Infinity);
  return bands.map((b) => {
    let row = freeFrom.findIndex((at) => at <= b.start);
    if (row < 0) row = freeFrom.indexOf(Math.min(...freeFrom));
    freeFrom[row] = b.start + labelBins(b.name, bins);
    return row;
  });
}

/** What the chart shows, in figures: what its text alternative says. */
export interface StoreChartFacts {
  /** Visitors so far today; null before any bin has a count. */
  visitors: number | null;
  /** Expected visitors over the same bins; null without a baseline there. */
  expected: number | null;
  /** Tills available in the latest bin that has the figure, and the fewest in any bin today. */
  tillsNow: number | null;
  tillsMin: number | null;
  tillsTotal: number | null;
  /** The kinds of the incidents drawn, in order of start. */
  incidents: string[];
}

export function storeChartFacts(series: StoreSeries, tillsTotal?: number): StoreChartFacts {
  const first = series.bins.length > 0 ? Date.parse(series.bins[0]!.t) : 0;
  const lastCounted = series.bins.findLastIndex((b) => b.footfall !== null);
  let visitors: number | null = null;
  let expected: number | null = null;
  series.bins.forEach((b, i) => {
    if (b.footfall !== null) visitors = (visitors ?? 0) + b.footfall;
    if (i <= lastCounted && b.baseline !== null) expected = (expected ?? 0) + b.baseline;
  });
  const tills = series.bins.map((b) => b.tillsAvailable).filter((v): v is number => v !== null);
  return {
    visitors,
    expected,
    tillsNow: tills.at(-1) ?? null,
    tillsMin: tills.length > 0 ? Math.min(...tills) : null,
    tillsTotal: tillsTotal ?? null,
    incidents: series.incidents
      .filter((inc) => inc.endedAt === null || Date.parse(inc.endedAt) > first)
      .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
      .map((inc) => inc.kind),
  };
}

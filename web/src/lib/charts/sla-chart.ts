import type { SlaReportRow } from '@storepulse/protocol';
import type { ChartColors } from './store-chart.js';

/** Bars of tickets and of breaches per provider, the unassigned queue included. */
export function slaChartOption(
  rows: readonly SlaReportRow[],
  texts: { tickets: string; breaches: string; name: (id: string | null) => string },
  colors: ChartColors,
) {
  const axisText = { color: colors.muted };
  return {
    animation: false,
    // No ECharts aria (English only, whatever the page's language): the container says it (describeSlaChart).
    textStyle: { color: colors.text },
    grid: { left: 48, right: 16, top: 40, bottom: 32 },
    legend: { top: 0, textStyle: { color: colors.text } },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'category', data: rows.map((r) => texts.name(r.providerId)), axisLabel: axisText },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axisText, splitLine: { lineStyle: { color: colors.grid } } },
    series: [
      { name: texts.tickets, type: 'bar', data: rows.map((r) => r.tickets.total), itemStyle: { color: colors.footfall } },
      // Hatched as well as red, so breaches do not rely on colour alone.
      {
        name: texts.breaches,
        type: 'bar',
        data: rows.map((r) => r.breaches.total),
        itemStyle: { color: colors.breach, decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [3, 5], rotation: -Math.PI / 4 } },
        label: { show: true, position: 'top', color: colors.text },
      },
    ],
  };
}

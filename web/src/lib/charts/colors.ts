import type { ChartColors } from './store-chart.js';

/** The theme's colours as the page's CSS defines them (ECharts draws outside CSS). */
export function themeColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v('--text'),
    muted: v('--muted'),
    grid: v('--border'),
    footfall: v('--link'),
    baseline: v('--degraded'),
    tills: v('--ok'),
    band: 'rgba(255, 92, 92, 0.22)',
    breach: v('--down'),
  };
}

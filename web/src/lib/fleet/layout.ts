/** How much a tile can show, from its width in CSS pixels. */
export type TileDensity = 'l' | 'm' | 's' | 'xs';

export interface TileLayout {
  columns: number;
  rows: number;
  /** Tile size in CSS pixels (whole pixels, so the grid never overflows by rounding). */
  width: number;
  height: number;
  gap: number;
  density: TileDensity;
}

/** Narrowest tile, as width over height: wide enough for a store name on one line. */
export const MIN_ASPECT = 1.6;
/** Widest tile: past this, spare width is left as margin rather than stretching tiles into bars. */
export const MAX_ASPECT = 2.4;
/** Tallest tile: a handful of stores should not turn into posters. */
export const MAX_HEIGHT = 220;

function gapFor(count: number): number {
  if (count > 800) return 2;
  if (count > 200) return 4;
  return 8;
}

export function densityFor(width: number): TileDensity {
  if (width >= 200) return 'l';
  if (width >= 130) return 'm';
  if (width >= 80) return 's';
  return 'xs';
}

/**
 * Tiles for `count` stores in a width × height area without scrolling. Text scales with tile height,
 * so the height is what is maximised; tiles then take spare width up to MAX_ASPECT. Every column
 * count is tried, which is exact and cheap (it stops once more columns can only shrink tiles).
 */
export function tileLayout(count: number, width: number, height: number): TileLayout {
  const gap = gapFor(count);
  const n = Math.max(1, count);
  let best = { columns: 1, rows: n, h: 0, colWidth: 0 };
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    const colWidth = (width - (columns - 1) * gap) / columns;
    const rowHeight = (height - (rows - 1) * gap) / rows;
    const h = Math.min(rowHeight, colWidth / MIN_ASPECT, MAX_HEIGHT);
    if (h > best.h) best = { columns, rows, h, colWidth };
    // Once the width is the limit, more columns only make tiles smaller.
    if (colWidth / MIN_ASPECT <= rowHeight) break;
  }
  const h = Math.max(1, Math.floor(best.h));
  const w = Math.max(1, Math.floor(Math.min(best.colWidth, h * MAX_ASPECT)));
  return { columns: best.columns, rows: best.rows, width: w, height: h, gap, density: densityFor(w) };
}

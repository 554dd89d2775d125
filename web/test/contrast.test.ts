import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STORE_STATES, type StoreState } from '@storepulse/protocol';
import { drawTiles, type CanvasTile, type Palette } from '../src/lib/fleet/canvas-wall.js';
import { CanvasRecorder, NO_ICONS } from './canvas-recorder.js';

/**
 * Every text on a wall tile meets WCAG AA for normal text (4.5:1), computed from the colour tokens in app.css:
 * each state's text on its background, and a stale tile's, greyed and dimmed as StoreTile.svelte does it; on the
 * canvas wall, every text against every colour the canvas paints under it.
 */
const css = readFileSync(new URL('../src/app.css', import.meta.url), 'utf8');
const tile = readFileSync(new URL('../src/lib/components/StoreTile.svelte', import.meta.url), 'utf8');
const kpis = readFileSync(new URL('../src/lib/components/WallKpis.svelte', import.meta.url), 'utf8');
/** A component's style without comments. */
const styleOf = (source: string) => source.slice(source.indexOf('<style>')).replace(/\/\*[\s\S]*?\*\//g, '');

type Rgb = [number, number, number];
function hex(name: string): string {
  const found = new RegExp(`--${name}:\\s*(#[0-9a-f]{6});`, 'i').exec(css)?.[1];
  if (!found) throw new Error(`no colour token --${name} in app.css`);
  return found;
}
const rgb = (colour: string) => [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) as Rgb;
const token = (name: string) => rgb(hex(name));
const luminance = (rgb: Rgb) => {
  const [r, g, b] = rgb.map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: Rgb, b: Rgb) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};
/** `color-mix(in srgb, a p%, b)`. */
const mix = (a: Rgb, b: Rgb, p: number) => a.map((v, i) => v * p + b[i]! * (1 - p)) as Rgb;
/** CSS `grayscale(1)`, which works on sRGB values. */
const grey = ([r, g, b]: Rgb): Rgb => {
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return [y, y, y];
};

describe('wall tile contrast', () => {
  it('checks itself against known ratios', () => {
    expect(contrast([255, 255, 255], [0, 0, 0])).toBeCloseTo(21, 5);
    expect(contrast([0x76, 0x76, 0x76], [255, 255, 255])).toBeCloseTo(4.54, 2);
  });

  it.each(STORE_STATES)('%s: the text on the tile is 4.5:1 or more', (state) => {
    expect(contrast(token(`${state}-text`), token(`${state}-bg`))).toBeGreaterThanOrEqual(4.5);
  });

  it('draws no tile text with opacity, which would blend it into the background', () => {
    expect(styleOf(tile)).not.toMatch(/opacity\s*:/);
  });

  it.each(STORE_STATES)('%s, stale: the greyed, dimmed tile keeps its text at 4.5:1 or more', (state) => {
    const dim = /background:\s*color-mix\(in srgb, var\(--tile-bg\) (\d+)%, var\(--bg\)\)/.exec(tile)?.[1];
    expect(dim, 'the stale rule in StoreTile.svelte').toBeDefined();
    const background = grey(mix(token(`${state}-bg`), token('bg'), Number(dim) / 100));
    expect(contrast(grey(token('text')), background)).toBeGreaterThanOrEqual(4.5);
  });

  it('keeps the loss and stale marks, light on the page colour, at 4.5:1 or more', () => {
    expect(contrast(token('text'), token('bg'))).toBeGreaterThanOrEqual(4.5);
  });
});

describe('canvas wall contrast', () => {
  const per = (suffix: string) => Object.fromEntries(STORE_STATES.map((st) => [st, hex(`${st}-${suffix}`)])) as Record<StoreState, string>;
  const palette: Palette = { bg: per('bg'), text: per('text'), page: hex('bg'), surface: hex('surface'), muted: hex('muted'), plain: hex('text'), focus: hex('focus') };
  const tile = (state: StoreState, slot = 0): CanvasTile => ({ slot, state, title: 'Madrid Centro 1', tills: '3/4', loss: '1.234 €', recovering: false, maintenance: false });
  // A 4K wall of 400 stores, and a 1080p one.
  const LAYOUTS = [
    { columns: 20, rows: 20, width: 166, height: 96, gap: 4, density: 'm' as const },
    { columns: 20, rows: 20, width: 71, height: 43, gap: 4, density: 'xs' as const },
  ];
  const unreadable = (rec: CanvasRecorder) =>
    rec.texts.flatMap((t) => t.under.filter((bg) => t.alpha < 1 || contrast(rgb(t.colour), rgb(bg)) < 4.5).map((bg) => `"${t.text}" ${t.colour}×${t.alpha} on ${bg}`));

  it.each(LAYOUTS)('stale $width×$height: every text opaque and 4.5:1 or more on the hatched grey, and the tile says "stale"', (layout) => {
    const rec = new CanvasRecorder();
    drawTiles(rec.context, STORE_STATES.map(tile), [], layout, palette, NO_ICONS, 'устарело');
    expect(unreadable(rec)).toEqual([]);
    expect(rec.texts.filter((t) => t.text === 'УСТАРЕЛО')).toHaveLength(STORE_STATES.length);
    // The hatching is painted on the tile, in the page's colour.
    expect(rec.texts[0]!.under).toEqual([palette.bg.closed, palette.page]);
  });

  it.each(STORE_STATES)('%s, live: every text opaque and 4.5:1 or more on its tile', (state) => {
    const rec = new CanvasRecorder();
    drawTiles(rec.context, [tile(state)], [], LAYOUTS[0]!, palette, NO_ICONS, null);
    expect(rec.texts.length).toBeGreaterThan(0);
    expect(unreadable(rec)).toEqual([]);
  });

  it('group headers: name and figures 4.5:1 or more', () => {
    const rec = new CanvasRecorder();
    drawTiles(rec.context, [], [{ slot: 0, worst: 'down', title: 'Russia West', count: '5 stores · 2 with problems' }], LAYOUTS[0]!, palette, NO_ICONS, null);
    expect(rec.texts.length).toBeGreaterThan(1);
    expect(unreadable(rec)).toEqual([]);
  });
});

describe('wall header contrast', () => {
  it('keeps a zero figure quiet without opacity, which would blend it into the page', () => {
    expect(styleOf(kpis)).not.toMatch(/opacity\s*:/);
  });

  it('draws a zero figure and its label at 4.5:1 or more on the page', () => {
    const rules = [...styleOf(kpis).matchAll(/([^{}]*\.zero[^{}]*)\{([^}]*)\}/g)];
    const colours = rules.flatMap(([, , body]) => [...body!.matchAll(/color:\s*var\(--([\w-]+)\)/g)].map((c) => c[1]!));
    expect(colours.length, 'a colour for .zero in WallKpis.svelte').toBeGreaterThan(0);
    for (const name of colours) expect(contrast(token(name), token('bg')), name).toBeGreaterThanOrEqual(4.5);
  });
});

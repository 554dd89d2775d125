import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STORE_STATES } from '@storepulse/protocol';

/**
 * Every text on a wall tile meets WCAG AA for normal text (4.5:1), computed from the colour tokens in app.css:
 * each state's text on its background, and a stale tile's, greyed and dimmed as StoreTile.svelte does it.
 */
const css = readFileSync(new URL('../src/app.css', import.meta.url), 'utf8');
const tile = readFileSync(new URL('../src/lib/components/StoreTile.svelte', import.meta.url), 'utf8');

type Rgb = [number, number, number];
function token(name: string): Rgb {
  const hex = new RegExp(`--${name}:\\s*#([0-9a-f]{6});`, 'i').exec(css)?.[1];
  if (!hex) throw new Error(`no colour token --${name} in app.css`);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}
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
    const style = tile.slice(tile.indexOf('<style>')).replace(/\/\*[\s\S]*?\*\//g, '');
    expect(style).not.toMatch(/opacity\s*:/);
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

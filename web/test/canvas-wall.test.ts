import { describe, expect, it } from 'vitest';
import { bottomLine, drawTiles, fitText, slotAt, slotOrigin, splitLine, type Palette } from '../src/lib/fleet/canvas-wall.js';
import { tileLayout } from '../src/lib/fleet/layout.js';
import { CanvasRecorder, NO_ICONS } from './canvas-recorder.js';

describe('canvas wall geometry', () => {
  const layout = { columns: 10, rows: 5, width: 40, height: 20, gap: 2, density: 'xs' as const };

  it('places slots row by row with gaps', () => {
    expect(slotOrigin(0, layout)).toEqual({ x: 0, y: 0 });
    expect(slotOrigin(13, layout)).toEqual({ x: 3 * 42, y: 22 });
  });

  it('finds the tile under a click, and nothing in a gap or past the last tile', () => {
    expect(slotAt(3 * 42 + 5, 22 + 5, layout, 50)).toBe(13);
    expect(slotAt(41, 5, layout, 50)).toBeNull();
    expect(slotAt(5, 4 * 22 + 5, layout, 45)).toBe(40);
    expect(slotAt(5 * 42 + 5, 4 * 22 + 5, layout, 45)).toBeNull();
    expect(slotAt(10 * 42 + 5, 5, layout, 50)).toBeNull();
  });

  it('round-trips every slot of a 2,000-store layout', () => {
    const big = tileLayout(2000, 1500, 900);
    for (const slot of [0, 1, big.columns, 1999]) {
      const { x, y } = slotOrigin(slot, big);
      expect(slotAt(x + 1, y + 1, big, 2000)).toBe(slot);
    }
  });
});

describe('canvas wall text', () => {
  // A monospace-like measure with one kerning pair, so the guess from single characters is a little too wide.
  const charWidth = (c: string) => (c === '…' ? 6 : 10);
  const measure = (t: string) => [...t].reduce((w, c) => w + charWidth(c), 0) - (t.includes('AV') ? 4 : 0);

  it('keeps a text that fits and cuts one that does not, at its start or, for ids, its end', () => {
    expect(fitText(measure, charWidth, 'Madrid', 60)).toBe('Madrid');
    expect(fitText(measure, charWidth, 'Madrid Centro', 60)).toBe('Madri…');
    expect(fitText(measure, charWidth, 'S001234', 40, true)).toBe('…234');
    expect(fitText(measure, charWidth, 'Москва', 5)).toBe('');
  });

  it('checks its guess and searches when the real text is wider than its characters say', () => {
    // Characters that draw wider together than apart: the guess overflows and the search takes fewer.
    const wide = (t: string) => measure(t) + (t.length > 3 ? 15 : 0);
    expect(fitText(wide, charWidth, 'ABCDEFGH', 46)).toBe('AB…');
  });
});

describe('canvas wall maintenance', () => {
  const palette = { bg: { down: 'red' }, text: { down: 'white' }, page: 'page', plain: 'text' } as unknown as Palette;
  const tile = { slot: 0, state: 'down' as const, title: 'Madrid Centro', tills: '0/2', loss: null, recovering: false, maintenance: true };
  const layout = { columns: 1, rows: 1, width: 166, height: 96, gap: 4, density: 'm' as const };

  it('draws a wrench beside the title of a store in maintenance, besides the state icon', () => {
    const rec = new CanvasRecorder();
    drawTiles(rec.context, [tile], [], layout, palette, NO_ICONS, null);
    expect(rec.icons).toEqual([NO_ICONS.down, NO_ICONS.maintenance]);
    const plain = new CanvasRecorder();
    drawTiles(plain.context, [{ ...tile, maintenance: false }], [], layout, palette, NO_ICONS, null);
    expect(plain.icons).toEqual([NO_ICONS.down]);
  });

  it('leaves it out while the wall is stale, and on one-line tiles, whose label says it', () => {
    const stale = new CanvasRecorder();
    drawTiles(stale.context, [tile], [], layout, { ...palette, bg: { closed: 'grey' }, text: { closed: 'black' } } as unknown as Palette, NO_ICONS, 'stale');
    expect(stale.icons).not.toContain(NO_ICONS.maintenance);
    const small = new CanvasRecorder();
    drawTiles(small.context, [tile], [], { ...layout, width: 40, height: 16, density: 'xs' }, palette, NO_ICONS, null);
    expect(small.icons).toEqual([NO_ICONS.down]);
  });
});

describe('canvas wall bottom line', () => {
  const palette = { bg: { offline: 'grey' }, text: { offline: 'black' }, page: 'page', plain: 'text' } as unknown as Palette;
  const tile = { slot: 0, state: 'offline' as const, title: 'Madrid Centro', tills: '3/4', loss: 'up to €1.2k', recovering: false, maintenance: false };
  // The recorder's characters are 0.6 of the font wide: on a 180 × 60 tile (18 px font) the line has 150 px,
  // room for "€90 · 3/4" (97 px) but not for "up to €1.2k · 3/4" (184 px).
  const bottom = (loss: string | null, width: number, height = 60) => {
    const rec = new CanvasRecorder();
    drawTiles(rec.context, [{ ...tile, loss }], [], { columns: 1, rows: 1, width, height, gap: 4, density: 'm' }, palette, NO_ICONS, null);
    return rec.texts.map((t) => t.text).slice(1);
  };

  it('leaves the loss out rather than cut the till count when both do not fit', () => {
    expect(bottom('up to €1.2k', 180)).toEqual(['3/4']);
    expect(bottom('hasta €1.2k', 180)).toEqual(['3/4']);
  });

  it('shows the loss beside the tills wherever the whole line fits', () => {
    expect(bottom('€90', 180)).toEqual(['€90 · 3/4']);
    expect(bottom('up to €1.2k', 400)).toEqual(['up to €1.2k · 3/4']);
    expect(bottom(null, 180)).toEqual(['3/4']);
  });

  it('words the line from what fits, never a loss cut short', () => {
    const fits = (room: number) => (text: string) => [...text].length <= room;
    expect(bottomLine('up to €1.2k', '3/4', fits(17))).toBe('up to €1.2k · 3/4');
    expect(bottomLine('up to €1.2k', '3/4', fits(16))).toBe('3/4');
    expect(bottomLine(null, '12/12', fits(1))).toBe('12/12');
  });
});

describe('canvas wall group headers', () => {
  const measure = (t: string) => [...t].length * 10;

  it('breaks a line between words, inside a word only when one is wider than the line', () => {
    expect(splitLine(measure, 'Iberia', 100)).toEqual(['Iberia', '']);
    expect(splitLine(measure, 'United Kingdom', 100)).toEqual(['United', 'Kingdom']);
    expect(splitLine(measure, 'Северо-Западный округ', 100)).toEqual(['Северо-Зап', 'адный округ']);
  });

  const palette = { bg: { down: 'red' }, plain: 'text', muted: 'muted', surface: 'surface', page: 'page' } as unknown as Palette;
  const drawn = (title: string, width: number, height: number) => {
    const rec = new CanvasRecorder();
    const header = { slot: 0, worst: 'down' as const, title, count: '5 stores · 2 with problems' };
    drawTiles(rec.context, [], [header], { columns: 1, rows: 1, width, height, gap: 4, density: 'm' }, palette, NO_ICONS, null);
    return rec.texts.map((t) => t.text);
  };

  it('shows a long name in full on two lines, with its figures under it when the tile has room', () => {
    // A 4K wall of 400 stores: 166 × 96 tiles, a 28 px title font, about 9 characters a line here.
    const [first, second, figures] = drawn('United Kingdom', 166, 96);
    expect([first, second]).toEqual(['United', 'Kingdom']);
    expect(figures).toMatch(/^5 stores/);
  });

  it('keeps the name on two lines and leaves the figures to the accessible list when three lines do not fit', () => {
    expect(drawn('Russia West and Far East', 100, 26)).toEqual(['Russia West and Far', 'East']);
  });
});

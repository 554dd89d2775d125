import { describe, expect, it } from 'vitest';
import { densityFor, MAX_ASPECT, MAX_HEIGHT, MIN_ASPECT, tileLayout } from '../src/lib/fleet/layout.js';

// The grid area of a 1080p and a 4K wall once the header and counts are drawn.
const SCREENS = [
  { name: '1080p', width: 1890, height: 960 },
  { name: '4K', width: 3810, height: 2040 },
];

describe('tileLayout', () => {
  for (const screen of SCREENS) {
    for (const count of [1, 20, 137, 500, 2000]) {
      it(`fits ${count} tiles on a ${screen.name} screen without scrolling`, () => {
        const l = tileLayout(count, screen.width, screen.height);
        expect(l.columns * l.rows).toBeGreaterThanOrEqual(count);
        expect(l.columns * l.width + (l.columns - 1) * l.gap).toBeLessThanOrEqual(screen.width);
        expect(l.rows * l.height + (l.rows - 1) * l.gap).toBeLessThanOrEqual(screen.height);
        // Whole pixels may bend the aspect by one pixel of height.
        expect(l.width).toBeGreaterThanOrEqual(Math.floor(l.height * MIN_ASPECT) - 1);
        expect(l.width).toBeLessThanOrEqual(Math.ceil(l.height * MAX_ASPECT));
      });
    }
  }

  it('uses the space: 20 stores on 1080p get large tiles that show everything', () => {
    const l = tileLayout(20, 1890, 960);
    expect(l.height).toBeGreaterThanOrEqual(150);
    expect(l.density).toBe('l');
    // Most of the width is used, not left as margin.
    expect(l.columns * l.width).toBeGreaterThan(1890 * 0.8);
  });

  it('gives smaller tiles to more stores, and bigger ones on a bigger screen', () => {
    const a = tileLayout(200, 1890, 960);
    const b = tileLayout(2000, 1890, 960);
    const c = tileLayout(2000, 3810, 2040);
    expect(b.height).toBeLessThan(a.height);
    expect(c.height).toBeGreaterThan(b.height);
  });

  it('caps the tile height so a handful of stores do not become posters', () => {
    const l = tileLayout(1, 1890, 960);
    expect(l.height).toBe(MAX_HEIGHT);
    expect(l.width).toBe(Math.floor(MAX_HEIGHT * MAX_ASPECT));
  });

  it('survives a zero-size area (before the first measure) with 1-pixel tiles', () => {
    const l = tileLayout(10, 0, 0);
    expect(l.width).toBeGreaterThanOrEqual(1);
    expect(l.height).toBeGreaterThanOrEqual(1);
  });

  it('names densities by width', () => {
    expect([densityFor(250), densityFor(150), densityFor(90), densityFor(40)]).toEqual(['l', 'm', 's', 'xs']);
  });
});

import { describe, expect, it } from 'vitest';
import { changedLinks, tileLinksHtml, type TileLink } from '../src/lib/fleet/tile-links.js';

const link = (id: string, extra: Partial<TileLink> = {}): TileLink => ({ id, state: 'ok', name: `Store ${id}`, label: `Store ${id}: OK`, ...extra });

describe('canvas wall links', () => {
  it('renders each tile as a link with its state, escaping what stores are called', () => {
    const html = tileLinksHtml([link('S 1', { name: 'Tom & Jerry <"Centro">', label: "O'Hare: Down", state: 'down' })], false);
    expect(html).toBe(
      '<li><a class="tile" href="/stores/S%201" data-store-id="S 1" data-state="down" aria-label="O&#39;Hare: Down">Tom &amp; Jerry &lt;&quot;Centro&quot;&gt;</a></li>',
    );
    expect(tileLinksHtml([link('a')], true)).toContain('data-state="ok" data-stale="true"');
  });

  it('patches only the links whose store changed, and rebuilds when stores come, go or move', () => {
    const before = [link('a'), link('b'), link('c')];
    expect(changedLinks(before, [link('a'), link('b', { state: 'down', label: 'b: Down' }), link('c')], false)).toEqual([1]);
    expect(changedLinks(before, before, false)).toEqual([]);
    expect(changedLinks(before, before, true)).toEqual([0, 1, 2]);
    expect(changedLinks(before, [link('a'), link('c'), link('b')], false)).toBeNull();
    expect(changedLinks(before, [link('a'), link('b')], false)).toBeNull();
    expect(changedLinks([], before, false)).toBeNull();
  });
});

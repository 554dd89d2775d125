import type { StoreState } from '@storepulse/protocol';
import type { TileLayout } from './layout.js';

/** What one tile shows on the canvas wall. */
export interface CanvasTile {
  slot: number;
  state: StoreState;
  /** Name, or id on tiles too small for a name. */
  title: string;
  tills: string;
  loss: string | null;
  /** Every till is back and the incident waits out its hold: drawn with a dashed edge, as on the DOM wall. */
  recovering: boolean;
  /** A maintenance window holds the store: a wrench top right, where the tile has two lines. */
  maintenance: boolean;
}

export interface CanvasHeader {
  slot: number;
  worst: StoreState;
  title: string;
  count: string;
}

export interface Palette {
  bg: Record<StoreState, string>;
  text: Record<StoreState, string>;
  /** The page's background. */
  page: string;
  surface: string;
  muted: string;
  plain: string;
  focus: string;
}

/** The state icons' and the maintenance wrench's outlines (the same paths as the page's SVG sprite), in a 24-unit box. */
export const ICON_PATHS: Record<StoreState | 'maintenance', string> = {
  ok: 'M4.5 12.5l5 5L19.5 7',
  degraded: 'M12 3.5L22 20.5H2z M12 10v4.5 M12 17.2v.3',
  down: 'M12 3a9 9 0 1 0 0.01 0z M8.5 8.5l7 7 M15.5 8.5l-7 7',
  offline: 'M2.5 9a14 14 0 0 1 19 0 M6 12.5a9 9 0 0 1 12 0 M9.5 16a4 4 0 0 1 5 0 M3 3l18 18',
  closed: 'M20 14.5A8.5 8.5 0 1 1 9.5 4a6.8 6.8 0 0 0 10.5 10.5z',
  maintenance: 'M7 10h3v-3l-3.5-3.5a6 6 0 0 1 8 8l6 6a2 2 0 0 1-3 3l-6-6a6 6 0 0 1-8-8l3.5 3.5',
};

/** Top-left corner of a slot, in CSS pixels. */
export function slotOrigin(slot: number, layout: TileLayout): { x: number; y: number } {
  return {
    x: (slot % layout.columns) * (layout.width + layout.gap),
    y: Math.floor(slot / layout.columns) * (layout.height + layout.gap),
  };
}

/** The slot under a point, or null when the point falls in a gap or past the grid. */
export function slotAt(x: number, y: number, layout: TileLayout, cells: number): number | null {
  const col = Math.floor(x / (layout.width + layout.gap));
  const row = Math.floor(y / (layout.height + layout.gap));
  if (col < 0 || row < 0 || col >= layout.columns) return null;
  if (x - col * (layout.width + layout.gap) > layout.width || y - row * (layout.height + layout.gap) > layout.height) return null;
  const slot = row * layout.columns + col;
  return slot < cells ? slot : null;
}

/**
 * Draws every tile: background by state, the state's icon, title, tills up/total, the loss when it fits, a
 * dashed edge while recovering and a wrench during maintenance. While the data is stale (`staleWord` given) tiles
 * are grey and hatched and say the word where it fits; nothing is dimmed, so every text keeps its contrast. Group
 * headers wrap a long name to a second line.
 * One pass over plain data; the caller clears and scales the canvas.
 */
export function drawTiles(
  ctx: CanvasRenderingContext2D,
  tiles: readonly CanvasTile[],
  headers: Iterable<CanvasHeader>,
  layout: TileLayout,
  palette: Palette,
  icons: Record<StoreState | 'maintenance', Path2D>,
  staleWord: string | null,
): void {
  const { width: w, height: h } = layout;
  const pad = Math.max(2, Math.floor(h * 0.08));
  // Two lines (title; icon and tills) when both fit at a legible size, else one: icon and title, the title's
  // size chosen so that the longest one fits beside the icon.
  const twoLines = (h - 3 * pad) / 2 >= 9;
  let font: number;
  let icon: number;
  if (twoLines) {
    font = Math.min(Math.floor(h * 0.3), Math.floor((h - 3 * pad) / 2));
    icon = font;
  } else {
    icon = Math.min(h - 2 * pad, 9);
    let longest = '';
    for (const t of tiles) if (t.title.length > longest.length) longest = t.title;
    ctx.font = '700 10px system-ui, sans-serif';
    const at10 = ctx.measureText(longest).width || 1;
    font = Math.max(6, Math.min(h - 2 * pad, Math.floor((10 * (w - 3 * pad - icon)) / at10)));
  }
  ctx.textBaseline = 'top';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  const stale = staleWord !== null;
  const titleFont = `700 ${font}px system-ui, sans-serif`;
  // The stale word takes the place of the figures (they are what is out of date), in a box of the page's colour
  // at the bottom right; tiles too small for it keep the hatching, and the wall's banner says it in words.
  const mark = staleWord && twoLines ? staleMark(ctx, staleWord.toLocaleUpperCase(), font, pad, w - 2 * pad - icon) : null;
  ctx.font = titleFont;
  const base = ctx.getTransform();
  const k = icon / 24;
  for (const t of tiles) {
    const { x, y } = slotOrigin(t.slot, layout);
    ctx.fillStyle = stale ? palette.bg.closed : palette.bg[t.state];
    ctx.fillRect(x, y, w, h);
    if (stale) hatch(ctx, x, y, w, h, palette.page);
    const ink = stale ? palette.text.closed : palette.text[t.state];
    ctx.fillStyle = ink;
    ctx.strokeStyle = ink;
    // The icon tells the state without colour: bottom left on two lines, first on one.
    const iconY = twoLines ? y + h - pad - icon : y + (h - icon) / 2;
    ctx.setTransform(base.a * k, 0, 0, base.d * k, base.a * (x + pad) + base.e, base.d * iconY + base.f);
    ctx.lineWidth = 2.6;
    ctx.stroke(icons[t.state]);
    ctx.setTransform(base);
    if (t.recovering) {
      // Near the edge, clear of the title that starts one `pad` in.
      const inset = Math.max(1, Math.floor(pad / 3));
      ctx.lineWidth = Math.max(1.5, h * 0.025);
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x + inset, y + inset, w - 2 * inset, h - 2 * inset);
      ctx.setLineDash([]);
    }
    if (!twoLines) {
      // Ids differ at their end: keep that part when the whole does not fit.
      ctx.fillText(fit(ctx, t.title, w - 3 * pad - icon, true), x + 2 * pad + icon, y + (h - font) / 2);
      continue;
    }
    const wrench = t.maintenance && !stale;
    ctx.fillText(fit(ctx, t.title, w - 2 * pad - (wrench ? icon + pad : 0)), x + pad, y + pad);
    if (wrench) {
      ctx.setTransform(base.a * k, 0, 0, base.d * k, base.a * (x + w - pad - icon) + base.e, base.d * (y + pad) + base.f);
      ctx.lineWidth = 2.6;
      ctx.stroke(icons.maintenance);
      ctx.setTransform(base);
    }
    if (mark) {
      ctx.fillStyle = palette.page;
      ctx.fillRect(x + w - mark.width, y + h - mark.height, mark.width, mark.height);
      ctx.fillStyle = palette.plain;
      ctx.font = mark.font;
      ctx.fillText(mark.text, x + w - mark.width + pad, y + h - mark.height + pad / 2);
      ctx.font = titleFont;
    } else {
      ctx.textAlign = 'right';
      const room = w - 3 * pad - icon;
      ctx.fillText(fit(ctx, bottomLine(t.loss, t.tills, (text) => fit(ctx, text, room) === text), room), x + w - pad, y + h - pad - font);
      ctx.textAlign = 'left';
    }
  }
  for (const g of headers) {
    const { x, y } = slotOrigin(g.slot, layout);
    ctx.fillStyle = palette.surface;
    ctx.fillRect(x, y, w, h);
    ctx.strokeStyle = palette.bg[g.worst];
    ctx.lineWidth = 2;
    ctx.strokeRect(x + 1, y + 1, w - 2, h - 2);
    // A long name ("United Kingdom") takes a second line, as on the DOM wall; the figures then go a size smaller
    // under it, or, on tiles too low for three lines, stay in the header's accessible text only.
    const measure = (text: string) => ctx.measureText(text).width;
    ctx.font = `800 ${font}px system-ui, sans-serif`;
    const wraps = twoLines && splitLine(measure, g.title, w - 2 * pad)[1] !== '';
    const small = Math.min(font, Math.floor((h - 2 * pad) / 3));
    const withCount = !wraps || small >= 8;
    const size = wraps && withCount ? small : font;
    ctx.font = `800 ${size}px system-ui, sans-serif`;
    const [first, second] = wraps ? splitLine(measure, g.title, w - 2 * pad) : [g.title, ''];
    ctx.fillStyle = palette.plain;
    ctx.fillText(fit(ctx, first, w - 2 * pad), x + pad, y + pad);
    if (second) ctx.fillText(fit(ctx, second, w - 2 * pad), x + pad, y + pad + (withCount ? (h - 2 * pad - size) / 2 : h - 2 * pad - size));
    if (withCount) {
      ctx.fillStyle = palette.muted;
      ctx.fillText(fit(ctx, g.count, w - 2 * pad), x + pad, y + h - pad - size);
    }
  }
}

/**
 * A tile's bottom line: the loss and the tills ("up to €1.2k · 3/4"), or the tills alone when the whole does not
 * fit. The till count is the tile's key figure and is never cut for the loss; a loss cut short ("up to €1…") would
 * read as another figure, so it goes whole or not at all (the tile's label still says it).
 */
export function bottomLine(loss: string | null, tills: string, fits: (text: string) => boolean): string {
  if (!loss) return tills;
  const both = `${loss} · ${tills}`;
  return fits(both) ? both : tills;
}

/** The stale word's box, as large as fits `room` up to a size under the title's; null below 8 px. */
function staleMark(ctx: CanvasRenderingContext2D, text: string, font: number, pad: number, room: number) {
  ctx.font = '700 10px system-ui, sans-serif';
  const at10 = ctx.measureText(text).width || 1;
  const size = Math.min(Math.round(font * 0.8), Math.floor((10 * (room - 2 * pad)) / at10));
  if (size < 8) return null;
  const markFont = `700 ${size}px system-ui, sans-serif`;
  ctx.font = markFont;
  return { text, font: markFont, width: Math.ceil(ctx.measureText(text).width) + 2 * pad, height: size + pad };
}

/**
 * Diagonal stripes of the page's colour over a stale tile: a texture that reads as "not live" without colour,
 * and text on either colour keeps its contrast (test/contrast.test.ts).
 */
function hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, colour: string): void {
  const gap = Math.max(6, Math.round(h / 5));
  ctx.save();
  ctx.beginPath();
  ctx.rect(x, y, w, h);
  ctx.clip();
  ctx.beginPath();
  for (let d = -h; d < w; d += gap) {
    ctx.moveTo(x + d, y + h);
    ctx.lineTo(x + d + h, y);
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = Math.max(1.5, gap / 3);
  ctx.stroke();
  ctx.restore();
}

/**
 * A text's first line at a width, broken between words (inside a word only when one word is wider than the
 * line), and the rest, empty when it all fits.
 */
export function splitLine(measure: (text: string) => number, text: string, width: number): [string, string] {
  if (measure(text) <= width) return [text, ''];
  const words = text.split(' ');
  let line = '';
  for (let i = 0; i < words.length; i++) {
    const next = line ? `${line} ${words[i]}` : words[i]!;
    if (measure(next) > width) {
      if (line) return [line, words.slice(i).join(' ')];
      break;
    }
    line = next;
  }
  // The first word alone is too wide: break it where it fills the line.
  const chars = [...text];
  let n = 1;
  while (n < chars.length && measure(chars.slice(0, n + 1).join('')) <= width) n++;
  return [chars.slice(0, n).join(''), chars.slice(n).join('').trimStart()];
}

/** Texts cut to a width, remembered: measuring is the costly part of drawing, and tiles rarely change text. */
const fitted = new Map<string, string>();
const FITTED_MAX = 20_000;
/** Each character's width per font: two thousand names share a few dozen characters. */
const glyphWidths = new Map<string, Map<string, number>>();

function fit(ctx: CanvasRenderingContext2D, text: string, width: number, tail = false): string {
  const key = `${ctx.font}|${Math.round(width)}|${tail ? 't' : 'h'}|${text}`;
  let out = fitted.get(key);
  if (out !== undefined) return out;
  let glyphs = glyphWidths.get(ctx.font);
  if (!glyphs) glyphWidths.set(ctx.font, (glyphs = new Map()));
  const known = glyphs;
  const charWidth = (c: string) => {
    let w = known.get(c);
    if (w === undefined) known.set(c, (w = ctx.measureText(c).width));
    return w;
  };
  out = fitText((t) => ctx.measureText(t).width, charWidth, text, width, tail);
  if (fitted.size >= FITTED_MAX) fitted.clear();
  fitted.set(key, out);
  return out;
}

/**
 * The text, or as much of it as fits with an ellipsis: its start, or with `tail` its end. The cut is first guessed
 * from character widths (no kerning, so rarely too long) and checked with one real measurement; only a wrong
 * guess falls back to a binary search.
 */
export function fitText(
  measure: (text: string) => number,
  charWidth: (char: string) => number,
  text: string,
  width: number,
  tail = false,
): string {
  if (measure(text) <= width) return text;
  const chars = [...text];
  const part = (n: number) => (tail ? '…' + chars.slice(chars.length - n).join('') : chars.slice(0, n).join('') + '…');
  let used = charWidth('…');
  let guess = 0;
  for (let i = 0; i < chars.length; i++) {
    used += charWidth(chars[tail ? chars.length - 1 - i : i]!);
    if (used > width) break;
    guess = i + 1;
  }
  if (guess > 0 && measure(part(guess)) <= width) return part(guess);
  let lo = 0;
  let hi = Math.max(0, guess - 1);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(part(mid)) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? part(lo) : '';
}

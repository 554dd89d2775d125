import type { StoreState } from '@storepulse/protocol';

/** A text the canvas wall drew: its colour and opacity, and every colour painted before it since the recorder began. */
export interface DrawnText {
  text: string;
  colour: string;
  alpha: number;
  under: string[];
}

/**
 * A 2D context for drawTiles that paints nothing and records what it would: each text with its colour and
 * opacity, and the colours painted under it (rectangles and path strokes such as the stale hatching). Characters
 * measure 0.6 of the font's size, which is close to a bold sans-serif.
 */
export class CanvasRecorder {
  font = '10px sans-serif';
  fillStyle = '';
  strokeStyle = '';
  globalAlpha = 1;
  textAlign = 'left';
  textBaseline = 'alphabetic';
  lineCap = 'butt';
  lineJoin = 'miter';
  lineWidth = 1;
  readonly texts: DrawnText[] = [];
  /** The icons' paths stroked, in order. */
  readonly icons: unknown[] = [];
  private readonly painted: string[] = [];

  measureText(text: string) {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 10);
    return { width: [...text].length * size * 0.6 };
  }
  fillRect() {
    this.painted.push(this.fillStyle);
  }
  /** A path of its own is an icon, drawn in the text's colour; a bare stroke paints the current path (hatching). */
  stroke(path?: unknown) {
    if (path === undefined) this.painted.push(this.strokeStyle);
    else this.icons.push(path);
  }
  fillText(text: string) {
    this.texts.push({ text, colour: this.fillStyle, alpha: this.globalAlpha, under: [...new Set(this.painted)] });
  }
  getTransform() {
    return { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };
  }
  strokeRect() {}
  setTransform() {}
  setLineDash() {}
  save() {}
  restore() {}
  beginPath() {}
  rect() {}
  clip() {}
  moveTo() {}
  lineTo() {}

  /** Itself as the context drawTiles takes. */
  get context(): CanvasRenderingContext2D {
    return this as unknown as CanvasRenderingContext2D;
  }
}

/** Stand-ins for the icons' Path2D objects, which Node does not have. */
export const NO_ICONS = { ok: {}, degraded: {}, down: {}, offline: {}, closed: {}, maintenance: {} } as unknown as Record<StoreState | 'maintenance', Path2D>;

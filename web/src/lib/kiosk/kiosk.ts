import { GROUPINGS, type Grouping } from '../fleet/group.js';

/**
 * Kiosk mode for a wall screen, from the address: `?kiosk` hides the app's chrome, `rotate=<seconds>` alternates
 * the wall and the tickets board, `group=city` or `group=region` groups the wall's tiles, `canvas=1` paints the tiles on a canvas
 * whatever their number (for a slow wall PC).
 */
export interface KioskOptions {
  kiosk: boolean;
  /** Seconds per page, or null for no rotation. */
  rotateSec: number | null;
  groupBy: Grouping | null;
  canvas: boolean;
}

/** Shorter than this, nobody can read a page before it goes. */
export const MIN_ROTATE_SEC = 10;
export const ROTATION = ['/wall', '/tickets'] as const;

export function kioskOptions(params: URLSearchParams): KioskOptions {
  const flag = params.get('kiosk');
  const kiosk = flag !== null && flag !== '0' && flag !== 'false';
  const rotate = Number(params.get('rotate'));
  return {
    kiosk,
    rotateSec: kiosk && Number.isFinite(rotate) && rotate > 0 ? Math.max(MIN_ROTATE_SEC, Math.round(rotate)) : null,
    groupBy: GROUPINGS.find((g) => g === params.get('group')) ?? null,
    canvas: params.get('canvas') === '1',
  };
}

/** The next page of the rotation, keeping the kiosk options; null when the page is not part of it. */
export function nextInRotation(url: URL): string | null {
  const i = ROTATION.indexOf(url.pathname as (typeof ROTATION)[number]);
  if (i === -1) return null;
  return `${ROTATION[(i + 1) % ROTATION.length]}${url.search}`;
}

import type { StoreState } from '@storepulse/protocol';

/**
 * The canvas wall's tiles as links for keyboards, screen readers and tests. Two thousand of them as framework
 * components cost the first load a few hundred milliseconds; as one HTML string, then patched link by link when a
 * store changes, they cost a few.
 */
export interface TileLink {
  id: string;
  state: StoreState;
  name: string;
  label: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export const tileHref = (id: string) => `/stores/${encodeURIComponent(id)}`;

export function tileLinksHtml(links: readonly TileLink[], stale: boolean): string {
  const staleAttr = stale ? ' data-stale="true"' : '';
  let html = '';
  for (const l of links) {
    html +=
      `<li><a class="tile" href="${escape(tileHref(l.id))}" data-store-id="${escape(l.id)}" data-state="${l.state}"${staleAttr}` +
      ` aria-label="${escape(l.label)}">${escape(l.name)}</a></li>`;
  }
  return html;
}

/**
 * Which links to patch, by index: those whose store changed (all of them when staleness flipped). Null when the
 * list must be rebuilt because stores came, went or moved.
 */
export function changedLinks(prev: readonly TileLink[], next: readonly TileLink[], staleFlipped: boolean): number[] | null {
  if (prev.length !== next.length) return null;
  const out: number[] = [];
  for (let i = 0; i < next.length; i++) {
    const a = prev[i]!;
    const b = next[i]!;
    if (a.id !== b.id) return null;
    if (staleFlipped || a.state !== b.state || a.name !== b.name || a.label !== b.label) out.push(i);
  }
  return out;
}

/** Brings one rendered link up to date. */
export function patchLink(a: HTMLAnchorElement, link: TileLink, stale: boolean): void {
  a.dataset.state = link.state;
  if (stale) a.dataset.stale = 'true';
  else delete a.dataset.stale;
  a.setAttribute('aria-label', link.label);
  if (a.textContent !== link.name) a.textContent = link.name;
}

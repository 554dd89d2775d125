import type { StoreSummary } from '@storepulse/protocol';

/**
 * What index.html's inline script starts before the app's JavaScript has loaded: the session and, on the pages that
 * show the fleet, the stores. Each is taken once; later calls go to the network as usual.
 */
export interface Prefetched {
  session?: Promise<Response> | null;
  stores?: Promise<StoreSummary[] | null> | null;
}

declare global {
  interface Window {
    __storepulsePrefetch?: Prefetched;
  }
}

export function takePrefetched<K extends keyof Prefetched>(key: K, from: Prefetched | undefined = globalThis.window?.__storepulsePrefetch): Prefetched[K] | null {
  if (!from) return null;
  const value = from[key] ?? null;
  from[key] = null;
  return value;
}

import type { IncidentKind } from './types.js';

/** The same store, kind and start always give the same id, so a replay after a restart finds its incident. */
export function incidentId(storeId: string, kind: IncidentKind, startMs: number): string {
  const stamp = new Date(startMs).toISOString().replace(/[-:.]/g, '');
  return `inc_${storeId}_${kind}_${stamp}`;
}

import type { Components } from '@storepulse/protocol';
import type { Incident } from '../../src/domain/incidents/types.js';

const ok: Components = { pos: { state: 'ok' }, printer: { state: 'ok' }, payment: { state: 'ok' }, network: { state: 'ok' } };

/** An incident record as the incident engine emits it (only the fields a test cares about vary). */
export function incident(over: Partial<Incident> & { id: string; storeId: string }): Incident {
  const tillIds = over.tillIds ?? ['T1'];
  return {
    tillIds,
    kind: 'till_down',
    severity: 'major',
    status: 'open',
    startedAt: '2026-11-23T09:58:00.000Z',
    endedAt: null,
    recoveringSince: null,
    visitors: 12,
    lostRevenue: { gross: 72, net: 54, low: 40, high: 90, currency: 'EUR' },
    confidence: 0.9,
    flags: [],
    timeline: [],
    timeToBackupSec: null,
    method: 'full',
    components: Object.fromEntries(tillIds.map((t) => [t, { ...ok, pos: { state: 'error', detail: 'POS app not responding' } }])),
    final: false,
    updatedAt: '2026-11-23T10:00:00.000Z',
    ...over,
  };
}

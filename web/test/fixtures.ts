import type { IncidentView, StoreState, StoreSummary, TicketSlaTarget, TicketView, TillCounts } from '@storepulse/protocol';

export function tills(partial: Partial<TillCounts> = {}): TillCounts {
  const t = { up: 0, degraded: 0, down: 0, offline: 0, unknown: 0, ...partial };
  return { ...t, total: partial.total ?? t.up + t.degraded + t.down + t.offline + t.unknown };
}

export function summary(id: string, state: StoreState, extra: Partial<StoreSummary> = {}): StoreSummary {
  return {
    id,
    name: `Store ${id}`,
    city: 'Madrid',
    region: 'Iberia',
    timezone: 'Europe/Madrid',
    currency: 'EUR',
    state,
    since: '2026-11-23T08:00:00Z',
    tills: tills({ up: 4 }),
    maintenance: null,
    ...extra,
  };
}

export function incident(id: string, storeId: string, extra: Partial<IncidentView> = {}): IncidentView {
  return {
    id,
    storeId,
    tillIds: ['T1'],
    kind: 'till_down',
    severity: 'major',
    status: 'open',
    startedAt: '2026-11-23T08:00:00Z',
    endedAt: null,
    recoveringSince: null,
    visitors: 40,
    lostRevenue: { gross: 100, net: 80, low: 60, high: 140, currency: 'EUR' },
    confidence: 0.8,
    flags: [],
    timeline: [],
    timeToBackupSec: null,
    method: 'capacity',
    final: false,
    updatedAt: '2026-11-23T08:05:00Z',
    ...extra,
  };
}

const target = (dueAt: string | null, extra: Partial<TicketSlaTarget> = {}): TicketSlaTarget => ({
  goalMs: 3_600_000,
  dueAt,
  elapsedMs: 0,
  remainingMs: 3_600_000,
  percent: 0,
  stopped: false,
  paused: false,
  breached: false,
  ...extra,
});

export function ticket(id: string, extra: Partial<TicketView> = {}, sla: Partial<TicketView['sla']> = {}): TicketView {
  return {
    id,
    incidentId: `inc-${id}`,
    incidentIds: [`inc-${id}`],
    storeId: 'S001',
    tillIds: ['T1'],
    kind: 'till_down',
    category: 'pos',
    components: null,
    details: null,
    providerId: 'pilot',
    priority: 'P2',
    status: 'open',
    startedAt: '2026-11-23T08:00:00Z',
    openedAt: '2026-11-23T08:01:00Z',
    updatedAt: '2026-11-23T08:01:00Z',
    acknowledgedAt: null,
    onSiteAt: null,
    resolvedAt: null,
    closedAt: null,
    cancelledAt: null,
    recoveredAt: null,
    resolutionProposedAt: null,
    visitors: null,
    lostRevenue: null,
    pauses: [],
    onSiteLocation: null,
    audit: [],
    sla: {
      clock: '24x7',
      responseDueAt: '2026-11-23T09:01:00Z',
      onSiteDueAt: null,
      resolveDueAt: '2026-11-23T12:01:00Z',
      paused: false,
      breached: false,
      targets: {
        response: target('2026-11-23T09:01:00Z'),
        onSite: null,
        resolve: target('2026-11-23T12:01:00Z', { goalMs: 4 * 3_600_000 }),
      },
      ...sla,
    },
    ...extra,
  };
}

export { target };

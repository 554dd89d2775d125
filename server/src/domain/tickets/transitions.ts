import type { ActorRole, TicketStatus } from './types.js';

export const RESOLVE_REASONS = {
  provider: ['hardware_replaced', 'config_fixed', 'remote_fix'],
  store: ['staff_fixed'],
  hq: ['hardware_replaced', 'config_fixed', 'remote_fix', 'staff_fixed'],
} as const;
export const CANCEL_REASONS = ['false_alarm', 'duplicate'] as const;
/** Reasons storepulse itself gives. */
export const SYSTEM_REASONS = { recovered: 'recovered', recurred: 'recurred', storeRemoved: 'store_removed' } as const;

const ACTIVE: TicketStatus[] = ['open', 'acknowledged', 'waiting_store', 'on_site'];

interface Rule {
  from: readonly TicketStatus[];
  to: TicketStatus;
  /** Roles allowed, each with the reasons it must pick from (empty: no reason asked). */
  roles: Partial<Record<ActorRole, readonly string[]>>;
}

const RULES: readonly Rule[] = [
  { from: ['open', 'waiting_store'], to: 'acknowledged', roles: { provider: [], hq: [] } },
  // The store's answer when the provider waits for it. Not from open: store staff acknowledging a new ticket would
  // stop its escalations and take the provider's Acknowledge away while the response clock kept running.
  { from: ['waiting_store'], to: 'acknowledged', roles: { store: [] } },
  { from: ['open', 'acknowledged', 'on_site'], to: 'waiting_store', roles: { provider: [], hq: [] } },
  { from: ['open', 'acknowledged', 'waiting_store'], to: 'on_site', roles: { provider: [] } },
  { from: ACTIVE, to: 'resolved', roles: { provider: RESOLVE_REASONS.provider, store: RESOLVE_REASONS.store, hq: RESOLVE_REASONS.hq } },
  { from: ['resolved'], to: 'closed', roles: { hq: [] } },
  { from: [...ACTIVE, 'resolved'], to: 'closed', roles: { system: [SYSTEM_REASONS.recovered] } },
  { from: [...ACTIVE, 'resolved'], to: 'cancelled', roles: { hq: CANCEL_REASONS } },
  { from: ['resolved', 'closed'], to: 'open', roles: { hq: [], system: [SYSTEM_REASONS.recurred] } },
];

export interface AllowedTransition {
  to: TicketStatus;
  /** The reasons to choose from; empty when none is asked. */
  reasons: string[];
}

/** What a role may do from a status: the list a refused request gets back. */
export function allowedTransitions(from: TicketStatus, role: ActorRole): AllowedTransition[] {
  const out: AllowedTransition[] = [];
  for (const r of RULES) {
    const reasons = r.roles[role];
    if (reasons && r.from.includes(from)) out.push({ to: r.to, reasons: [...reasons] });
  }
  return out;
}

export type TransitionCheck =
  | { ok: true }
  | { ok: false; code: 'invalid_transition' | 'invalid_reason'; message: string; allowed: AllowedTransition[] };

export function checkTransition(from: TicketStatus, to: TicketStatus, role: ActorRole, reason: string | null | undefined): TransitionCheck {
  const allowed = allowedTransitions(from, role);
  const rule = allowed.find((a) => a.to === to);
  if (!rule) {
    return { ok: false, code: 'invalid_transition', message: `${role} cannot move a ticket from ${from} to ${to}`, allowed };
  }
  if (rule.reasons.length > 0 && !(reason && rule.reasons.includes(reason))) {
    return {
      ok: false,
      code: 'invalid_reason',
      message: `${to} by ${role} needs a reason: ${rule.reasons.join(', ')}`,
      allowed,
    };
  }
  return { ok: true };
}

export function isActive(status: TicketStatus): boolean {
  return ACTIVE.includes(status);
}

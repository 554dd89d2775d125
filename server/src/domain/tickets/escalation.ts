import type { EscalationStep } from '../sla/providers.js';
import type { Ticket } from './types.js';

/**
 * Where escalations count from: the ticket's latest opening, handover or reopening (its audit's last move to open), or
 * the end of its last pause, when the fault came back to a ticket that stood recovered. Nobody was late to acknowledge
 * it before then.
 */
export function escalationStartMs(t: Pick<Ticket, 'audit' | 'pauses' | 'openedAt'>): number {
  const opened = Date.parse(t.audit.findLast((a) => a.to === 'open')?.at ?? t.openedAt);
  const resumed = t.pauses.at(-1)?.end;
  return resumed ? Math.max(opened, Date.parse(resumed)) : opened;
}

export interface DueEscalation {
  step: number;
  notify: string;
  /** How many times this step has now fired, this one included. */
  count: number;
}

/** When a step fires next, given how often it already did; null once it is done. */
export function nextEscalationAt(openedMs: number, step: EscalationStep, sent: number): number | null {
  const first = openedMs + step.afterMs;
  if (sent === 0) return first;
  return step.repeatMs === null ? null : first + sent * step.repeatMs;
}

/**
 * The escalation steps due at `nowMs` for a ticket nobody acknowledged. A step that fell behind
 * (the server was down) fires once and catches its count up, rather than sending a burst.
 */
export function dueEscalations(openedMs: number, steps: readonly EscalationStep[], sent: readonly number[], nowMs: number): DueEscalation[] {
  const out: DueEscalation[] = [];
  steps.forEach((step, i) => {
    const done = sent[i] ?? 0;
    const at = nextEscalationAt(openedMs, step, done);
    if (at === null || at > nowMs) return;
    const first = openedMs + step.afterMs;
    const count = step.repeatMs === null ? 1 : Math.floor((nowMs - first) / step.repeatMs) + 1;
    out.push({ step: i, notify: step.notify, count: Math.max(count, done + 1) });
  });
  return out;
}

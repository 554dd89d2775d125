import { describe, expect, it } from 'vitest';
import type { Components } from '@storepulse/protocol';
import { DEFAULT_TILL_RULES, deriveTillState, type TillRuleTable } from '../../src/domain/till-state.js';

const healthy: Components = {
  pos: { state: 'ok' },
  printer: { state: 'ok' },
  payment: { state: 'ok' },
  network: { state: 'ok' },
};
const withPart = (patch: Partial<Components>): Components => ({ ...healthy, ...patch });
const derive = (components: Components | null, online = true, stale = false, rules?: TillRuleTable) =>
  deriveTillState({ online, components, stale }, rules);

describe('deriveTillState with the default rule table', () => {
  it('is up when every component is ok', () => expect(derive(healthy)).toBe('up'));
  it('is offline when the agent is gone, whatever it last reported', () => expect(derive(healthy, false)).toBe('offline'));
  it('is unknown before the first status and when the status is stale', () => {
    expect(derive(null)).toBe('unknown');
    expect(derive(healthy, true, true)).toBe('unknown');
  });
  it.each(['error', 'unknown'] as const)('is down when the POS is %s', (state) => {
    expect(derive(withPart({ pos: { state } }))).toBe('down');
  });
  it.each(['paper_out', 'cover_open', 'offline', 'error'] as const)('is down when the printer is %s', (state) => {
    expect(derive(withPart({ printer: { state } }))).toBe('down');
  });
  it('is degraded (cash only) when the payment terminal is unreachable', () => {
    expect(derive(withPart({ payment: { state: 'unreachable' } }))).toBe('degraded');
  });
  it('is degraded when the printer paper is low', () => {
    expect(derive(withPart({ printer: { state: 'paper_low' } }))).toBe('degraded');
  });
  it('lets down win over degraded', () => {
    expect(derive(withPart({ printer: { state: 'paper_out' }, payment: { state: 'unreachable' } }))).toBe('down');
  });
  it('ignores a network warning by default (the status still arrived)', () => {
    expect(derive(withPart({ network: { state: 'degraded' } }))).toBe('up');
  });
});

describe('deriveTillState with a table from HQ', () => {
  it('follows the configured rules instead of the defaults', () => {
    const rules: TillRuleTable = { down: { payment: ['unreachable'] }, degraded: { network: ['degraded'] } };
    expect(derive(withPart({ payment: { state: 'unreachable' } }), true, false, rules)).toBe('down');
    expect(derive(withPart({ network: { state: 'degraded' } }), true, false, rules)).toBe('degraded');
    expect(derive(withPart({ printer: { state: 'paper_out' } }), true, false, rules)).toBe('up');
  });
  it('keeps the default table intact', () => {
    expect(DEFAULT_TILL_RULES.down.printer).toContain('paper_out');
  });
});

import { describe, expect, it } from 'vitest';
import { dueEscalations, nextEscalationAt } from '../../../src/domain/tickets/escalation.js';
import { M } from './fixtures.js';

const steps = [
  { afterMs: 15 * M, notify: 'duty@p.example', repeatMs: null },
  { afterMs: 30 * M, notify: 'boss@p.example', repeatMs: 60 * M },
];

describe('escalation schedule', () => {
  it('fires a one-off step once and a repeating step every period', () => {
    expect(nextEscalationAt(0, steps[0]!, 0)).toBe(15 * M);
    expect(nextEscalationAt(0, steps[0]!, 1)).toBeNull();
    expect(nextEscalationAt(0, steps[1]!, 2)).toBe(150 * M);
    expect(dueEscalations(0, steps, [], 14 * M)).toEqual([]);
    expect(dueEscalations(0, steps, [], 15 * M)).toEqual([{ step: 0, notify: 'duty@p.example', count: 1 }]);
    expect(dueEscalations(0, steps, [1], 30 * M)).toEqual([{ step: 1, notify: 'boss@p.example', count: 1 }]);
    expect(dueEscalations(0, steps, [1, 1], 89 * M)).toEqual([]);
    expect(dueEscalations(0, steps, [1, 1], 90 * M)).toEqual([{ step: 1, notify: 'boss@p.example', count: 2 }]);
  });

  it('catches up after an outage with one notification per step', () => {
    expect(dueEscalations(0, steps, [], 300 * M)).toEqual([
      { step: 0, notify: 'duty@p.example', count: 1 },
      { step: 1, notify: 'boss@p.example', count: 5 },
    ]);
  });
});

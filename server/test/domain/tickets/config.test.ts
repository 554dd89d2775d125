import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_TICKETS_CONFIG, TicketsConfigSchema, toTicketsConfig, type TicketsConfigInput } from '../../../src/domain/tickets/config.js';
import { priorityFor } from '../../../src/domain/tickets/priority.js';
import { H, M } from './fixtures.js';

const validate = new Ajv({ strict: true, allErrors: true }).compile<TicketsConfigInput>(TicketsConfigSchema);

describe('tickets config', () => {
  it('defaults every setting', () => {
    expect(toTicketsConfig()).toEqual(DEFAULT_TICKETS_CONFIG);
    expect(DEFAULT_TICKETS_CONFIG).toMatchObject({ reopenWindowMs: 24 * H, autoCloseAfterMs: 30 * M, selfFixGraceMs: 15 * M });
  });

  it('reads durations and a priority matrix from YAML', () => {
    const raw = parse(`
tickets:
  reopenWindow: 2h
  autoCloseAfter: 10m
  selfFixGrace: 5m
  priorityMatrix:
    - { priority: P1, kinds: [store_down, store_offline] }
    - { priority: P1, categories: [payment], minShare: 0.75 }
    - { priority: P2 }
`).tickets;
    expect(validate(raw)).toBe(true);
    const cfg = toTicketsConfig(raw);
    expect(cfg).toMatchObject({ reopenWindowMs: 2 * H, autoCloseAfterMs: 10 * M, selfFixGraceMs: 5 * M });
    expect(priorityFor({ kind: 'till_degraded', category: 'payment', tillsAffected: 3, tillsTotal: 4 }, cfg.priorityMatrix)).toBe('P1');
    expect(priorityFor({ kind: 'till_degraded', category: 'printer', tillsAffected: 1, tillsTotal: 4 }, cfg.priorityMatrix)).toBe('P2');
  });

  it('refuses unknown keys, bad durations and bad rules', () => {
    for (const bad of [{ reopenWindow: 'a day' }, { autoclose: '1h' }, { priorityMatrix: [{ priority: 'P4' }] }, { priorityMatrix: [{ priority: 'P1', minShare: 2 }] }, { priorityMatrix: [] }]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('matches the defaults printed in docs/webhooks.md', () => {
    const doc = readFileSync(new URL('../../../../docs/webhooks.md', import.meta.url), 'utf8');
    const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.startsWith('tickets:'));
    const raw = parse(block!).tickets;
    expect(validate(raw)).toBe(true);
    expect(toTicketsConfig(raw)).toEqual(DEFAULT_TICKETS_CONFIG);
  });
});

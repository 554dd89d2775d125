import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ProvidersSectionSchema, TicketsSectionSchema, parseTicketSections } from '../../src/services/tickets/index.js';

/** The two sections embedded the way the config file loader embeds them (strict ajv, every error). */
const validate = new Ajv({ allErrors: true, strict: true }).compile(
  Type.Object(
    { providers: Type.Optional(ProvidersSectionSchema), tickets: Type.Optional(TicketsSectionSchema) },
    { additionalProperties: false },
  ),
);

const ISSUE_EXAMPLE = `
providers:
  - id: pilot
    name: Pilot Service
    categories: [all]
    stores: [S001, S002]
    webhooks:
      - { url: "https://helpdesk.example/hooks/storepulse", secret: "change-me", events: [ticket.opened, ticket.updated, ticket.closed] }
    sla:
      P1: { response: 15m, onSite: 4h, resolve: 8h, clock: 24x7 }
      P2: { response: 1h, onSite: 8h, resolve: 1d, clock: store_hours }
      P3: { response: 4h, resolve: 2d, clock: store_hours }
    escalation:
      - { after: 15m, notify: "duty-manager@pilot.example" }
tickets:
  reopenWindow: 24h
  autoCloseAfter: 30m
  selfFixGrace: 15m
`;

describe('the providers: and tickets: config sections', () => {
  it('load the documented example as it is', () => {
    const raw = load(ISSUE_EXAMPLE) as { providers: unknown; tickets: object };
    expect(validate(raw)).toBe(true);
    const parsed = parseTicketSections(raw);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.providers.map((p) => p.id)).toEqual(['pilot']);
    expect(parsed.value.tickets).toMatchObject({ reopenWindowMs: 24 * 3_600_000, autoCloseAfterMs: 30 * 60_000, selfFixGraceMs: 15 * 60_000 });
  });

  it('default both sections when absent', () => {
    const parsed = parseTicketSections({});
    expect(parsed.ok && parsed.value.providers).toEqual([]);
    expect(parsed.ok && parsed.value.tickets.autoCloseAfterMs).toBe(30 * 60_000);
  });

  it('name every bad field', () => {
    const raw = load(`
providers:
  - id: pilot
    name: Pilot
    categories: [tills]
    stores: [S001]
    sla: { P1: { response: soon, resolve: 8h, clock: 24x7 } }
tickets: { autoCloseAfter: 30 minutes }
`);
    expect(validate(raw)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths).toEqual(expect.arrayContaining(['/providers/0/categories/0', '/providers/0/sla/P1/response', '/tickets/autoCloseAfter']));
  });

  it('refuse what a schema cannot see: duplicate ids and targets out of order', () => {
    const provider = (id: string, response: string) => ({ id, name: id, categories: ['all'], stores: ['S001'], sla: { P2: { response, resolve: '1h', clock: '24x7' } } });
    const parsed = parseTicketSections({ providers: [provider('a', '15m'), provider('a', '2h')] });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toEqual([
      'providers/1/id "a" is used twice',
      'providers/1/sla/P2 must respond and be on site before it resolves',
    ]);
  });
});

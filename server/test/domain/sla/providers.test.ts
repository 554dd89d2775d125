import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseProviders } from '../../../src/domain/sla/providers.js';

// The example from the issue, verbatim.
const EXAMPLE = `
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
`;

const H = 3_600_000;
/** A provider as the YAML reads, before it is checked. */
type RawProvider = Record<string, unknown> & { webhooks: Record<string, unknown>[] };
const example = () => structuredClone(parse(EXAMPLE).providers) as RawProvider[];

describe('providers config', () => {
  it('loads the example of the issue as it is, durations parsed', () => {
    const r = parseProviders(parse(EXAMPLE).providers);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [p] = r.providers;
    expect(p).toMatchObject({ id: 'pilot', name: 'Pilot Service', categories: 'all', stores: ['S001', 'S002'], email: null });
    expect(p!.sla.P1).toEqual({ clock: '24x7', responseMs: 0.25 * H, onSiteMs: 4 * H, resolveMs: 8 * H });
    expect(p!.sla.P2).toEqual({ clock: 'store_hours', responseMs: H, onSiteMs: 8 * H, resolveMs: 24 * H });
    expect(p!.sla.P3).toEqual({ clock: 'store_hours', responseMs: 4 * H, onSiteMs: null, resolveMs: 48 * H });
    expect(p!.webhooks).toEqual([
      {
        url: 'https://helpdesk.example/hooks/storepulse',
        secrets: ['change-me'],
        events: ['ticket.opened', 'ticket.updated', 'ticket.closed'],
        format: 'storepulse',
      },
    ]);
    expect(p!.escalation).toEqual([{ afterMs: 0.25 * H, notify: 'duty-manager@pilot.example', repeatMs: null }]);
  });

  it('takes two secrets while rotating, every event by default, and a chat format', () => {
    const raw = example();
    raw[0]!.webhooks = [{ url: 'https://hooks.slack.example/x', secret: ['new', 'old'], format: 'slack' }];
    const r = parseProviders(raw);
    expect(r.ok && r.providers[0]!.webhooks[0]).toMatchObject({ secrets: ['new', 'old'], format: 'slack' });
    expect(r.ok && r.providers[0]!.webhooks[0]!.events).toHaveLength(7);
  });

  it('refuses bad input with messages that point at the field', () => {
    const cases: [(p: Record<string, any>) => void, string][] = [
      [(p) => (p.sla.P1.response = '15 minutes'), '/0/sla/P1/response'],
      [(p) => (p.sla.P1.clock = 'office'), '/0/sla/P1/clock'],
      [(p) => (p.categories = ['fridges']), '/0/categories/0'],
      [(p) => (p.webhooks[0].url = 'ftp://x'), '/0/webhooks/0/url'],
      [(p) => (p.webhooks[0].events = ['ticket.exploded']), '/0/webhooks/0/events/0'],
      [(p) => (p.colour = 'blue'), 'additional properties'],
      [(p) => delete p.sla.P2.resolve, "must have required property 'resolve'"],
    ];
    for (const [mutate, expected] of cases) {
      const raw = example();
      mutate(raw[0]!);
      const r = parseProviders(raw);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toContain(expected);
    }
    expect(parseProviders({ id: 'x' }).ok).toBe(false);
  });

  it('refuses a webhook address with a user and password, without repeating the password', () => {
    const raw = example();
    raw[0]!.webhooks[0]!.url = 'https://helpdesk:S3cretPass@helpdesk.example/hooks';
    const r = parseProviders(raw);
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^providers\/0\/webhooks\/0\/url must not carry a user or password/)] });
    expect(JSON.stringify(r)).not.toContain('S3cretPass');
  });

  it('refuses duplicate ids, zero durations and targets out of order', () => {
    const dup = [...example(), ...example()];
    expect(parseProviders(dup)).toEqual({ ok: false, errors: ['providers/1/id "pilot" is used twice'] });
    const zero = example();
    (zero[0] as any).sla.P1.response = '0m';
    expect(parseProviders(zero)).toEqual({ ok: false, errors: ['providers/0/sla/P1 has a zero duration'] });
    const never = example();
    (never[0] as any).escalation = [{ after: '0m', notify: 'duty@pilot.example', repeat: '0s' }];
    expect(parseProviders(never)).toEqual({
      ok: false, errors: ['providers/0/escalation/0/after is zero; a duration must be positive', 'providers/0/escalation/0/repeat is zero; a duration must be positive'],
    });
    const order = example();
    (order[0] as any).sla.P1.onSite = '9h';
    expect(parseProviders(order)).toEqual({ ok: false, errors: ['providers/0/sla/P1 must respond and be on site before it resolves'] });
  });
});

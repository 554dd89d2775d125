import Type, { type Static } from 'typebox';
import { Ajv } from 'ajv';
import { ID_PATTERN } from '@storepulse/protocol';
import { CATEGORIES, PRIORITIES, TICKET_EVENT_TYPES, type Category, type Priority, type TicketEventType } from '../tickets/types.js';
import { SLA_CLOCKS, type SlaClock } from './clock.js';
import { DURATION_PATTERN, durationMs, parseDuration } from './duration.js';

const Duration = Type.String({ pattern: DURATION_PATTERN, description: 'A duration like 15m, 4h, 1d or 1h30m' });

export const SlaTargetsSchema = Type.Object(
  {
    response: Duration,
    onSite: Type.Optional(Duration),
    resolve: Duration,
    clock: Type.Enum([...SLA_CLOCKS]),
  },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
    /** One secret, or two while rotating: every one of them signs each delivery. */
    secret: Type.Union([
      Type.String({ minLength: 1, maxLength: 256 }),
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { minItems: 1, maxItems: 2 }),
    ]),
    events: Type.Optional(Type.Array(Type.Enum([...TICKET_EVENT_TYPES]), { minItems: 1, uniqueItems: true })),
    /** `storepulse` is the signed JSON body; `slack` and `teams` post a chat message to an incoming webhook. */
    format: Type.Optional(Type.Enum(['storepulse', 'slack', 'teams'])),
  },
  { additionalProperties: false },
);

export const ContactSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    email: Type.Optional(Type.String({ maxLength: 256 })),
    phone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const EscalationStepSchema = Type.Object(
  {
    after: Duration,
    /** An email address, or a contact's name. */
    notify: Type.String({ minLength: 1, maxLength: 256 }),
    /** Notify again this often until the ticket is acknowledged. */
    repeat: Type.Optional(Duration),
  },
  { additionalProperties: false },
);

export const ProviderSchema = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    name: Type.String({ minLength: 1, maxLength: 128 }),
    categories: Type.Array(Type.Enum([...CATEGORIES, 'all']), { minItems: 1, uniqueItems: true }),
    /** Store ids or city names. */
    stores: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1 }),
    contacts: Type.Optional(Type.Array(ContactSchema)),
    webhooks: Type.Optional(Type.Array(WebhookSchema)),
    email: Type.Optional(Type.String({ minLength: 3, maxLength: 256 })),
    sla: Type.Object(
      { P1: Type.Optional(SlaTargetsSchema), P2: Type.Optional(SlaTargetsSchema), P3: Type.Optional(SlaTargetsSchema) },
      { additionalProperties: false },
    ),
    escalation: Type.Optional(Type.Array(EscalationStepSchema)),
  },
  { additionalProperties: false },
);

/** The `providers:` section of the config file. */
export const ProvidersSchema = Type.Array(ProviderSchema);

export type ProviderConfig = Static<typeof ProviderSchema>;
export type WebhookConfig = Static<typeof WebhookSchema>;

export interface SlaPolicy {
  clock: SlaClock;
  responseMs: number;
  onSiteMs: number | null;
  resolveMs: number;
}

export interface EscalationStep {
  afterMs: number;
  notify: string;
  repeatMs: number | null;
}

export interface WebhookEndpoint {
  url: string;
  /** Current secret first. */
  secrets: string[];
  events: TicketEventType[];
  format: 'storepulse' | 'slack' | 'teams';
}

/** A provider with durations parsed: what routing, the SLA clock and the notifier use. */
export interface Provider {
  id: string;
  name: string;
  categories: Category[] | 'all';
  stores: string[];
  contacts: { name: string; email?: string; phone?: string }[];
  webhooks: WebhookEndpoint[];
  email: string | null;
  sla: Partial<Record<Priority, SlaPolicy>>;
  escalation: EscalationStep[];
}

export function toProvider(cfg: ProviderConfig): Provider {
  const sla: Partial<Record<Priority, SlaPolicy>> = {};
  for (const p of PRIORITIES) {
    const t = cfg.sla[p];
    if (t) {
      sla[p] = {
        clock: t.clock,
        responseMs: durationMs(t.response),
        onSiteMs: t.onSite ? durationMs(t.onSite) : null,
        resolveMs: durationMs(t.resolve),
      };
    }
  }
  return {
    id: cfg.id,
    name: cfg.name,
    categories: cfg.categories.includes('all') ? 'all' : (cfg.categories as Category[]),
    stores: [...cfg.stores],
    contacts: cfg.contacts ?? [],
    webhooks: (cfg.webhooks ?? []).map((w) => ({
      url: w.url,
      secrets: typeof w.secret === 'string' ? [w.secret] : [...w.secret],
      events: w.events ?? [...TICKET_EVENT_TYPES],
      format: w.format ?? 'storepulse',
    })),
    email: cfg.email ?? null,
    sla,
    escalation: (cfg.escalation ?? []).map((e) => ({
      afterMs: durationMs(e.after),
      notify: e.notify,
      repeatMs: e.repeat ? durationMs(e.repeat) : null,
    })),
  };
}

const validate = new Ajv({ allErrors: true, strict: true }).compile<ProviderConfig[]>(ProvidersSchema);

export type ProvidersResult = { ok: true; providers: Provider[] } | { ok: false; errors: string[] };

/**
 * Validates a parsed `providers:` section and checks what a schema cannot: unique ids, non-zero
 * durations, and targets in a sensible order (respond before on-site before resolve).
 */
export function parseProviders(raw: unknown): ProvidersResult {
  if (!validate(raw)) {
    return { ok: false, errors: (validate.errors ?? []).map((e) => `providers${e.instancePath} ${e.message ?? 'is invalid'}`) };
  }
  const errors: string[] = [];
  const seen = new Set<string>();
  raw.forEach((p, i) => {
    if (seen.has(p.id)) errors.push(`providers/${i}/id "${p.id}" is used twice`);
    seen.add(p.id);
    (p.escalation ?? []).forEach((e, k) => {
      for (const field of ['after', 'repeat'] as const) {
        const text = e[field];
        if (text !== undefined && msOrZero(text) === 0) errors.push(`providers/${i}/escalation/${k}/${field} is zero; a duration must be positive`);
      }
    });
    (p.webhooks ?? []).forEach((w, k) => {
      // fetch refuses a URL with a user and password, and its error quotes the URL whole: say so here, without it.
      if (hasUserInfo(w.url)) errors.push(`providers/${i}/webhooks/${k}/url must not carry a user or password (user:password@): use a token in the path or query, or the webhook's secret`);
    });
    for (const prio of PRIORITIES) {
      const t = p.sla[prio];
      if (!t) continue;
      const [r, o, s] = [t.response, t.onSite ?? t.resolve, t.resolve].map(msOrZero);
      if (r === 0 || o === 0 || s === 0) errors.push(`providers/${i}/sla/${prio} has a zero duration`);
      else if (!(r! <= s! && o! <= s!)) errors.push(`providers/${i}/sla/${prio} must respond and be on site before it resolves`);
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, providers: raw.map(toProvider) };
}

/**
 * One line per webhook of a provider whose URL `refuse` turns down (the destination policy, kept outside the domain),
 * named by its field under `path` (e.g. `providers[2].`); the URL itself is not repeated, as it can be the credential.
 */
export function webhookUrlProblems(p: Pick<ProviderConfig, 'webhooks'>, path: string, refuse: (url: string) => string | null): string[] {
  return (p.webhooks ?? []).flatMap((w, k) => {
    const why = refuse(w.url);
    return why === null ? [] : [`${path}webhooks[${k}].url ${why}`];
  });
}

function hasUserInfo(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

function msOrZero(text: string): number {
  const r = parseDuration(text);
  return r.ok ? r.ms : 0;
}

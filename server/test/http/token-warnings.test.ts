import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startHarness, TWO_STORES_YAML, type Harness } from '../support/harness.js';

// Pilot has a contract for S001; S002 names "other", which has none.
const YAML = `${TWO_STORES_YAML}
providers:
  - id: pilot
    name: Pilot Service
    categories: [all]
    stores: [S001]
    sla:
      P2: { response: 1h, resolve: 1d, clock: 24x7 }
`;

type Issued = { id: string; token: string; warnings: { code: string; message: string }[] };

/**
 * A token for a provider or store that is not configured yet is still issued (onboarding often goes token first),
 * but the answer and the log say what it will not see until it is.
 */
describe('POST /api/tokens: warnings about a scope not configured yet, or wider than a till needs', () => {
  let h: Harness;
  const logLines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    h = await startHarness({ yaml: YAML, logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => h?.close());

  const issue = async (body: Record<string, string>): Promise<Issued> => {
    const res = await h.api('/api/tokens', { method: 'POST', body: JSON.stringify({ label: 'onboarding', ...body }) });
    expect(res.status).toBe(201);
    return (await res.json()) as Issued;
  };

  it('has no warning for a configured provider, a known store or a role without scope', async () => {
    expect((await issue({ role: 'provider', providerId: 'pilot' })).warnings).toEqual([]);
    expect((await issue({ role: 'agent', storeId: 'S001' })).warnings).toEqual([]);
    expect((await issue({ role: 'hq-viewer' })).warnings).toEqual([]);
  });

  it('issues a token for an unknown provider with a warning, logged without the secret, and the token works', async () => {
    const issued = await issue({ role: 'provider', providerId: 'newco' });
    expect(issued.warnings).toEqual([{ code: 'provider_not_configured', message: 'provider newco is not configured yet: this token sees nothing until it is' }]);
    const logged = logLines.find((l) => l.includes(issued.id) && l.includes('newco is not configured yet'));
    expect(logged).toBeDefined();
    expect(logged).not.toContain(issued.token);
    const stores = await h.api('/api/stores', { token: issued.token });
    expect(stores.status).toBe(200);
    expect(await stores.json()).toEqual([]);
  });

  it('says a provider named only by a store sees that store but gets no tickets', async () => {
    const issued = await issue({ role: 'provider', providerId: 'other' });
    expect(issued.warnings).toEqual([
      { code: 'provider_not_configured_stores_only', message: 'provider other is not configured yet: this token sees the stores that name it but no tickets until it is' },
    ]);
  });

  it('says a configured provider that serves no store sees nothing, until its contract lists one', async () => {
    const idle = { id: 'idle', name: 'Idle Co', categories: ['all'], stores: ['Atlantis'], sla: { P2: { response: '1h', resolve: '1d', clock: '24x7' } } };
    expect((await h.api('/api/providers/idle', { method: 'PUT', body: JSON.stringify(idle) })).status).toBe(201);
    expect((await issue({ role: 'provider', providerId: 'idle' })).warnings).toEqual([
      { code: 'provider_without_stores', message: 'provider idle serves no store yet: this token sees nothing until it does' },
    ]);
    expect((await h.api('/api/providers/idle', { method: 'PUT', body: JSON.stringify({ ...idle, stores: ['S002'] }) })).status).toBe(200);
    expect((await issue({ role: 'provider', providerId: 'idle' })).warnings).toEqual([]);
  });

  it('warns that an agent token for an unknown store has its messages refused', async () => {
    const issued = await issue({ role: 'agent', storeId: 'S999' });
    expect(issued.warnings).toEqual([{ code: 'store_not_configured', message: "store S999 is not configured yet: this agent's messages are refused until it is" }]);
  });

  it('warns that an agent token bound to no store may publish for every store, and issues it', async () => {
    const issued = await issue({ role: 'agent' });
    expect(issued.warnings).toEqual([{ code: 'agent_all_stores', message: "this agent token is bound to no store: it may publish for every store's tills. A till PC's token should name its store" }]);
    expect(logLines.some((l) => l.includes('"agent_all_stores"') || l.includes('bound to no store'))).toBe(true);
  });

  it('documents the warnings in the OpenAPI answer of POST /api/tokens', async () => {
    const doc = (await (await h.api('/api/docs/json')).json()) as {
      paths: Record<string, { post?: { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown>; required: string[] } }> }> } }>;
    };
    const schema = doc.paths['/api/tokens']!.post!.responses['201']!.content['application/json']!.schema;
    expect(schema.properties).toHaveProperty('warnings');
    expect(schema.required).toContain('warnings');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { ConfigError } from '../../src/config/config-error.js';
import { metricValue, startHarness, TWO_STORES_YAML } from '../support/harness.js';
import { incident } from './incidents.js';
import { providerConfigs, startTicketNode, tempDir, type TicketNode } from './harness.js';
import { helpdesk } from './receiver.js';

const json = async <T>(res: Response) => (await res.json()) as T;

describe('saving a provider whose webhook points inside', () => {
  let node: TicketNode;
  beforeAll(async () => {
    node = await startTicketNode({ dir: tempDir(), clock: { now: Date.parse('2026-11-23T10:00:00Z') }, providers: providerConfigs(() => 'https://helpdesk.example/hook') });
  });
  afterAll(() => node.close());

  const body = (urls: string[]) => ({
    id: 'north',
    name: 'North Tech',
    categories: ['all'],
    stores: ['Bilbao'],
    webhooks: urls.map((url, i) => ({ url, secret: 's3cret', ...(i === 1 ? { format: 'slack' } : {}) })),
    sla: { P2: { response: '30m', resolve: '4h', clock: '24x7' } },
  });
  const put = (b: unknown) => node.api('/api/providers/north', { token: node.issue('hq-admin'), method: 'PUT', body: JSON.stringify(b) });

  it('is refused with 400 naming the field, for the metadata address and other internal ones; nothing is saved', async () => {
    const res = await put(body(['http://169.254.169.254/latest/meta-data/', 'https://hooks.example/services/T0/B0/SLACKSECRET']));
    expect(res.status).toBe(400);
    expect((await json<{ message: string }>(res)).message).toBe(
      'webhooks[0].url must not point to an internal address: 169.254.169.254 is a link-local address (where cloud metadata services answer); list an internal receiver in WEBHOOK_ALLOW_HOSTS to allow it',
    );
    const both = await put(body(['http://10.1.2.3:8086/query?q=DROP', 'http://[::ffff:192.168.0.1]/services/T0/B0/SLACKSECRET']));
    expect(both.status).toBe(400);
    const message = (await json<{ message: string }>(both)).message;
    expect(message).toMatch(/^webhooks\[0\]\.url must not point to an internal address: 10\.1\.2\.3 is a private network address.*; webhooks\[1\]\.url must not point to an internal address: ::ffff:c0a8:1 is a private network address/);
    // The URL's path and query (where a credential can be) are not repeated.
    expect(message).not.toMatch(/SLACKSECRET|DROP/);
    for (const url of ['http://localhost:8094/api/tokens', 'http://[::1]/', 'http://100.64.0.1/', 'http://0.0.0.0:8080/']) {
      expect((await put(body([url]))).status, url).toBe(400);
    }
    expect((await node.api('/api/providers/north', { token: node.issue('hq-admin') })).status).toBe(404);
    expect((await put(body(['https://helpdesk.example/hook']))).status).toBe(201);
  });

  it('goes through when WEBHOOK_ALLOW_HOSTS lists it (the test receivers on 127.0.0.1 are)', async () => {
    expect((await put(body(['http://127.0.0.1:9/hook']))).status).toBe(200);
  });
});

describe('a delivery to a name that resolves inside', () => {
  let node: TicketNode;
  let desk: ReturnType<typeof helpdesk>;
  beforeAll(async () => {
    const port = await freePort();
    desk = helpdesk(port, { pilot: ['new-secret'] });
    await desk.start();
    // As configured before: nothing allow-listed, and a name the save-time check cannot see through (file providers
    // reach the service already validated; here they skip the server's check) that resolves to loopback.
    node = await startTicketNode({
      dir: tempDir(),
      clock: { now: Date.parse('2026-11-23T10:00:00Z') },
      providers: providerConfigs((p) => `http://localhost:${port}/${p}`),
      webhookAllowHosts: [],
    });
  });
  afterAll(async () => {
    await node.close();
    await desk.stop();
  });

  it('fails at once, is counted, shown on the ticket without the address, and reaches nobody', async () => {
    const r = node.tickets.onIncident('incident.opened', { incident: incident({ id: 'inc_S001_till_down', storeId: 'S001' }) });
    const ticketId = r.effects[0]!.ticket.id;
    const hq = node.issue('hq-admin');
    type Detail = { deliveries: { status: string; attempts: number; lastError: string | null; attemptLog: { ok: boolean; error: string | null }[] }[] };
    const detail = await waitFor(async () => {
      const d = await json<Detail>(await node.api(`/api/tickets/${ticketId}`, { token: hq }));
      return d.deliveries[0]?.status === 'failed' ? d : null;
    }, 5000, 'the delivery to fail');
    const error = 'destination refused: localhost resolves to a loopback address; internal receivers are reached only when WEBHOOK_ALLOW_HOSTS lists them';
    expect(detail.deliveries).toEqual([expect.objectContaining({ status: 'failed', attempts: 1, lastError: error, attemptLog: [expect.objectContaining({ ok: false, error })] })]);
    expect(metricValue(await node.registry.metrics(), 'storepulse_notify_destinations_refused_total', { channel: 'webhook', class: 'loopback' })).toBe(1);
    // Not retried: the quick retry schedule of the harness would have tried again by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(node.tickets.outbox.list({ ticketId })).toEqual([expect.objectContaining({ status: 'failed', attempts: 1 })]);
    expect(desk.arrivals).toEqual([]);
  });
});

describe('the config file', () => {
  const yaml = (url: string) => `${TWO_STORES_YAML}
providers:
  - id: pilot
    name: Pilot Service
    categories: [all]
    stores: [S001]
    webhooks:
      - { url: "https://helpdesk.example/hook", secret: "change-me" }
      - { url: "${url}", secret: "change-me" }
    sla:
      P1: { response: 15m, resolve: 8h, clock: 24x7 }
`;

  it('is refused at start when a webhook points inside, naming the field', async () => {
    let err: unknown;
    await startHarness({ yaml: yaml('http://169.254.169.254/latest/meta-data/') }).catch((e: unknown) => (err = e));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'providers[0].webhooks[1].url must not point to an internal address: 169.254.169.254 is a link-local address (where cloud metadata services answer); list an internal receiver in WEBHOOK_ALLOW_HOSTS to allow it',
    ]);
  });

  it('starts when WEBHOOK_ALLOW_HOSTS lists the receiver', async () => {
    const h = await startHarness({ yaml: yaml('http://10.9.8.7:8080/hook'), env: { WEBHOOK_ALLOW_HOSTS: '10.9.0.0/16' } });
    await h.close();
  });
});

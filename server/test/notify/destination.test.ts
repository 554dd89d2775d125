import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadEnv } from '../../src/config/env.js';
import { classifyAddress, parseWebhookAllowHosts, WebhookDestinations, type Refusal, type Resolver } from '../../src/notify/destination.js';
import { NotificationOutbox, type Delivery } from '../../src/notify/outbox.js';
import { httpSender } from '../../src/notify/senders.js';
import { webhookReceiver } from './receivers.js';

describe('address classification', () => {
  it('refuses internal IPv4 addresses and lets public ones through', () => {
    const cases: [string, string | null][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.20', 'private'],
      ['169.254.169.254', 'link-local'],
      ['100.64.0.1', 'cgnat'],
      ['100.127.255.254', 'cgnat'],
      ['0.0.0.0', 'unspecified'],
      ['224.0.0.251', 'multicast'],
      ['255.255.255.255', 'broadcast'],
      ['240.0.0.1', 'reserved'],
      ['8.8.8.8', null],
      ['172.32.0.1', null],
      ['100.128.0.1', null],
      ['192.169.0.1', null],
      ['203.0.113.7', null],
    ];
    expect(cases.map(([ip]) => [ip, classifyAddress(ip)])).toEqual(cases);
  });

  it('refuses internal IPv6 addresses and IPv4 ones carried in IPv6 (mapped, compatible, SIIT, NAT64 and local-use NAT64, 6to4)', () => {
    const cases: [string, string | null][] = [
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['fd00::1', 'private'],
      ['fc12:3456::1', 'private'],
      ['fe80::1', 'link-local'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['::ffff:a9fe:a9fe', 'link-local'],
      ['::ffff:10.1.2.3', 'private'],
      ['::ffff:100.64.0.1', 'cgnat'],
      ['::127.0.0.1', 'loopback'],
      ['64:ff9b::10.0.0.1', 'private'],
      // Local-use NAT64 (RFC 8215) with a /96, and SIIT's IPv4-translated form (RFC 6145).
      ['64:ff9b:1::10.0.0.1', 'private'],
      ['64:ff9b:1::a00:1', 'private'],
      ['64:ff9b:1::169.254.169.254', 'link-local'],
      ['::ffff:0:a00:1', 'private'],
      ['::ffff:0:127.0.0.1', 'loopback'],
      // Elsewhere in 64:ff9b:1::/48 the IPv4 address may sit at another offset: where it leads cannot be told.
      ['64:ff9b:1:2::8.8.8.8', 'reserved'],
      ['64:ff9b:1:0:1::8.8.8.8', 'reserved'],
      ['64:ff9b:1::1:808:808', 'reserved'],
      ['2002:a9fe:a9fe::1', 'link-local'],
      ['[::1]', 'loopback'],
      ['2606:4700:4700::1111', null],
      ['::ffff:8.8.8.8', null],
      ['64:ff9b::8.8.8.8', null],
      ['64:ff9b:1::8.8.8.8', null],
      ['::ffff:0:8.8.8.8', null],
      ['64:ff9b:2::1', null],
      ['2001:db8::1', null],
    ];
    expect(cases.map(([ip]) => [ip, classifyAddress(ip)])).toEqual(cases);
  });
});

describe('WEBHOOK_ALLOW_HOSTS', () => {
  it('takes host names, addresses and CIDR ranges, normalized', () => {
    expect(parseWebhookAllowHosts(undefined)).toEqual({ value: [] });
    expect(parseWebhookAllowHosts(' Hooks.Internal. , 10.20.0.0/16,[::1], fd00::/8,127.0.0.1,')).toEqual({
      value: ['hooks.internal', '10.20.0.0/16', '::1', 'fd00::/8', '127.0.0.1'],
    });
  });

  it('names each bad entry, in the environment error too', () => {
    const bad = ['10.0.0.0/33', 'fd00::/129', 'http://hooks.internal', 'hooks.internal:8080', '*.internal', '300.1.2.3', 'a..b', 'x/8'];
    const r = parseWebhookAllowHosts(['ok.internal', ...bad].join(','));
    const problems = 'problems' in r ? r.problems : [];
    expect(problems).toHaveLength(bad.length);
    problems.forEach((p, i) => expect(p.startsWith(`WEBHOOK_ALLOW_HOSTS entry ${JSON.stringify(bad[i])} `), p).toBe(true));
    expect(problems[0]).toBe('WEBHOOK_ALLOW_HOSTS entry "10.0.0.0/33" has a prefix length that is not 0-32');
    expect(loadEnv({}).webhookAllowHosts).toEqual([]);
    expect(loadEnv({ WEBHOOK_ALLOW_HOSTS: 'hooks.internal,10.0.0.0/8' }).webhookAllowHosts).toEqual(['hooks.internal', '10.0.0.0/8']);
    let err: unknown;
    try {
      loadEnv({ WEBHOOK_ALLOW_HOSTS: 'hooks.internal, 10.0.0.0/33, http://x.internal/' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      'WEBHOOK_ALLOW_HOSTS entry "10.0.0.0/33" has a prefix length that is not 0-32',
      'WEBHOOK_ALLOW_HOSTS entry "http://x.internal/" is a URL: give only its host name or IP address',
    ]);
  });

  it('lets listed addresses, ranges and host names through, and nothing else', () => {
    const d = new WebhookDestinations(['10.20.0.0/16', '127.0.0.1', 'fd00:1::/32', 'hooks.internal']);
    expect(d.refusal('10.20.5.5', '10.20.5.5')).toBeNull();
    expect(d.refusal('10.21.0.1', '10.21.0.1')).toMatchObject({ class: 'private', address: '10.21.0.1', host: null });
    expect(d.refusal('127.0.0.1', '127.0.0.1')).toBeNull();
    expect(d.refusal('127.0.0.2', '127.0.0.2')).toMatchObject({ class: 'loopback' });
    // The IPv4-mapped form of a listed address is that address.
    expect(d.refusal('::ffff:10.20.1.1', '::ffff:10.20.1.1')).toBeNull();
    expect(d.refusal('fd00:1::5', 'fd00:1::5')).toBeNull();
    expect(d.refusal('fd00:2::5', 'fd00:2::5')).toMatchObject({ class: 'private' });
    // A listed name may resolve anywhere; another name resolving inside is refused, naming the name only.
    expect(d.refusal('Hooks.Internal.', '192.168.9.9')).toBeNull();
    expect(d.refusal('evil.example', '169.254.169.254')).toEqual({ class: 'link-local', address: '169.254.169.254', host: 'evil.example' });
    expect(d.refusal('public.example', '93.184.215.14')).toBeNull();
  });

  it('refuses internal literal addresses and localhost names at save time', () => {
    const none = new WebhookDestinations();
    expect(none.urlProblem('http://169.254.169.254/latest/meta-data/')).toBe(
      'must not point to an internal address: 169.254.169.254 is a link-local address (where cloud metadata services answer); list an internal receiver in WEBHOOK_ALLOW_HOSTS to allow it',
    );
    for (const url of ['http://127.0.0.1:8094/api/tokens', 'http://0x7f.1/', 'http://2130706433/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://localhost:9/', 'http://LOCALHOST./', 'http://app.localhost/', 'https://10.0.0.8/hook', 'http://[fd00::8]/', 'http://100.64.1.1/', 'http://0.0.0.0:8080/']) {
      expect(none.urlProblem(url), url).toMatch(/^must not point to an internal address: /);
    }
    expect(none.urlProblem('https://helpdesk.example/hooks/x')).toBeNull();
    expect(none.urlProblem('https://93.184.215.14/hooks/x')).toBeNull();
    const some = new WebhookDestinations(['127.0.0.1', 'localhost', '10.0.0.0/8']);
    for (const url of ['http://127.0.0.1:8094/', 'http://localhost:9/', 'https://10.0.0.8/hook']) expect(some.urlProblem(url), url).toBeNull();
    expect(some.urlProblem('http://[::1]:8080/')).toMatch(/::1 is a loopback address/);
  });
});

describe('the HTTP sender checks the address it connects to', () => {
  let receiver: ReturnType<typeof webhookReceiver>;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    receiver = webhookReceiver(port);
    await receiver.start();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.received.length = 0;
  });

  const delivery = (target: string, over: Partial<Delivery> = {}): Delivery => ({
    id: 'dlv_1',
    eventId: 'evt_1',
    eventType: 'ticket.opened',
    ticketId: 'T-1',
    providerId: 'pilot',
    channel: 'webhook',
    target,
    body: '{"id":"evt_1"}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    createdAt: 0,
    deliveredAt: null,
    lastError: null,
    ...over,
  });
  const send = (target: string, allow?: string[], resolve?: Resolver, over: Partial<Delivery> = {}) => {
    const refusals: Refusal[] = [];
    const sender = httpSender({
      secretsFor: () => ['s3cret'],
      ...(allow || resolve ? { destinations: new WebhookDestinations(allow ?? [], resolve ? { resolve } : {}) } : {}),
      onRefused: (_d, r) => void refusals.push(r),
      timeoutMs: 2000,
    });
    return sender(delivery(target, over)).then((result) => ({ result, refusals }));
  };

  it('refuses localhost, which resolves to loopback, when it connects; the allow-list lets it through', async () => {
    const refused = await send(`http://localhost:${port}/hook`);
    expect(refused.result).toEqual({
      ok: false,
      permanent: true,
      error: 'destination refused: localhost resolves to a loopback address; internal receivers are reached only when WEBHOOK_ALLOW_HOSTS lists them',
    });
    expect(refused.refusals).toEqual([expect.objectContaining({ class: 'loopback', host: 'localhost' })]);
    expect(receiver.received).toEqual([]);

    expect((await send(`http://localhost:${port}/hook`, ['localhost'])).result).toEqual({ ok: true, statusCode: 204 });
    // By address: whatever localhost resolves to, only 127.0.0.1 is let through (and the receiver is there).
    expect((await send(`http://localhost:${port}/hook`, ['127.0.0.1'])).result).toEqual({ ok: true, statusCode: 204 });
    expect(receiver.received).toHaveLength(2);
  });

  it('refuses a public-looking name that resolves inside (DNS rebinding), on the address connected to', async () => {
    const lookups: string[] = [];
    const rebinding: Resolver = (host, _opts, cb) => {
      lookups.push(host);
      cb(null, [{ address: '127.0.0.1', family: 4 }]);
    };
    const refused = await send(`http://hooks.attacker.example:${port}/hook`, [], rebinding);
    expect(refused.result).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('hooks.attacker.example resolves to a loopback address') });
    expect(refused.refusals).toEqual([{ class: 'loopback', address: '127.0.0.1', host: 'hooks.attacker.example' }]);
    expect(lookups).toEqual(['hooks.attacker.example']);
    expect(receiver.received).toEqual([]);
    // Listed by range, the same resolution is connected to.
    expect((await send(`http://hooks.attacker.example:${port}/hook`, ['127.0.0.0/8'], rebinding)).result).toEqual({ ok: true, statusCode: 204 });
    // Of several addresses, only the allowed ones are tried.
    const mixed: Resolver = (_host, _opts, cb) => cb(null, [{ address: '169.254.169.254', family: 4 }, { address: '127.0.0.1', family: 4 }]);
    expect((await send(`http://hooks.internal:${port}/hook`, ['127.0.0.1'], mixed)).result).toEqual({ ok: true, statusCode: 204 });
  });

  it('refuses literal internal addresses before connecting, chat webhooks too', async () => {
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']) {
      const r = await send(`http://${host}:${port}/hook`);
      expect(r.result, host).toMatchObject({ ok: false, permanent: true, error: expect.stringMatching(/^destination refused: \S+ is a loopback address/) });
    }
    const chat = await send(`http://127.0.0.1:${port}/services/T0/B0/XXX`, undefined, undefined, { channel: 'slack' });
    expect(chat.result).toMatchObject({ ok: false, permanent: true });
    const metadata = await send('http://169.254.169.254/latest/meta-data/iam/security-credentials/', undefined, undefined, { channel: 'teams' });
    expect(metadata.result.error).toMatch(/^destination refused: 169\.254\.169\.254 is a link-local address/);
    expect(receiver.received).toEqual([]);
    expect((await send(`http://127.0.0.1:${port}/hook`, ['127.0.0.1'])).result).toEqual({ ok: true, statusCode: 204 });
  });

  it('fails a refused delivery at once in the outbox: not retried, logged by origin only', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const box = new NotificationOutbox(new Database(':memory:'), {
      senders: { webhook: httpSender({ secretsFor: () => ['s3cret'] }) },
      log: pino({ level: 'info' }, sink),
      retryDelaysMs: [0, 0, 0],
    });
    const [id] = box.enqueue([{ eventId: 'evt_9', eventType: 'ticket.opened', ticketId: 'T-9', providerId: 'pilot', channel: 'webhook', target: `http://localhost:${port}/hooks/T0K3N?key=S3CRET`, body: '{}' }]);
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(box.get(id!)).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, lastError: expect.stringContaining('destination refused') });
    expect(box.attempts(id!)).toHaveLength(1);
    expect(lines).toEqual([expect.objectContaining({ msg: 'notification not delivered', outcome: 'failed', target: `http://localhost:${port}/…` })]);
    expect(JSON.stringify(lines)).not.toMatch(/T0K3N|S3CRET/);
    expect(receiver.received).toEqual([]);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { NotificationOutbox, type OutboxEntry, type OutboxOptions } from '../../src/notify/outbox.js';
import { emailSender, httpSender, smtpTransport } from '../../src/notify/senders.js';
import { WebhookDestinations } from '../../src/notify/destination.js';
import { verifySignature } from '../../src/notify/signature.js';
import { smtpReceiver, stallingSmtpReceiver, webhookReceiver } from './receivers.js';

const SECRET = 'change-me';
// The receivers here listen on loopback, which webhooks reach only when allow-listed (WEBHOOK_ALLOW_HOSTS).
const destinations = new WebhookDestinations(['127.0.0.1']);
const MIN = 60_000;
let clock = Date.parse('2026-11-10T10:00:00Z');
const nowSec = () => Math.floor(clock / 1000);

let receiver: ReturnType<typeof webhookReceiver>;
let smtp: ReturnType<typeof smtpReceiver>;
let smtpPort: number;

beforeAll(async () => {
  receiver = webhookReceiver(await freePort());
  await receiver.start();
  smtp = smtpReceiver();
  smtpPort = await freePort();
  await smtp.start(smtpPort);
});
afterAll(async () => {
  await receiver.stop();
  await smtp.stop();
});
beforeEach(() => {
  receiver.received.length = 0;
});

function outbox(db = new Database(':memory:'), over: Partial<OutboxOptions> = {}) {
  return new NotificationOutbox(db, {
    now: () => clock,
    senders: { webhook: httpSender({ secretsFor: () => [SECRET], nowSec, destinations }), slack: httpSender({ secretsFor: () => [], nowSec, destinations }) },
    ...over,
  });
}

const entry = (n: number, path = '/hook', over: Partial<OutboxEntry> = {}): OutboxEntry => ({
  eventId: `evt_${n}`,
  eventType: 'ticket.opened',
  ticketId: 'T-1',
  providerId: 'pilot',
  channel: 'webhook',
  target: receiver.url(path),
  body: JSON.stringify({ id: `evt_${n}`, type: 'ticket.opened', occurredAt: new Date(clock).toISOString(), ticket: { id: 'T-1' } }),
  ...over,
});

const deliveryIds = () => receiver.received.map((r) => r.headers['x-storepulse-delivery'] as string);

describe('notification outbox over real HTTP', () => {
  it('delivers each delivery exactly once after the receiver was down for a while, signed', async () => {
    const box = outbox();
    await receiver.stop();
    const ids = box.enqueue([entry(1), entry(2), entry(3)]);
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 3, failed: 0 });
    clock += 30_000;
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 3, failed: 0 });
    clock += MIN;
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 3, failed: 0 });

    await receiver.start();
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 0, failed: 0 }); // next retry not due yet
    clock += 2 * MIN;
    expect(await box.runDue()).toEqual({ delivered: 3, retrying: 0, failed: 0 });
    for (const r of receiver.received) {
      expect(verifySignature(r.headers['x-storepulse-signature'] as string, r.body, [SECRET], { nowSec: nowSec() }).ok).toBe(true);
      expect(r.headers['x-storepulse-event']).toBe('ticket.opened');
      expect(r.headers['content-type']).toBe('application/json');
    }
    clock += 3 * 3_600_000;
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(deliveryIds().sort()).toEqual([...ids].sort());
    expect(box.counts()).toEqual({ pending: 0, delivered: 3, failed: 0 });
    const attempts = box.attempts(ids[0]!);
    expect(attempts.map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([[1, false, null], [2, false, null], [3, false, null], [4, true, 204]]);
    expect(attempts[0]!.error).toBe('ECONNREFUSED');
    expect(box.get(ids[0]!)).toMatchObject({ status: 'delivered', attempts: 4, lastError: null, nextAttemptAt: null });
  });

  it('keeps pending deliveries across a restart (database closed and reopened)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'storepulse-outbox-')), 'state.db');
    let db = new Database(file);
    await receiver.stop();
    const ids = outbox(db).enqueue([entry(10), entry(11)]);
    expect(await outbox(db).runDue()).toEqual({ delivered: 0, retrying: 2, failed: 0 });
    db.close();

    await receiver.start();
    db = new Database(file);
    const reopened = outbox(db);
    expect(reopened.list().map((d) => [d.id, d.status, d.attempts]).sort()).toEqual(ids.map((id) => [id, 'pending', 1]).sort());
    clock += 30_000;
    expect(await reopened.runDue()).toEqual({ delivered: 2, retrying: 0, failed: 0 });
    expect(deliveryIds().sort()).toEqual([...ids].sort());
    expect(reopened.attempts(ids[0]!).map((a) => a.ok)).toEqual([false, true]);
    db.close();
  });

  it('retries at least 5 times over at least 20 minutes, then marks the delivery failed', async () => {
    const box = outbox();
    const [id] = box.enqueue([entry(20, '/broken')]);
    for (let guard = 0; box.get(id!)!.status === 'pending' && guard < 20; guard++) {
      await box.runDue();
      const next = box.get(id!)!.nextAttemptAt;
      if (next !== null) clock = next;
    }
    const attempts = box.attempts(id!);
    expect(attempts.length).toBe(box.maxAttempts);
    expect(attempts.length).toBeGreaterThanOrEqual(5);
    expect(attempts.at(-1)!.at - attempts[0]!.at).toBeGreaterThanOrEqual(20 * MIN);
    expect(attempts.every((a) => !a.ok && a.statusCode === 500 && a.error === 'HTTP 500')).toBe(true);
    expect(box.get(id!)).toMatchObject({ status: 'failed', lastError: 'HTTP 500', nextAttemptAt: null });
    expect(new Set(deliveryIds())).toEqual(new Set([id]));
    clock += 24 * 3_600_000;
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 0, failed: 0 });
  });

  it('gives up on an attempt the receiver does not answer in time', async () => {
    const box = outbox(new Database(':memory:'), {
      senders: { webhook: httpSender({ secretsFor: () => [SECRET], nowSec, timeoutMs: 300, destinations }) },
    });
    const [id] = box.enqueue([entry(30, '/hang')]);
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(box.attempts(id!)[0]).toMatchObject({ ok: false, error: 'no answer within 300 ms' });
  });

  it('stops after the batch in flight, leaving a backlog due for the next start', async () => {
    let sent = 0;
    const slowSender = async () => {
      sent++;
      await new Promise((r) => setTimeout(r, 100));
      return { ok: true };
    };
    const box = outbox(new Database(':memory:'), { senders: { webhook: slowSender }, concurrency: 2 });
    box.enqueue([1, 2, 3, 4, 5, 6].map((n) => entry(100 + n)));
    box.start(10);
    await waitFor(() => sent > 0, 2000, 'a first send');
    await box.stop();
    expect(sent).toBe(2);
    expect(box.list({ status: 'pending' })).toHaveLength(4);
  });

  it('stores an event for an endpoint once, however often it is enqueued', async () => {
    const box = outbox();
    const first = box.enqueue([entry(40)]);
    const again = box.enqueue([entry(40), entry(40)]);
    expect(again).toEqual([first[0], first[0]]);
    expect(box.list()).toHaveLength(1);
    await box.runDue();
    expect(deliveryIds()).toEqual(first);
  });

  it('records a refused attempt when a channel has no sender or an endpoint lost its secret', async () => {
    const box = outbox(new Database(':memory:'), { senders: { webhook: httpSender({ secretsFor: () => [], nowSec, destinations }) } });
    const [hook, mail] = box.enqueue([entry(50), entry(51, '/hook', { channel: 'email', target: 'x@pilot.example', body: '{}' })]);
    await box.runDue();
    expect(box.get(hook!)!.lastError).toMatch(/no secret/);
    expect(box.get(mail!)!.lastError).toBe('no sender configured for email');
    expect(receiver.received).toEqual([]);
  });

  it('masks an address quoted in a sender\'s error wherever the error goes: stored, in the attempts and in the log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => void (lines.push(c.toString()), cb()) }));
    const box = outbox(new Database(':memory:'), {
      log,
      senders: { webhook: async () => ({ ok: false, error: 'Failed to parse URL from https://desk.example/hooks/T0K3N?key=S3CRET' }) },
    });
    const [id] = box.enqueue([entry(70)]);
    await box.runDue();
    expect(box.get(id!)!.lastError).toBe('Failed to parse URL from https://desk.example/…');
    expect(box.attempts(id!)[0]!.error).toBe('Failed to parse URL from https://desk.example/…');
    expect(lines.join('')).toContain('notification not delivered');
    expect(lines.join('')).not.toMatch(/T0K3N|S3CRET/);
  });

  it('posts chat messages unsigned, and lists deliveries by ticket for the API', async () => {
    const box = outbox();
    const [id] = box.enqueue([entry(60, '/hook', { channel: 'slack', ticketId: 'T-9', body: JSON.stringify({ text: 'New ticket' }) })]);
    box.enqueue([entry(61)]);
    await box.runDue();
    expect(receiver.received).toHaveLength(2);
    const chat = receiver.received.find((r) => r.headers['x-storepulse-delivery'] === id)!;
    expect(chat.headers['x-storepulse-signature']).toBeUndefined();
    expect(JSON.parse(chat.body)).toEqual({ text: 'New ticket' });
    expect(box.list({ ticketId: 'T-9' }).map((d) => d.id)).toEqual([id]);
    expect(box.list({ status: 'delivered' })).toHaveLength(2);
  });

  it('sends email through SMTP with nodemailer', async () => {
    const transport = smtpTransport(`smtp://127.0.0.1:${smtpPort}`);
    const box = outbox(new Database(':memory:'), { senders: { email: emailSender(transport, 'storepulse@chain.example') } });
    const body = JSON.stringify({ subject: '[storepulse] New ticket: T-1', text: 'Tills: T1\n' });
    const [id] = box.enqueue([entry(70, '/', { channel: 'email', target: 'support@pilot.example', body })]);
    expect(await box.runDue()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    const msg = smtp.messages.at(-1)!;
    expect(msg.to).toEqual(['<support@pilot.example>']);
    expect(msg.data).toContain('Subject: [storepulse] New ticket: T-1');
    expect(msg.data).toContain(`X-Storepulse-Delivery: ${id}`);
    expect(msg.data).toContain('Tills: T1');
    transport.close();
  });

  it('gives up on an email the relay is slow to take, so the webhooks of its batch are settled within the lease', async () => {
    const slow = stallingSmtpReceiver();
    const port = await freePort();
    await slow.start(port);
    const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
    try {
      const box = outbox(new Database(':memory:'), {
        senders: { webhook: httpSender({ secretsFor: () => [SECRET], nowSec, destinations }), email: emailSender(transport, 'storepulse@chain.example', 300) },
      });
      const body = JSON.stringify({ subject: '[storepulse] New ticket: T-3', text: 'Tills: T1\n' });
      const [mail, hook] = box.enqueue([entry(73, '/', { channel: 'email', target: 'support@pilot.example', body }), entry(74)]);
      expect(await box.runDue()).toEqual({ delivered: 1, retrying: 1, failed: 0 });
      expect(box.get(hook!)!.status).toBe('delivered');
      expect(box.get(mail!)).toMatchObject({ status: 'pending', lastError: 'no answer within 300 ms' });
      // The connection is closed, not left to the relay.
      await waitFor(() => slow.sockets.size === 0, 2000, 'the connection to close');
    } finally {
      transport.close();
      await slow.stop();
    }
  });

  it('never sends an SMTP password to a mail server that offers no STARTTLS, unless the URL says requireTLS=false', async () => {
    const body = JSON.stringify({ subject: '[storepulse] New ticket: T-2', text: 'Tills: T1\n' });
    const secured = smtpTransport(`smtp://relay:s3cret@127.0.0.1:${smtpPort}`);
    const box = outbox(new Database(':memory:'), { senders: { email: emailSender(secured, 'storepulse@chain.example') } });
    box.enqueue([entry(71, '/', { channel: 'email', target: 'support@pilot.example', body })]);
    const sent = smtp.messages.length;
    expect(await box.runDue()).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(sent);
    expect(smtp.commands.filter((c) => /^AUTH/i.test(c))).toEqual([]);
    secured.close();

    // A relay on a private network without TLS, chosen knowingly.
    const plain = smtpTransport(`smtp://relay:s3cret@127.0.0.1:${smtpPort}?requireTLS=false`);
    const box2 = outbox(new Database(':memory:'), { senders: { email: emailSender(plain, 'storepulse@chain.example') } });
    box2.enqueue([entry(72, '/', { channel: 'email', target: 'support@pilot.example', body })]);
    expect(await box2.runDue()).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(smtp.commands.filter((c) => /^AUTH/i.test(c))).toHaveLength(1);
    plain.close();
  });

  it('logs each attempt with its target\'s origin and outcome, never the body, a secret or the URL path', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
    const box = outbox(new Database(':memory:'), {
      log: pino({ level: 'info' }, sink),
      senders: { webhook: httpSender({ secretsFor: () => [SECRET], nowSec, destinations }) },
    });
    const [ok, bad] = box.enqueue([entry(80), entry(81, '/broken')]);
    await box.runDue();
    expect(lines.map((l) => [l.msg, l.deliveryId, l.statusCode])).toEqual(
      expect.arrayContaining([['notification delivered', ok, 204], ['notification not delivered', bad, 500]]),
    );
    expect(lines.find((l) => l.deliveryId === bad)).toMatchObject({ outcome: 'retrying', error: 'HTTP 500', attempt: 1, target: `${new URL(receiver.url('/broken')).origin}/…` });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('/broken');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('evt_80"'); // no body
  });

  it('purges settled deliveries with their attempts, never pending ones', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const box = outbox(db);
    const [done, stuck] = box.enqueue([entry(90), entry(91, '/broken')]);
    await box.runDue();
    clock += 7 * 24 * 3_600_000;
    expect(box.purge(clock)).toBe(1);
    expect(box.get(done!)).toBeUndefined();
    expect(box.attempts(done!)).toEqual([]);
    expect(box.get(stuck!)?.status).toBe('pending');
  });
});

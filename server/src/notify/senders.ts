import { createTransport, type Transporter } from 'nodemailer';
import type { Delivery, Sender } from './outbox.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';

export const DELIVERY_TIMEOUT_MS = 5000;

export interface HttpSenderOptions {
  /** Current secrets of the endpoint a delivery goes to; empty when it is no longer configured. */
  secretsFor: (delivery: Delivery) => string[];
  timeoutMs?: number;
  /** Seconds since the epoch for the signature timestamp; injectable for tests. */
  nowSec?: () => number;
  userAgent?: string;
}

/**
 * Posts a delivery's raw body. Signed webhooks are signed at each attempt, so the timestamp is fresh
 * and a rotated secret takes effect on retries too. Any 2xx is success; anything else is retried.
 */
export function httpSender(opts: HttpSenderOptions): Sender {
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000));
  return async (d) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': opts.userAgent ?? 'storepulse-webhooks',
      [DELIVERY_HEADER]: d.id,
      [EVENT_HEADER]: d.eventType,
    };
    if (d.channel === 'webhook') {
      const secrets = opts.secretsFor(d);
      if (secrets.length === 0) return { ok: false, error: 'endpoint has no secret configured (removed from config?)' };
      headers[SIGNATURE_HEADER] = signatureHeader(secrets, d.body, nowSec());
    }
    try {
      const res = await fetch(d.target, { method: 'POST', headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      // Drain the body so the connection can be reused.
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? { ok: true, statusCode: res.status } : { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      if (e.name === 'TimeoutError') return { ok: false, error: `no answer within ${timeoutMs} ms` };
      return { ok: false, error: e.cause?.code ?? e.message };
    }
  };
}

/** Email body as stored in the outbox. */
export interface EmailBody {
  subject: string;
  text: string;
}

/** Sends email deliveries through a nodemailer transport (SMTP in production). */
export function emailSender(transport: Transporter, from: string): Sender {
  return async (d) => {
    const body = JSON.parse(d.body) as EmailBody;
    await transport.sendMail({ from, to: d.target, subject: body.subject, text: body.text, headers: { [DELIVERY_HEADER]: d.id } });
    return { ok: true };
  };
}

/**
 * An SMTP transport from a URL like `smtp://user:pass@mail.example:587`, with timeouts short enough
 * that a stuck mail server cannot hold up the outbox for long (nodemailer's own default is minutes).
 */
export function smtpTransport(url: string): Transporter {
  return createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
}

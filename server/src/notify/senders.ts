import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createTransport, type Transporter } from 'nodemailer';
import { DestinationRefusedError, WebhookDestinations, refusalText, type Refusal } from './destination.js';
import type { Delivery, Sender } from './outbox.js';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';

export const DELIVERY_TIMEOUT_MS = 5000;

export interface HttpSenderOptions {
  /** Current secrets of the endpoint a delivery goes to; empty when it is no longer configured. */
  secretsFor: (delivery: Delivery) => string[];
  /** Where deliveries may go; by default internal addresses (loopback, private, link-local…) are refused. */
  destinations?: WebhookDestinations;
  /** Told of each delivery refused for its destination (to count it, and log the address it resolved to). */
  onRefused?: (delivery: Delivery, refusal: Refusal) => void;
  timeoutMs?: number;
  /** Seconds since the epoch for the signature timestamp; injectable for tests. */
  nowSec?: () => number;
  userAgent?: string;
}

class DeliveryTimeout extends Error {}

/** One POST; settles with the status once the answer's body is drained, or fails. */
function post(url: URL, headers: Record<string, string>, body: string, lookup: WebhookDestinations['lookup'], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // A connection per delivery (agent: false): each one is resolved, checked and connected anew.
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup, agent: false });
    const fail = (err: Error) => {
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    // Settles whatever stage it is in (lookup, connect, answer, body); later events change nothing.
    const timer = setTimeout(() => fail(new DeliveryTimeout()), timeoutMs);
    req.on('error', fail);
    req.on('response', (res) => {
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail(Object.assign(new Error('connection closed before the answer was complete'), { code: 'ECONNRESET' }));
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
      // Drained, not kept: only the status matters.
      res.resume();
    });
    req.end(body);
  });
}

/**
 * Posts a delivery's raw body. Signed webhooks are signed at each attempt, so the timestamp is fresh
 * and a rotated secret takes effect on retries too. Any 2xx is success; anything else is retried, but for a
 * destination the policy refuses, which fails at once (permanent until WEBHOOK_ALLOW_HOSTS changes). Redirects are
 * not followed.
 */
export function httpSender(opts: HttpSenderOptions): Sender {
  const timeoutMs = opts.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const nowSec = opts.nowSec ?? (() => Math.floor(Date.now() / 1000));
  const destinations = opts.destinations ?? new WebhookDestinations();
  const refused = (d: Delivery, refusal: Refusal) => {
    opts.onRefused?.(d, refusal);
    return { ok: false, permanent: true, error: refusalText(refusal) };
  };
  return async (d) => {
    let url: URL;
    try {
      url = new URL(d.target);
    } catch {
      return { ok: false, permanent: true, error: 'not a valid URL' };
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, permanent: true, error: `${url.protocol} URLs are not sent to` };
    // node:net looks up host names only: a literal address is checked here, a name's addresses in the lookup.
    const literal = destinations.literalRefusal(url);
    if (literal) return refused(d, literal);
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
      const status = await post(url, headers, d.body, destinations.lookup, timeoutMs);
      const ok = status >= 200 && status < 300;
      return ok ? { ok: true, statusCode: status } : { ok: false, statusCode: status, error: `HTTP ${status}` };
    } catch (err) {
      if (err instanceof DestinationRefusedError) return refused(d, err.refusal);
      if (err instanceof DeliveryTimeout) return { ok: false, error: `no answer within ${timeoutMs} ms` };
      const e = err as NodeJS.ErrnoException;
      return { ok: false, error: e.code ?? e.message };
    }
  };
}

/** Email body as stored in the outbox. */
export interface EmailBody {
  subject: string;
  text: string;
}

/** How long one email send may take in all, well inside the outbox's lease on the batch it is in. */
export const EMAIL_TIMEOUT_MS = 30_000;

/** Sends email deliveries through a nodemailer transport (SMTP in production), each attempt within `timeoutMs`. */
export function emailSender(transport: Transporter, from: string, timeoutMs = EMAIL_TIMEOUT_MS): Sender {
  return async (d) => {
    const body = JSON.parse(d.body) as EmailBody;
    // The transport's timeouts bound each step only: a relay answering slowly could hold the batch (webhooks and
    // all) past its lease. Aborting closes the connection; the attempt is retried like any failure.
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      await transport.sendMail({ from, to: d.target, subject: body.subject, text: body.text, headers: { [DELIVERY_HEADER]: d.id }, signal });
    } catch (err) {
      if (signal.aborted) return { ok: false, error: `no answer within ${timeoutMs} ms` };
      throw err;
    }
    return { ok: true };
  };
}

/**
 * An SMTP transport from a URL like `smtp://user:pass@mail.example:587`, with timeouts short enough
 * that a stuck mail server cannot hold up the outbox for long (nodemailer's own default is minutes).
 * With a password in an `smtp://` URL, STARTTLS is required: nodemailer would otherwise send it in clear
 * to a server that does not offer TLS (or to anyone who strips the offer). `?requireTLS=false` in the
 * URL opts out, for a relay on a private network.
 */
export function smtpTransport(url: string): Transporter {
  const withPassword = URL.canParse(url) && new URL(url).password !== '';
  return createTransport({ url, requireTLS: withPassword, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
}

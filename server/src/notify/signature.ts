import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Storepulse-Signature';
export const DELIVERY_HEADER = 'X-Storepulse-Delivery';
export const EVENT_HEADER = 'X-Storepulse-Event';

/** How old a signature a receiver should accept by default, in seconds: replays beyond it are refused. */
export const DEFAULT_TOLERANCE_SEC = 300;

function hmac(secret: string, timestampSec: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSec}.`).update(rawBody).digest('hex');
}

/**
 * The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>`,
 * with one v1 entry per secret so receivers keep verifying while a secret is being rotated.
 */
export function signatureHeader(secrets: readonly string[], rawBody: string | Buffer, timestampSec: number): string {
  if (secrets.length === 0) throw new RangeError('at least one secret is needed to sign');
  return [`t=${timestampSec}`, ...secrets.map((s) => `v1=${hmac(s, timestampSec, rawBody)}`)].join(',');
}

export type VerifyResult = { ok: true; timestampSec: number } | { ok: false; reason: 'malformed' | 'expired' | 'mismatch' };

/**
 * Checks a signature header against a raw body with any of the receiver's secrets (two while
 * rotating). `nowSec` and `toleranceSec` bound the timestamp so a captured request cannot be replayed.
 */
export function verifySignature(
  header: string | undefined | null,
  rawBody: string | Buffer,
  secrets: readonly string[],
  opts: { nowSec: number; toleranceSec?: number },
): VerifyResult {
  if (!header) return { ok: false, reason: 'malformed' };
  let t: number | null = null;
  const sigs: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) sigs.push(value);
  }
  if (t === null || sigs.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(opts.nowSec - t) > (opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) return { ok: false, reason: 'expired' };
  for (const secret of secrets) {
    const expected = Buffer.from(hmac(secret, t, rawBody), 'hex');
    if (sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))) return { ok: true, timestampSec: t };
  }
  return { ok: false, reason: 'mismatch' };
}

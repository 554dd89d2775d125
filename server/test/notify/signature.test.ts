import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from '../../src/notify/signature.js';

type DocVerifier = (raw: string | Buffer, header: string | undefined, secrets: string[], toleranceSec?: number, nowSec?: number) => boolean;

const body = JSON.stringify({ id: 'evt_1', type: 'ticket.opened', occurredAt: '2026-11-10T10:00:00.000Z', ticket: { id: 'T-1', note: 'café ☕' } });
const T = 1_762_768_800;

/** The verification snippet of docs/webhooks.md, run as it is printed. */
let docVerify: DocVerifier;
beforeAll(async () => {
  const doc = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
  const snippet = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((s) => s.includes('export function verifyStorepulseSignature'));
  expect(snippet, 'docs/webhooks.md has the verification snippet').toBeDefined();
  const file = join(mkdtempSync(join(tmpdir(), 'storepulse-doc-')), 'verify.mjs');
  writeFileSync(file, snippet!);
  docVerify = ((await import(file)) as { verifyStorepulseSignature: DocVerifier }).verifyStorepulseSignature;
});

describe('webhook signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>', () => {
    const expected = createHmac('sha256', 'change-me').update(`${T}.${body}`).digest('hex');
    expect(signatureHeader(['change-me'], body, T)).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies with the documented recipe, and the recipe refuses a tampered body, a wrong secret and an old timestamp', () => {
    const header = signatureHeader(['change-me'], body, T);
    expect(docVerify(body, header, ['change-me'], 300, T + 10)).toBe(true);
    expect(docVerify(Buffer.from(body), header, ['change-me'], 300, T)).toBe(true);
    expect(docVerify(body.replace('T-1', 'T-2'), header, ['change-me'], 300, T)).toBe(false);
    expect(docVerify(body, header, ['guess'], 300, T)).toBe(false);
    expect(docVerify(body, header, ['change-me'], 300, T + 301)).toBe(false);
    expect(docVerify(body, undefined, ['change-me'], 300, T)).toBe(false);
  });

  it('carries one v1 per secret while rotating, so either secret verifies', () => {
    const header = signatureHeader(['new-secret', 'old-secret'], body, T);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    for (const held of [['new-secret'], ['old-secret'], ['other', 'old-secret']]) {
      expect(verifySignature(header, body, held, { nowSec: T })).toEqual({ ok: true, timestampSec: T });
      expect(docVerify(body, header, held, 300, T)).toBe(true);
    }
    expect(verifySignature(header, body, ['other'], { nowSec: T })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('says why a signature is refused', () => {
    const header = signatureHeader(['s'], body, T);
    expect(verifySignature(header, body + ' ', ['s'], { nowSec: T })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature(header, body, ['s'], { nowSec: T + 3600 })).toEqual({ ok: false, reason: 'expired' });
    expect(verifySignature(header, body, ['s'], { nowSec: T + 3600, toleranceSec: 7200 }).ok).toBe(true);
    for (const bad of [undefined, '', 'v1=abc', `t=${T}`, `t=soon,v1=${'0'.repeat(64)}`, `t=${T},v1=xyz`]) {
      expect(verifySignature(bad, body, ['s'], { nowSec: T })).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(() => signatureHeader([], body, T)).toThrow(RangeError);
  });
});

import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/ports.js';
import { signatureHeader, verifySignature } from '../../src/notify/signature.js';

type DocVerifier = (raw: string | Buffer, header: string | undefined, secrets: string[], toleranceSec?: number, nowSec?: number) => boolean;

const body = JSON.stringify({ id: 'evt_1', type: 'ticket.opened', occurredAt: '2026-11-10T10:00:00.000Z', ticket: { id: 'T-1', note: 'café ☕' } });
const T = 1_762_768_800;

/** The verification snippet of docs/webhooks.md, run as it is printed. */
let docVerify: DocVerifier;
const doc = readFileSync(new URL('../../../docs/webhooks.md', import.meta.url), 'utf8');
const docSnippets = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
beforeAll(async () => {
  const snippet = docSnippets.find((s) => s.includes('export function verifyStorepulseSignature'));
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

  it('has a documented receiver that drops a body sent again under other headers, and routes on the signed type', async () => {
    const verify = docSnippets.find((s) => s.includes('export function verifyStorepulseSignature'))!;
    const receiver = docSnippets.find((s) => s.includes('createServer('))!;
    expect(receiver).toContain('.listen(8080)');
    const file = join(mkdtempSync(join(tmpdir(), 'storepulse-doc-')), 'receiver.mjs');
    writeFileSync(file, verify + receiver.replace('.listen(8080)', ".listen(0, function () { console.log('port', this.address().port); })"));
    const child = spawn(process.execPath, [file], { env: { ...process.env, STOREPULSE_SECRET: 'change-me' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const port = Number((await waitFor(() => /^port (\d+)$/m.exec(out), 5000, 'the receiver'))[1]);
      const post = (raw: string, delivery: string, event: string) =>
        fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          body: raw,
          headers: { 'x-storepulse-signature': signatureHeader(['change-me'], raw, Math.floor(Date.now() / 1000)), 'x-storepulse-delivery': delivery, 'x-storepulse-event': event },
        }).then((r) => r.status);
      const opened = JSON.stringify({ id: 'evt_1', type: 'ticket.opened', ticket: { id: 'T-1', status: 'open' } });
      const closed = JSON.stringify({ id: 'evt_2', type: 'ticket.closed', ticket: { id: 'T-1', status: 'closed' } });
      expect(await post(opened, 'dlv_1', 'ticket.opened')).toBe(204);
      // The same signed body again with made-up headers: answered, but not handled twice.
      expect(await post(opened, 'dlv_made_up', 'ticket.closed')).toBe(204);
      expect(await post(closed, 'dlv_2', 'ticket.opened')).toBe(204);
      const handled = () => out.split('\n').filter((l) => l.startsWith('ticket.'));
      await waitFor(() => handled().length >= 2, 5000, 'both events');
      expect(handled()).toEqual(['ticket.opened T-1 open', 'ticket.closed T-1 closed']);
    } finally {
      child.kill();
    }
  });
});

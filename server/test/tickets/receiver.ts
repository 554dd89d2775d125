import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** The verification recipe of docs/webhooks.md, as a receiver would paste it. */
export function verifyStorepulseSignature(rawBody: Buffer, header: unknown, secrets: string[], toleranceSec = 300, nowSec = Date.now() / 1000): boolean {
  const parts = String(header ?? '').split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const sigs = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!Number.isInteger(t) || sigs.length === 0 || Math.abs(nowSec - t) > toleranceSec) return false;
  return secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
    return sigs.some((sig) => timingSafeEqual(sig, expected));
  });
}

export interface WebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  detail?: Record<string, unknown>;
  ticket: { id: string; status: string; providerId: string | null; priority: string; sla: { responseDueAt: string | null } };
}

/**
 * A provider's helpdesk: verifies each request with its secret, answers 401 to a bad signature,
 * and keeps each delivery id once (counting every arrival, to see duplicates). Can go down and come
 * back on the same port.
 */
export function helpdesk(port: number, secrets: Record<string, string[]>) {
  const arrivals: { path: string; delivery: string; verified: boolean }[] = [];
  const events = new Map<string, WebhookEvent & { path: string }>();
  let server: Server | null = null;
  return {
    arrivals,
    /** Verified events, first arrival per delivery id, in arrival order. */
    events: () => [...events.values()],
    url: (path: string) => `http://127.0.0.1:${port}/${path}`,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const raw = Buffer.concat(chunks);
          const path = (req.url ?? '').slice(1);
          const delivery = String(req.headers['x-storepulse-delivery'] ?? '');
          const verified = verifyStorepulseSignature(raw, req.headers['x-storepulse-signature'], secrets[path] ?? []);
          arrivals.push({ path, delivery, verified });
          if (!verified) return void res.writeHead(401).end();
          if (!events.has(delivery)) events.set(delivery, { ...(JSON.parse(raw.toString('utf8')) as WebhookEvent), path });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    },
  };
}

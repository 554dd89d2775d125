import type { IncomingMessage, RequestOptions } from 'node:http';

export interface HttpAnswer {
  status: number;
  body: string;
}

/** Devices answer with a few hundred bytes; anything far larger is not what the agent asked for. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * GET over node:http(s). Not fetch: fetch loads undici and its WebAssembly HTTP parser, about 10 MB of
 * memory for the few small requests a minute a till's agent makes. Redirects are not followed.
 * Network errors reject with Node's error (its `code`, e.g. ECONNREFUSED, says what happened).
 */
export async function httpGet(url: string | URL, opts: { signal: AbortSignal; headers?: Record<string, string>; body?: boolean }): Promise<HttpAnswer> {
  const target = new URL(url);
  const { get } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const options: RequestOptions = { signal: opts.signal, headers: opts.headers ?? {} };
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    get(target, options, resolve).once('error', reject);
  });
  const status = res.statusCode ?? 0;
  if (opts.body === false) {
    res.destroy();
    return { status, body: '' };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      res.destroy();
      throw new Error(`answer larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
    }
    chunks.push(chunk);
  }
  return { status, body: Buffer.concat(chunks).toString('utf8') };
}

/** Node's error code (ECONNREFUSED, ETIMEDOUT…) when there is one, else the message. */
export function httpFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code && e.code !== 'ABORT_ERR' ? e.code : e.message;
}

/**
 * A URL as the agent may show it in a component's detail (published to HQ) or a log: without a user, password or
 * query values, which may be the device's credentials (`http://admin:pw@…`, `?token=…`).
 */
export function shownUrl(url: string | URL): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
}

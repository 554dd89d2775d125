import { connect } from 'node:net';
import { httpFailure, httpGet, shownUrl } from '../http-get.js';

export type TcpResult = { ok: true; ms: number } | { ok: false; code: string; reason: string };

/** The host of a URL as a socket takes it: an IPv6 address without the brackets URLs put around it. */
export function socketHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** Opens and at once closes a TCP connection: reachability and connect time, nothing sent. */
export function tcpPing(host: string, port: number, timeoutMs: number): Promise<TcpResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port });
    const finish = (r: TcpResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => finish({ ok: false, code: 'ETIMEDOUT', reason: `no answer from ${host}:${port} within ${timeoutMs} ms` }));
    socket.once('connect', () => finish({ ok: true, ms: Math.round(performance.now() - started) }));
    socket.once('error', (err: NodeJS.ErrnoException) => finish({ ok: false, code: err.code ?? 'ERROR', reason: `${host}:${port}: ${err.code ?? err.message}` }));
  });
}

/** GET with a timeout; resolves to the status code or a reason. */
export async function httpStatus(url: string, signal: AbortSignal): Promise<{ status: number } | { reason: string }> {
  try {
    return { status: (await httpGet(url, { signal, body: false })).status };
  } catch (err) {
    return { reason: `${shownUrl(url)}: ${httpFailure(err)}` };
  }
}

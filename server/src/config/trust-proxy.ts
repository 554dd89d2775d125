import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/** Fastify's `trustProxy`: off, the nearest hops, or the proxies' addresses. Never "trust everyone". */
export type TrustProxy = false | string[] | ((address: string, hop: number) => boolean);

const NAMED = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrRange(entry: string): boolean {
  if (NAMED.has(entry)) return true;
  const [ip, bits, extra] = entry.split('/');
  if (extra !== undefined || !ip) return false;
  const family = isIP(ip);
  if (family === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY: unset, a number of proxy hops, or a comma-separated list of proxy addresses, CIDR ranges and
 * loopback/linklocal/uniquelocal. Trusting every X-Forwarded-For would let any client pick its own address,
 * and so its own rate limit.
 */
export function parseTrustProxy(value: string | undefined): { value: TrustProxy } | { problem: string } {
  if (value === undefined) return { value: false };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return { value: hops === 0 ? false : (_address: string, hop: number) => hop < hops };
  }
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !isAddressOrRange(e));
  if (bad.length > 0) {
    return { problem: `TRUST_PROXY must be a hop count or proxy addresses, CIDR ranges or loopback/linklocal/uniquelocal (got ${bad.map((b) => JSON.stringify(b)).join(', ')})` };
  }
  return { value: entries };
}

const compiled = (trust: Exclude<TrustProxy, false>) => (typeof trust === 'function' ? trust : proxyAddr.compile(trust));

/**
 * Whether a request's direct peer is a trusted proxy, decided as Fastify decides it for request.host and
 * request.protocol, for the requests Fastify never sees (socket.io's).
 */
export function trustsPeer(trust: TrustProxy): (address: string | undefined) => boolean {
  if (trust === false) return () => false;
  const trusted = compiled(trust);
  return (address) => address !== undefined && trusted(address, 0);
}

/** The client's address as Fastify's request.ip gives it (X-Forwarded-For only through trusted proxies), for socket.io's requests. */
export function clientAddressOf(trust: TrustProxy): (req: IncomingMessage) => string {
  const trusted = trust === false ? () => false : compiled(trust);
  return (req) => proxyAddr(req, trusted);
}

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { canonicalOrigin } from '../config/allowed-origins.js';

/** The origin a request was addressed to, from its protocol and host (Fastify's request.protocol and request.host). */
export function ownOrigin(protocol: string, host: string): string | undefined {
  return host ? canonicalOrigin(`${protocol}://${host}`) : undefined;
}

/** ownOrigin of a raw request, X-Forwarded-Host/-Proto believed from a trusted peer only, as Fastify does. */
export function rawOwnOrigin(req: IncomingMessage, trusted: (address: string | undefined) => boolean): string | undefined {
  const proxied = trusted(req.socket.remoteAddress);
  const forwarded = (name: string): string | undefined => {
    const value = req.headers[name];
    return proxied && typeof value === 'string' && value ? value.slice(value.lastIndexOf(',') + 1).trim() : undefined;
  };
  const protocol = forwarded('x-forwarded-proto') ?? ((req.socket as TLSSocket).encrypted ? 'https' : 'http');
  return ownOrigin(protocol, forwarded('x-forwarded-host') ?? req.headers.host ?? '');
}

/**
 * A page on another origin must not ride on the session cookie: SameSite=Lax still sends it from a same-site page
 * (another port, a sibling subdomain). No Origin at all is a client that is not a browser (curl, agents, scripts).
 * The server's own host counts whatever the scheme: behind a TLS proxy that keeps Host but is not in TRUST_PROXY the
 * server sees http for an https page, and a page of the same host over the other scheme is cross-site to the browser
 * anyway (schemeful SameSite), so it gets no cookie from it.
 */
export function originAllowed(origin: string | undefined, own: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const page = canonicalOrigin(origin);
  return page !== undefined && (page === own || allowed.has(page) || (own !== undefined && hostOf(page) === hostOf(own)));
}

/** host[:port] of a canonical origin; a default port is already left out of both. */
const hostOf = (origin: string) => origin.slice(origin.indexOf('://') + 3);

/** An Origin header for a log line: never a secret, but a client could send kilobytes of it. */
export const loggedOrigin = (origin: string | undefined) => origin?.slice(0, 200);

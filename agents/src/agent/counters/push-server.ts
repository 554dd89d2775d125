import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FootfallBin } from './bins.js';
import { parseAxisPush, parseGeneric, parseXovis, type ParseResult } from './push-formats.js';

export type PushType = 'axis-push' | 'xovis' | 'generic';

export interface PushCounter {
  id: string;
  type: PushType;
  timezone: string;
  /** Xovis: the count lines (element name or id) that are the entrance. */
  lines?: readonly string[];
}

export interface PushServerOptions {
  host: string;
  port: number;
  token: string;
  counters: readonly PushCounter[];
  /**
   * Resolves once the good bins are safely spooled, with the reason for each bin refused (the callee counts and logs
   * them). A push gets its 204 only when none was refused.
   */
  onBins: (counterId: string, bins: FootfallBin[]) => Promise<string[]>;
  logger: { warn(o: object, msg?: string): void; error(o: object, msg?: string): void };
}

const MAX_BODY = 256 * 1024;
const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Receives counter pushes on POST /push/{counterId}, with the token as a Bearer header or a
 * `token` query parameter (for devices that cannot set headers). Every refusal is counted and logged.
 */
export class PushServer {
  private server: Server | null = null;
  readonly rejected = new Map<string, number>();
  private readonly tokenDigest: Buffer;

  constructor(private readonly opts: PushServerOptions) {
    // An empty token would match an empty `?token=`: anyone could push.
    if (opts.token === '') throw new Error('the push token is empty');
    this.tokenDigest = digest(opts.token);
  }

  async listen(): Promise<number> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.server = server;
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
  }

  private refuse(res: ServerResponse, status: number, reason: string, why: string, extra: object = {}): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    this.opts.logger.warn({ reason, ...extra }, `counter push refused: ${why}`);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`${why}\n`);
  }

  private authorised(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
    return given !== null && timingSafeEqual(digest(given), this.tokenDigest);
  }

  /** Never rejects: the server calls it without awaiting, and an unhandled rejection would end the agent. */
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.answer(req, res);
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message, from: req.socket.remoteAddress }, 'counter push: unexpected error');
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://agent');
    } catch {
      // Not the target itself in the log: it may carry the token.
      return this.refuse(res, 400, 'bad_target', 'request target is not a valid URL', { from: req.socket.remoteAddress });
    }
    const match = /^\/push\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (!match) return this.refuse(res, 404, 'not_found', 'unknown path', { path: url.pathname });
    if (req.method !== 'POST') return this.refuse(res, 405, 'method', 'only POST is accepted');
    if (!this.authorised(req, url)) return this.refuse(res, 401, 'token', 'missing or wrong token');
    const counter = this.opts.counters.find((c) => c.id === match[1]);
    if (!counter) return this.refuse(res, 404, 'unknown_counter', `no push counter ${match[1]}`);
    let body = '';
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_BODY) {
          // Let the rest drain (bounded by the request timeout) so the client reads our answer.
          req.resume();
          return this.refuse(res, 413, 'oversize', `body over ${MAX_BODY} bytes`, { counter: counter.id });
        }
        body += chunk.toString('utf8');
      }
    } catch {
      return this.refuse(res, 400, 'aborted', 'request aborted', { counter: counter.id });
    }
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch (err) {
      return this.refuse(res, 400, 'malformed_json', `body is not JSON: ${(err as Error).message}`, { counter: counter.id });
    }
    const parsed: ParseResult = counter.type === 'axis-push' ? parseAxisPush(data)
      : counter.type === 'xovis' ? parseXovis(data, counter.timezone, Date.now(), counter.lines)
      : parseGeneric(data, counter.timezone);
    if (!parsed.ok) return this.refuse(res, 422, 'format', parsed.error, { counter: counter.id });
    if (parsed.guessed) {
      // Kept, as a push is most likely recent, but flagged: only times with an offset are certain.
      this.rejected.set('ambiguous_time', (this.rejected.get('ambiguous_time') ?? 0) + 1);
      this.opts.logger.warn({ reason: 'ambiguous_time', counter: counter.id, bins: parsed.guessed },
        'counter push: local times of the hour the clocks went back placed by guess (the later pass that fits); have the device send UTC offsets');
    }
    let refused: string[];
    try {
      refused = await this.opts.onBins(counter.id, parsed.bins);
    } catch (err) {
      // The device will push again; better than acknowledging data we could not keep.
      return this.refuse(res, 503, 'spool', `could not store the bins: ${(err as Error).message}`, { counter: counter.id });
    }
    if (refused.length === 0) return void res.writeHead(204).end();
    // The good bins are kept: a device that pushes the whole lot again has them dropped as already sent.
    const kept = parsed.bins.length - refused.length;
    res.writeHead(422, { 'content-type': 'text/plain' })
      .end(`${refused.length} of ${parsed.bins.length} bins refused${kept > 0 ? `, ${kept} kept` : ''}: ${[...new Set(refused)].join('; ')}\n`);
  }
}

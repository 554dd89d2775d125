import { createServer, type Server } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { MAX_PAYLOAD_BYTES, parseTopic } from '@storepulse/protocol';
import type { AuthService, Principal } from '../../services/auth-service.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** When the port was not chosen explicitly, a taken port falls back to a free one instead of failing. */
  portExplicit: boolean;
  auth: AuthService;
  /** Credentials of the server's own ingest client. */
  serverUser: { username: string; password: string };
  log: Logger;
  onAuthFailure?: () => void;
  /** A signed-in client tried to publish where it may not. */
  onPublishDenied?: () => void;
}

export interface EmbeddedBroker {
  port: number;
  host: string;
  /** The port asked for was taken and another was used. */
  fellBack: boolean;
  connectedClients(): number;
  close(): Promise<void>;
}

type Who = { kind: 'server' } | { kind: 'agent'; principal: Principal };

const NOT_AUTHORIZED = 5;

function authError(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: NOT_AUTHORIZED }) as AuthenticateError;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The in-process Aedes broker of the one-process setup. Agents sign in with an agent token as password; a token
 * bound to a store may only publish under that store's topics. Only the server's own client may subscribe.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const who = new WeakMap<Client, Who>();
  const broker = await Aedes.createBroker({
    id: 'storepulse-embedded',
    queueLimit: 100_000,
    authenticate(client, username, password, done) {
      const secret = password?.toString('utf8') ?? '';
      if (username === opts.serverUser.username && sameSecret(secret, opts.serverUser.password)) {
        who.set(client, { kind: 'server' });
        return done(null, true);
      }
      const principal = opts.auth.authenticate(secret);
      if (principal?.role === 'agent') {
        who.set(client, { kind: 'agent', principal });
        return done(null, true);
      }
      opts.onAuthFailure?.();
      opts.log.warn({ clientId: client.id.slice(0, 64), username: username?.slice(0, 64) }, 'mqtt connection refused: bad credentials');
      done(authError('bad credentials'), false);
    },
    authorizePublish(client, packet, callback) {
      const w = client ? who.get(client) : undefined;
      if (!w) return callback(new Error('not signed in'));
      if (w.kind === 'server') return callback(null);
      if (packet.payload && packet.payload.length > MAX_PAYLOAD_BYTES * 4) {
        opts.onPublishDenied?.();
        return callback(new Error('payload too large'));
      }
      const scope = w.principal.storeId;
      const target = parseTopic(packet.topic);
      // Unparseable topics are let through to the server, which counts and logs them as rejections.
      if (scope && target && target.storeId !== scope) {
        opts.onPublishDenied?.();
        opts.log.warn({ clientId: client?.id.slice(0, 64), topic: packet.topic.slice(0, 256), scope }, 'mqtt publish refused: outside the agent token\'s store');
        return callback(new Error('topic outside the agent\'s store'));
      }
      callback(null);
    },
    authorizeSubscribe(client, subscription, callback) {
      if (who.get(client)?.kind === 'server') return callback(null, subscription);
      callback(new Error('subscriptions are reserved to the server'), null);
    },
  });
  broker.on('clientError', (client, err) => opts.log.debug({ clientId: client.id.slice(0, 64), err: err.message }, 'mqtt client error'));

  const server = createServer(broker.handle);
  let port = opts.port;
  let fellBack = false;
  try {
    await listen(server, opts.host, port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.portExplicit) {
      broker.close();
      throw new Error(`embedded MQTT broker cannot listen on ${opts.host}:${port}: ${(err as Error).message}` + (opts.portExplicit ? ' (MQTT_PORT)' : ''));
    }
    await listen(server, opts.host, 0);
    fellBack = true;
  }
  port = (server.address() as { port: number }).port;

  return {
    port,
    host: opts.host,
    fellBack,
    connectedClients: () => broker.connectedClients,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

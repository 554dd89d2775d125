import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Logger } from 'pino';
import { MAX_PAYLOAD_BYTES, TOPIC_RULES, clientIdStore, parseTopic, type ParsedTopic } from '@storepulse/protocol';
import { listenConfigError } from '../../config/listen-error.js';
import { RejectionLog } from '../../ingest/rejection-log.js';
import type { EventBus } from '../../event-bus.js';
import type { AuthService, Principal } from '../../services/auth-service.js';
import { AddressThrottle } from '../address-throttle.js';
import { PacketLengthWatch } from './packet-length-watch.js';

/** Failed MQTT sign-ins one remote address (an IPv6 /64) may make in a window before its CONNECTs are refused unchecked. */
export const MAX_FAILED_SIGN_INS = 10;
/**
 * Short on purpose: every client behind the blocked address is refused too, valid token or not, so an attacker on a
 * store's NAT can hold that store's reconnecting agents off for up to this long. Successful sign-ins are not counted
 * and do not reset the count: a valid token must not buy more guesses at other ones.
 */
export const SIGN_IN_WINDOW_MS = 60_000;
/**
 * The largest packet taken in: room for four times the payload the server accepts, so that a payload over that limit
 * still arrives to be refused by ingest with its reason, while one far over ends the connection unread.
 */
export const MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES * 4;

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** When the port was not chosen explicitly, a taken port falls back to a free one instead of failing. */
  portExplicit: boolean;
  auth: AuthService;
  /** Credentials of the server's own ingest client. */
  serverUser: { username: string; password: string };
  /**
   * The ingest client's id, which no agent may take: whoever connects last with an id takes its session, and one that
   * asks for a clean session throws away the server's subscription and the messages the broker kept for it.
   */
  serverClientId: string;
  /**
   * Whether the store has this till. A publish for any other till id is passed on unretained: ingest refuses it
   * (`unknown_till`, counted and logged) and the broker keeps no copy, while the agent, installed before HQ
   * configured its till, stays connected rather than being dropped and reconnecting every few seconds.
   */
  knownTill: (storeId: string, tillId: string) => boolean;
  log: Logger;
  /** Tells the broker of revoked tokens: their agents' sessions end then, not at their next reconnection. */
  bus: EventBus;
  /** A refused sign-in, bad credentials or an address throttled after too many of them. */
  onAuthFailure?: () => void;
  /** A signed-in client tried to publish what it may not; the broker closes its connection. */
  onPublishDenied?: (reason: PublishRefusal) => void;
  /** The clock of the sign-in throttle and the refusal log; tests move it instead of sleeping. */
  now?: () => number;
}

/**
 * Why the broker refused an agent's publish: far too large, outside the server's topic space (nobody would read it,
 * yet a retained copy would stay in memory), outside the agent token's store, or a footfall or sales bin sent
 * retained (the protocol never retains bins; a retained one would come back at every server start).
 */
export type PublishRefusal = 'oversize' | 'topic' | 'store_scope' | 'retained_bin';

export interface EmbeddedBroker {
  port: number;
  host: string;
  /** The port asked for was taken and another was used. */
  fellBack: boolean;
  connectedClients(): number;
  /** Agents are turned away until then: what they publish before the server's client has subscribed reaches no one. */
  acceptAgents(): void;
  /**
   * Ends every agent's connection and takes no new one, while the server's client stays: called before that client
   * leaves, or agents' messages would be acknowledged into its session in memory and lost with the broker.
   */
  closeToAgents(): void;
  close(): Promise<void>;
}

type Who = { kind: 'server' } | { kind: 'agent'; principal: Principal };

const NOT_AUTHORIZED = 5;

function authError(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: NOT_AUTHORIZED }) as AuthenticateError;
}

type Packet = { topic: string; payload: Buffer | string; retain: boolean };

function refusalOf(principal: Principal, packet: Packet, target: ParsedTopic | null): { reason: PublishRefusal; detail: string } | null {
  if (!target) return { reason: 'topic', detail: 'not a storepulse/v1 store topic' };
  if (principal.storeId && target.storeId !== principal.storeId) {
    return { reason: 'store_scope', detail: `outside the agent token's store ${principal.storeId}` };
  }
  if (packet.retain && !TOPIC_RULES[target.kind].retained) return { reason: 'retained_bin', detail: `a ${target.kind} bin sent retained` };
  return null;
}

/** A till topic whose till the store does not have: a retained copy per made-up till id would stay in memory. */
function forUnknownTill(target: ParsedTopic, knownTill: EmbeddedBrokerOptions['knownTill']): boolean {
  return target.kind !== 'footfall' && !knownTill(target.storeId, target.tillId);
}

/**
 * A store's agent token connects as one of its store's tills: `S001/T1` (or `S001/T1/check`), or `S001-T1` as
 * earlier agents do, for a till the store has and no other store's till could be read from it (a prefix alone would
 * let store S1 take S1-B's tills; store A's till B-C and store A-B's till C both read A-B-C).
 */
function ownClientId(principal: Principal, clientId: string, knownTill: EmbeddedBrokerOptions['knownTill']): boolean {
  const store = principal.storeId;
  if (!store) return true;
  if (clientIdStore(clientId) === store) return true;
  if (!clientId.startsWith(`${store}-`) || !knownTill(store, clientId.slice(store.length + 1))) return false;
  for (let i = clientId.indexOf('-'); i !== -1; i = clientId.indexOf('-', i + 1)) {
    const other = clientId.slice(0, i);
    if (other !== store && knownTill(other, clientId.slice(i + 1))) return false;
  }
  return true;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The in-process Aedes broker of the one-process setup. Agents sign in with an agent token as password and may only
 * publish on protocol v1 store topics, under their own store's when the token is bound to one; each refusal is
 * counted, logged and ends the connection. Only the server's own client may subscribe. An address with too many
 * failed sign-ins is refused for the rest of its window without its credentials being checked.
 */
export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const who = new WeakMap<Client, Who>();
  const agents = new Set<Client>();
  const now = opts.now ?? Date.now;
  const refusals = new RejectionLog(opts.log);
  const throttle = new AddressThrottle(now, SIGN_IN_WINDOW_MS);
  let acceptingAgents = false;
  const broker = await Aedes.createBroker({
    id: 'storepulse-embedded',
    queueLimit: 100_000,
    // Before CONNACK on purpose: MQTT.js stops reconnecting for good after a refused CONNACK, whereas a closed socket
    // is retried, so a valid agent behind a throttled address gets in once the window has passed.
    preConnect(client, packet, done) {
      // The server's client is told apart by its username only; authenticate() checks its password.
      if (!acceptingAgents && packet.username !== opts.serverUser.username) return done(new Error('not taking agents now'), false);
      if (throttle.count(remoteAddress(client)) < MAX_FAILED_SIGN_INS) return done(null, true);
      opts.onAuthFailure?.();
      done(new Error('too many failed sign-ins from this address'), false);
    },
    authenticate(client, username, password, done) {
      const secret = password?.toString('utf8') ?? '';
      if (username === opts.serverUser.username && sameSecret(secret, opts.serverUser.password)) {
        who.set(client, { kind: 'server' });
        return done(null, true);
      }
      const principal = opts.auth.authenticate(secret);
      if (principal?.role === 'agent' && client.id === opts.serverClientId) {
        opts.onAuthFailure?.();
        opts.log.warn({ tokenId: principal.tokenId }, "mqtt connection refused: an agent token used the server's client id");
        return done(authError("client id reserved to the server"), false);
      }
      if (principal?.role === 'agent' && !ownClientId(principal, client.id, opts.knownTill)) {
        // A session is its client id's: another store's agent taking that id would end the till's and fire its will.
        opts.onAuthFailure?.();
        opts.log.warn({ clientId: client.id.slice(0, 64), tokenId: principal.tokenId }, "mqtt connection refused: client id outside the agent token's store");
        return done(authError("client id outside the agent token's store"), false);
      }
      if (principal?.role === 'agent') {
        who.set(client, { kind: 'agent', principal });
        agents.add(client);
        return done(null, true);
      }
      opts.onAuthFailure?.();
      // Not the username: a token typed into the wrong field would land in the log.
      opts.log.warn({ clientId: client.id.slice(0, 64) }, 'mqtt connection refused: bad credentials');
      const address = remoteAddress(client);
      if (throttle.hit(address) === MAX_FAILED_SIGN_INS) {
        const windowSeconds = SIGN_IN_WINDOW_MS / 1000;
        opts.log.warn({ address, failures: MAX_FAILED_SIGN_INS, windowSeconds }, 'mqtt: too many failed sign-ins from one address; its connections are refused unchecked until its window ends');
      }
      done(authError('bad credentials'), false);
    },
    authorizePublish(client, packet, callback) {
      const w = client ? who.get(client) : undefined;
      if (!w) return callback(new Error('not signed in'));
      if (w.kind === 'server') return callback(null);
      // Only while closing to agents: their wills, published as their connections end, would record the tills offline.
      if (!acceptingAgents) return callback(new Error('the server is stopping'));
      // Parsed once here: every agent message passes through.
      const target = parseTopic(packet.topic);
      const refusal = refusalOf(w.principal, packet, target);
      if (!refusal) {
        if (packet.retain && forUnknownTill(target!, opts.knownTill)) packet.retain = false;
        return callback(null);
      }
      opts.onPublishDenied?.(refusal.reason);
      // Never the payload: it may hold anything. The client id is the agent's own choice, so it is cut short.
      const from = client?.id.slice(0, 64) ?? '';
      refusals.record(refusal.reason, packet.topic, `publish refused from client ${from}: ${refusal.detail}`, now());
      callback(new Error(`publish refused: ${refusal.reason}`));
    },
    authorizeSubscribe(client, subscription, callback) {
      if (who.get(client)?.kind === 'server') return callback(null, subscription);
      callback(new Error('subscriptions are reserved to the server'), null);
    },
  });
  broker.on('clientError', (client, err) => opts.log.debug({ clientId: client.id.slice(0, 64), err: err.message }, 'mqtt client error'));
  broker.on('clientDisconnect', (client) => agents.delete(client));
  const onRevoked = (tokenId: string) => {
    for (const client of agents) {
      const w = who.get(client);
      if (w?.kind !== 'agent' || w.principal.tokenId !== tokenId) continue;
      agents.delete(client);
      opts.log.info({ clientId: client.id.slice(0, 64), tokenId }, 'mqtt: closed the session of a revoked agent token');
      client.close();
    }
  };
  opts.bus.on('token:revoked', onRevoked);

  const server = createServer((socket) => {
    watchPacketLengths(socket, (declared) => {
      const address = socket.remoteAddress ?? 'unknown';
      opts.onPublishDenied?.('oversize');
      refusals.record('oversize', '', `a packet of ${declared} bytes from ${address}, before it was read; the limit is ${MAX_PACKET_BYTES}`, now());
    });
    broker.handle(socket);
  });
  let port = opts.port;
  let fellBack = false;
  try {
    await listen(server, opts.host, port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || opts.portExplicit) {
      broker.close();
      const named = listenConfigError(err as NodeJS.ErrnoException, { name: 'MQTT_PORT', value: port }, { name: 'MQTT_HOST', value: opts.host });
      throw named ?? new Error(`embedded MQTT broker cannot listen on ${opts.host}:${port}: ${(err as Error).message}`);
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
    acceptAgents: () => void (acceptingAgents = true),
    closeToAgents: () => {
      acceptingAgents = false;
      server.close();
      for (const client of agents) client.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        opts.bus.off('token:revoked', onRevoked);
        broker.close(() => server.close(() => resolve()));
      }),
  };
}

/**
 * Ends a connection at the first packet that declares more than MAX_PACKET_BYTES. Aedes takes bytes with
 * `socket.read()`, so they are looked at there, before its parser buffers them.
 */
function watchPacketLengths(socket: Socket, onOversize: (declared: number) => void): void {
  const watch = new PacketLengthWatch(MAX_PACKET_BYTES);
  const read = socket.read.bind(socket);
  socket.read = (size?: number) => {
    const chunk: unknown = read(size);
    if (!Buffer.isBuffer(chunk)) return chunk;
    const declared = watch.push(chunk);
    if (declared === null) return chunk;
    onOversize(declared);
    socket.destroy();
    return null;
  };
}

function remoteAddress(client: Client): string {
  return (client.conn as Socket).remoteAddress ?? 'unknown';
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

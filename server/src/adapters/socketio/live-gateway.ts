import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { ClientToServerEvents, FleetSnapshot, ServerToClientEvents, StoreMaintenance } from '@storepulse/protocol';
import { storeSummary, tillView, type Fleet, type FleetChange, type StoreRecord, type TillRecord } from '../../domain/fleet.js';
import type { StoreConfig } from '../../domain/store.js';
import type { EventBus } from '../../event-bus.js';
import type { StoreAccess } from '../../services/access.js';
import type { AuthService, Principal } from '../../services/auth-service.js';
import { sessionTokenFromHeader } from '../../http/session-cookie.js';
import { loggedOrigin, originAllowed, rawOwnOrigin } from '../../http/origin.js';
import { clientAddressOf, trustsPeer, type TrustProxy } from '../../config/trust-proxy.js';
import { AddressThrottle } from '../address-throttle.js';

interface SocketData {
  principal: Principal;
}

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const HQ_ROOM = 'hq';
const PROVIDER_PREFIX = 'provider:';
const providerRoom = (id: string) => PROVIDER_PREFIX + id;

export interface LiveGatewayOptions {
  httpServer: HttpServer;
  fleet: Fleet;
  bus: EventBus;
  auth: AuthService;
  access: StoreAccess;
  log: Logger;
  /** The window a store is in now; the bus says when that changes. */
  maintenanceOf: (storeId: string) => StoreMaintenance | null;
  /** Changes are coalesced and sent at most this often, so a burst costs one message per till or store. */
  flushMs?: number;
  onAuthFailure?: () => void;
  /** Origins besides the server's own whose pages may connect (ALLOWED_ORIGINS); none when absent. */
  allowedOrigins?: readonly string[];
  /** Which proxies' X-Forwarded-For/-Host/-Proto to believe, for the client's address and the server's own origin; none when absent. */
  trustProxy?: TrustProxy;
  /** Handshakes per minute one client address (an IPv6 /64) may open; the rest of its minute is refused. */
  handshakesPerMinute: number;
  onHandshakeLimited?: () => void;
  now?: () => number;
}

const HANDSHAKE_WINDOW_MS = 60_000;

/** Messages at least this big are compressed on the websocket (permessage-deflate). */
const DEFLATE_FROM_BYTES = 4096;

/**
 * socket.io for the web: only for pages of the server's own origin or ALLOWED_ORIGINS (and clients that send no
 * Origin), authenticated by the session cookie or `auth.token`, each socket in a room for what it may
 * see (HQ everything, a provider its own stores). Every (re)connection starts with a full snapshot.
 */
export class LiveGateway {
  readonly io: LiveServer;
  private readonly pendingStores = new Map<string, StoreRecord>();
  private readonly pendingTills = new Map<string, { store: StoreRecord; till: TillRecord }>();
  private readonly timer: NodeJS.Timeout;
  private readonly onChanges = (changes: FleetChange[]) => this.collect(changes);
  private readonly onRevoked = (tokenId: string) => this.disconnectToken(tokenId);
  private readonly onMaintenance = (storeIds: string[]) => this.refreshStores(storeIds);
  private readonly onRemoved = (storeId: string, config: StoreConfig) => this.removeStore(storeId, config);
  private readonly onCoverage = () => this.resendProviders();

  constructor(private readonly opts: LiveGatewayOptions) {
    const allowed = new Set(opts.allowedOrigins);
    const trusted = trustsPeer(opts.trustProxy ?? false);
    const clientAddress = clientAddressOf(opts.trustProxy ?? false);
    const handshakes = new AddressThrottle(opts.now ?? Date.now, HANDSHAKE_WINDOW_MS);
    this.io = new Server(opts.httpServer, {
      serveClient: false,
      connectionStateRecovery: undefined,
      // Snapshots of a big fleet run to megabytes of repetitive JSON: deflated they cross a phone's or a VPN's link in
      // a fraction of the time. Live events are a few hundred bytes and go as they are.
      perMessageDeflate: { threshold: DEFLATE_FROM_BYTES },
      // Browsers send the session cookie from same-site pages too: only our own origin (or a listed one) may connect.
      // Called for new handshakes only, not for the polls and upgrade of a session already open.
      allowRequest: (req, callback) => {
        const address = clientAddress(req);
        const count = handshakes.hit(address);
        if (count > opts.handshakesPerMinute) {
          opts.onHandshakeLimited?.();
          if (count === opts.handshakesPerMinute + 1) {
            opts.log.warn({ address, max: opts.handshakesPerMinute, windowSeconds: HANDSHAKE_WINDOW_MS / 1000 }, 'live: too many handshakes from one address; refused until its minute ends');
          }
          return callback('too many handshakes', false);
        }
        const { origin } = req.headers;
        if (originAllowed(origin, rawOwnOrigin(req, trusted), allowed)) return callback(null, true);
        opts.onAuthFailure?.();
        opts.log.warn({ origin: loggedOrigin(origin) }, 'live: refused a handshake from a foreign origin');
        callback('origin not allowed', false);
      },
    });
    this.io.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      const principal = opts.auth.authenticate(typeof token === 'string' ? token : sessionTokenFromHeader(socket.handshake.headers.cookie));
      if (!principal || principal.role === 'agent') {
        opts.onAuthFailure?.();
        return next(new Error('unauthorized'));
      }
      socket.data.principal = principal;
      next();
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    opts.bus.on('fleet:changes', this.onChanges);
    opts.bus.on('token:revoked', this.onRevoked);
    opts.bus.on('maintenance:changed', this.onMaintenance);
    // Ahead of the other listeners: the store's tickets, which may be all a provider saw it through, end in theirs.
    opts.bus.prependListener('store:removed', this.onRemoved);
    opts.bus.on('coverage:changed', this.onCoverage);
    this.timer = setInterval(() => this.flush(), opts.flushMs ?? 100);
    this.timer.unref();
  }

  private onConnection(socket: Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>): void {
    const who = socket.data.principal;
    void socket.join(who.role === 'provider' ? providerRoom(who.providerId ?? '-') : HQ_ROOM);
    socket.emit('snapshot', this.snapshot(who));
    socket.on('sync', (ack) => {
      if (typeof ack === 'function') ack(this.snapshot(who));
    });
  }

  /** A revoked token's screens stop receiving at once; their reconnection is then refused. */
  private disconnectToken(tokenId: string): void {
    const gone = [...this.io.sockets.sockets.values()].filter((s) => s.data.principal.tokenId === tokenId);
    for (const socket of gone) socket.disconnect(true);
    if (gone.length > 0) this.opts.log.info({ tokenId, sockets: gone.length }, 'live: disconnected the sockets of a revoked token');
  }

  /** Sends these stores again with the next flush, to whoever may see them now (a provider just given a ticket there). */
  refreshStores(storeIds: readonly string[]): void {
    for (const id of storeIds) {
      const store = this.opts.fleet.stores.get(id);
      if (store) this.pendingStores.set(id, store);
    }
  }

  /** A fresh snapshot to each of a provider's screens: a store it no longer sees (a ticket withdrawn) leaves them. */
  resendSnapshot(providerId: string): void {
    for (const id of this.io.sockets.adapter.rooms.get(providerRoom(providerId)) ?? []) {
      const socket = this.io.sockets.sockets.get(id);
      if (socket) socket.emit('snapshot', this.snapshot(socket.data.principal));
    }
  }

  /** Every provider's screens afresh: a store changed city or provider, so who sees it may have changed. */
  private resendProviders(): void {
    for (const room of this.io.sockets.adapter.rooms.keys()) {
      if (room.startsWith(PROVIDER_PREFIX)) this.resendSnapshot(room.slice(PROVIDER_PREFIX.length));
    }
  }

  /** The store leaves every screen that showed it; nothing pending of it goes out after. */
  private removeStore(storeId: string, config: StoreConfig): void {
    this.pendingStores.delete(storeId);
    for (const [key, { store }] of this.pendingTills) if (store.config.id === storeId) this.pendingTills.delete(key);
    const rooms = this.rooms(config);
    if (rooms.length > 0) this.io.to(rooms).emit('store:removed', { at: new Date().toISOString(), storeId });
  }

  /** Whether a provider sees a store now: it serves it, or holds a ticket there in play. */
  providerSees(providerId: string, storeId: string): boolean {
    const store = this.opts.fleet.stores.get(storeId);
    return store !== undefined && this.opts.access.providerIdsOf(store.config).includes(providerId);
  }

  snapshot(who: Principal): FleetSnapshot {
    const stores = [...this.opts.fleet.stores.values()].filter((s) => this.opts.access.canSee(who, s.config)).map((s) => this.summary(s));
    return { at: new Date().toISOString(), stores };
  }

  private summary(store: StoreRecord) {
    return storeSummary(store, this.opts.maintenanceOf(store.config.id));
  }

  private collect(changes: FleetChange[]): void {
    for (const c of changes) {
      if (c.type === 'store') this.pendingStores.set(c.store.config.id, c.store);
      else {
        this.pendingTills.set(`${c.store.config.id}/${c.till.id}`, { store: c.store, till: c.till });
        // Till counts on the store tile move with every till change.
        this.pendingStores.set(c.store.config.id, c.store);
      }
    }
  }

  /** Rooms that have someone in them: nothing is encoded for a store nobody watches. */
  private rooms(config: StoreConfig): string[] {
    const rooms = this.io.sockets.adapter.rooms;
    const out: string[] = [];
    if (rooms.get(HQ_ROOM)?.size) out.push(HQ_ROOM);
    for (const id of this.opts.access.providerIdsOf(config)) {
      if (rooms.get(providerRoom(id))?.size) out.push(providerRoom(id));
    }
    return out;
  }

  flush(): void {
    for (const { store, till } of this.pendingTills.values()) {
      const rooms = this.rooms(store.config);
      if (rooms.length > 0) this.io.to(rooms).emit('till:state', { storeId: store.config.id, till: tillView(till) });
    }
    for (const store of this.pendingStores.values()) {
      const rooms = this.rooms(store.config);
      if (rooms.length > 0) this.io.to(rooms).emit('store:state', this.summary(store));
    }
    this.pendingTills.clear();
    this.pendingStores.clear();
  }

  /** Lets every client go. The HTTP server is Fastify's to close: io.close() would wait there on keep-alive connections. */
  close(): void {
    clearInterval(this.timer);
    this.opts.bus.off('fleet:changes', this.onChanges);
    this.opts.bus.off('token:revoked', this.onRevoked);
    this.opts.bus.off('maintenance:changed', this.onMaintenance);
    this.opts.bus.off('store:removed', this.onRemoved);
    this.opts.bus.off('coverage:changed', this.onCoverage);
    this.io.disconnectSockets(true);
    this.io.engine.close();
  }
}

import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  FleetSnapshot,
  ServerToClientEvents,
  StoreSummary,
  TillStateEvent,
} from '@storepulse/protocol';
import { applySnapshot, applyStoreRemoved, applyStoreState, emptyFleet, sameStores, type Fleet } from '$lib/fleet/fleet.js';
import { sortStores } from '$lib/fleet/sort.js';
import { fleetCounts, type FleetCounts } from '$lib/fleet/counts.js';
import { flushDelay } from '$lib/fleet/flush.js';
import { takePrefetched } from '$lib/prefetch.js';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized';

type Listener<T> = (value: T) => void;
export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The live fleet: one socket for the app, plain data underneath, and reactive fields that change
 * at most once per flush, so a burst of updates costs one sort and one render.
 */
class LiveFleet {
  status = $state<ConnectionStatus>('connecting');
  /** Sorted worst first; a new array per flush, unchanged stores keep their object. */
  stores = $state.raw<StoreSummary[]>([]);
  /** The same stores in a fixed order (as first heard of), for views that place items themselves. */
  stable = $state.raw<StoreSummary[]>([]);
  counts = $state.raw<FleetCounts>(fleetCounts([]));
  heardAt = $state<number | null>(null);
  /** Becomes true at the first snapshot, so pages can tell "no stores" from "not loaded yet". */
  loaded = $state(false);
  /** A snapshot came since the socket last connected: the stores held are live, not the early prefetch or a lost connection's. */
  synced = false;

  #fleet: Fleet = emptyFleet();
  #socket: LiveSocket | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #storeListeners = new Set<(store: StoreSummary, prev: StoreSummary | undefined) => void>();
  #attachments = new Set<(socket: LiveSocket) => void>();
  #tillListeners = new Set<Listener<TillStateEvent>>();
  #snapshotListeners = new Set<Listener<FleetSnapshot>>();

  connect(): void {
    if (this.#socket) return;
    const socket: LiveSocket = io({
      withCredentials: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
      // Straight to a WebSocket (one round trip, no long-polling handshake first); polling only if that fails.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.#socket = socket;
    this.status = 'connecting';

    socket.on('connect', () => (this.status = 'live'));
    socket.on('disconnect', (reason) => {
      this.synced = false;
      this.status = 'reconnecting';
      this.heardAt = this.#fleet.heardAt;
      // The server closed us on purpose (e.g. restart): socket.io does not retry that case by itself.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err) => {
      if (err.message === 'unauthorized') {
        this.status = 'unauthorized';
        return;
      }
      if (this.status !== 'connecting') this.status = 'reconnecting';
    });
    socket.on('snapshot', (snapshot) => this.#onSnapshot(snapshot));
    socket.on('store:state', (store) => {
      const prev = this.#fleet.stores.get(store.id);
      if (applyStoreState(this.#fleet, store, Date.now())) this.#scheduleFlush();
      for (const fn of this.#storeListeners) fn(store, prev);
    });
    socket.on('store:removed', (event) => {
      if (applyStoreRemoved(this.#fleet, event.storeId, Date.now())) this.#scheduleFlush();
    });
    socket.on('till:state', (event) => {
      this.#fleet.heardAt = Date.now();
      for (const fn of this.#tillListeners) fn(event);
    });
    document.addEventListener('visibilitychange', this.#onVisible);
    for (const fn of this.#attachments) fn(socket);
    // The stores index.html asked for while the app loaded: shown until the socket's own snapshot arrives.
    void takePrefetched('stores')?.then((stores) => stores && this.#seed(stores));
  }

  /** Lets another live feed (incidents, tickets) listen on the app's one socket, now and after a new connect(). */
  attach(fn: (socket: LiveSocket) => void): void {
    this.#attachments.add(fn);
    if (this.#socket) fn(this.#socket);
  }

  /** A store as last heard, between flushes too. */
  byId(id: string): StoreSummary | undefined {
    return this.#fleet.stores.get(id);
  }

  disconnect(): void {
    document.removeEventListener('visibilitychange', this.#onVisible);
    this.#socket?.disconnect();
    this.#socket = null;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  /** Store updates (with what was known before) for a page that shows more than the wall does; returns the unsubscribe. */
  onStore(fn: (store: StoreSummary, prev: StoreSummary | undefined) => void): () => void {
    this.#storeListeners.add(fn);
    return () => this.#storeListeners.delete(fn);
  }

  onTill(fn: Listener<TillStateEvent>): () => void {
    this.#tillListeners.add(fn);
    return () => this.#tillListeners.delete(fn);
  }

  /** Called on every (re)connection: a page that keeps its own data reloads it then. */
  onSnapshot(fn: Listener<FleetSnapshot>): () => void {
    this.#snapshotListeners.add(fn);
    return () => this.#snapshotListeners.delete(fn);
  }

  #seed(stores: StoreSummary[]): void {
    if (this.loaded) return;
    this.#fleet = applySnapshot(this.#fleet, { at: new Date().toISOString(), stores }, Date.now());
    this.#flush();
  }

  #onSnapshot(snapshot: FleetSnapshot): void {
    const before = this.#fleet;
    this.#fleet = applySnapshot(before, snapshot, Date.now());
    this.synced = true;
    this.status = 'live';
    // After the early stores, the socket's first snapshot mostly says the same: then nothing is sorted or drawn again.
    if (this.loaded && sameStores(before, this.#fleet)) this.heardAt = this.#fleet.heardAt;
    else this.#flush();
    for (const fn of this.#snapshotListeners) fn(snapshot);
  }

  // A tab that slept may have missed events without noticing a disconnect: ask for a fresh snapshot.
  #onVisible = (): void => {
    const socket = this.#socket;
    if (document.visibilityState !== 'visible' || !socket?.connected) return;
    socket.emit('sync', (snapshot) => this.#onSnapshot(snapshot));
  };

  #scheduleFlush(): void {
    this.#flushTimer ??= setTimeout(() => this.#flush(), flushDelay(this.#renderMs));
  }

  /** What the last flush cost, sorting through painting: a slow screen gets fewer, larger batches. */
  #renderMs = 0;

  #flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    const started = performance.now();
    const list = sortStores(this.#fleet.stores.values());
    this.stores = list;
    this.stable = [...this.#fleet.stores.values()];
    this.counts = fleetCounts(list);
    this.heardAt = this.#fleet.heardAt;
    this.loaded = true;
    // The frame after next starts once this render is on screen.
    requestAnimationFrame(() => requestAnimationFrame(() => (this.#renderMs = performance.now() - started)));
  }
}

export const liveFleet = new LiveFleet();

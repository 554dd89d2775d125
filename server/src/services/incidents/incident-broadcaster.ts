import type { Server } from 'socket.io';
import type { ClientToServerEvents, HqCurrency, IncidentsSnapshot, IncidentView, ServerToClientEvents } from '@storepulse/protocol';
import type { Fleet } from '../../domain/fleet.js';
import type { Incident } from '../../domain/incidents/index.js';
import type { StoreConfig } from '../../domain/store.js';
import type { EventBus } from '../../event-bus.js';
import type { Principal } from '../auth-service.js';
import type { StoreAccess } from '../access.js';
import type { IncidentService } from './incident-service.js';

type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

/** The live gateway's rooms: HQ sees every store, a provider the stores it serves. */
const HQ_ROOM = 'hq';
const PROVIDER_PREFIX = 'provider:';

/** Whom a provider's room stands for: every socket in it sees what that provider sees. */
const providerOf = (providerId: string): Principal => ({ tokenId: '-', role: 'provider', providerId, storeId: null, label: PROVIDER_PREFIX + providerId });

/** What the wall needs of an incident: the record without the till components. */
function view(inc: Incident): IncidentView {
  const { components: _components, ...rest } = inc;
  return rest;
}

/**
 * Pushes incidents to the web over the live gateway's socket.io server: each incident event to HQ and
 * to the store's provider, today's lost revenue per room (coalesced), and a snapshot on connection.
 */
export class IncidentBroadcaster {
  private readonly dirtyRooms = new Set<string>();
  private refreshedAt = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly onOpened = (i: Incident) => this.send('incident:opened', i);
  private readonly onUpdated = (i: Incident) => this.send('incident:updated', i);
  private readonly onClosed = (i: Incident) => this.send('incident:closed', i);
  /**
   * The providers who saw a store being removed, while its removal closes its incidents: taken before its tickets
   * end (they may be all a provider saw it through), dropped after the incident service (built earlier) closed them.
   */
  private readonly leaving = new Map<string, string[]>();
  private readonly onRemoving = (storeId: string, config: StoreConfig) => void this.leaving.set(storeId, this.access.providerIdsOf(config));
  private readonly onRemoved = (storeId: string) => void this.leaving.delete(storeId);
  private readonly onCoverage = () => this.resendProviders();

  constructor(
    private readonly io: LiveServer,
    private readonly bus: EventBus,
    private readonly fleet: Fleet,
    private readonly incidents: IncidentService,
    private readonly access: StoreAccess,
    private readonly hq: HqCurrency | null,
    flushMs = 1000,
    /** Today's totals are also sent this often unasked: a store's day ends at its midnight with no incident moving. */
    private readonly refreshMs = 60_000,
  ) {
    io.on('connection', (socket) => void socket.emit('incidents:snapshot', this.snapshot(socket.data.principal)));
    bus.on('incident:opened', this.onOpened);
    bus.on('incident:updated', this.onUpdated);
    bus.on('incident:closed', this.onClosed);
    bus.prependListener('store:removed', this.onRemoving);
    bus.on('store:removed', this.onRemoved);
    bus.on('coverage:changed', this.onCoverage);
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  private snapshot(who: Principal): IncidentsSnapshot {
    return { at: new Date().toISOString(), open: this.incidents.openIncidents(who).map(view), today: this.incidents.lostToday(who), hq: this.hq };
  }

  /**
   * A fresh snapshot to a provider's screens when the stores it sees changed (HQ gave it a ticket at a store it does
   * not serve, or its ticket there ended): their open incidents come, or go, at once rather than at the next reconnect.
   */
  resendSnapshot(providerId: string): void {
    const room = PROVIDER_PREFIX + providerId;
    if (this.io.sockets.adapter.rooms.get(room)?.size) this.io.to(room).emit('incidents:snapshot', this.snapshot(providerOf(providerId)));
  }

  /** Every provider's screens afresh: a store changed city or provider, so whose incidents they are may have changed. */
  private resendProviders(): void {
    for (const room of this.io.sockets.adapter.rooms.keys()) {
      if (room.startsWith(PROVIDER_PREFIX)) this.resendSnapshot(room.slice(PROVIDER_PREFIX.length));
    }
  }

  private rooms(storeId: string): string[] {
    const present = this.io.sockets.adapter.rooms;
    const out: string[] = [];
    if (present.get(HQ_ROOM)?.size) out.push(HQ_ROOM);
    const store = this.fleet.stores.get(storeId);
    for (const id of store ? this.access.providerIdsOf(store.config) : (this.leaving.get(storeId) ?? [])) {
      if (present.get(PROVIDER_PREFIX + id)?.size) out.push(PROVIDER_PREFIX + id);
    }
    return out;
  }

  private send(event: 'incident:opened' | 'incident:updated' | 'incident:closed', inc: Incident): void {
    const rooms = this.rooms(inc.storeId);
    if (rooms.length === 0) return;
    this.io.to(rooms).emit(event, view(inc));
    for (const r of rooms) this.dirtyRooms.add(r);
  }

  /** Today's totals once per room and interval, however many incidents moved; to every room once a minute. */
  flush(): void {
    const now = Date.now();
    if (now - this.refreshedAt >= this.refreshMs) {
      this.refreshedAt = now;
      for (const [room, sockets] of this.io.sockets.adapter.rooms) {
        if (sockets.size > 0 && (room === HQ_ROOM || room.startsWith(PROVIDER_PREFIX))) this.dirtyRooms.add(room);
      }
    }
    for (const room of this.dirtyRooms) {
      const who: Principal =
        room === HQ_ROOM ? { tokenId: '-', role: 'hq-viewer', providerId: null, storeId: null, label: room } : providerOf(room.slice(PROVIDER_PREFIX.length));
      this.io.to(room).emit('lostRevenue:today', { at: new Date().toISOString(), today: this.incidents.lostToday(who) });
    }
    this.dirtyRooms.clear();
  }

  close(): void {
    clearInterval(this.timer);
    this.bus.off('incident:opened', this.onOpened);
    this.bus.off('incident:updated', this.onUpdated);
    this.bus.off('incident:closed', this.onClosed);
    this.bus.off('store:removed', this.onRemoving);
    this.bus.off('store:removed', this.onRemoved);
    this.bus.off('coverage:changed', this.onCoverage);
  }
}

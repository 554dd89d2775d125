import { EventEmitter } from 'node:events';
import type { FootfallPayload, OnlinePayload, SalesPayload, StatusPayload } from '@storepulse/protocol';
import type { FleetChange } from './domain/fleet.js';
import type { Incident } from './domain/incidents/index.js';
import type { StoreConfig } from './domain/store.js';

/** What happens inside the server; adapters (socket.io, telemetry, incidents…) listen here. */
export interface ServerEvents {
  /** Derived state moved: a till's state, presence or components, or a store's state. */
  'fleet:changes': [changes: FleetChange[]];
  /** With the store's last settings: what it was still matters to its tickets' final notices. */
  'store:removed': [storeId: string, config: StoreConfig];
  /** A store's city or provider changed: the providers who see it may have changed too. */
  'coverage:changed': [];
  /** Accepted messages, for telemetry and the incident engine. `at` is the receive time (epoch ms). */
  'ingest:online': [msg: { storeId: string; tillId: string; payload: OnlinePayload; at: number }];
  'ingest:status': [msg: { storeId: string; tillId: string; payload: StatusPayload; at: number }];
  'ingest:footfall': [msg: { storeId: string; sensorId: string; payload: FootfallPayload; at: number }];
  'ingest:sales': [msg: { storeId: string; tillId: string; payload: SalesPayload; at: number }];
  /**
   * A bin refused at ingest for its own content (clock skew, absurd counts, currency): kept out of telemetry and the
   * sequence guard, but the incident engine still hears of it, to flag the incidents it touches as less reliable.
   */
  'ingest:refused-bin': [msg:
    | { kind: 'footfall'; storeId: string; sensorId: string; payload: FootfallPayload; at: number }
    | { kind: 'sales'; storeId: string; tillId: string; payload: SalesPayload; at: number }];
  /**
   * A bin the incident engine kept (new, or replacing one with the same bounds), not one it refused for overlapping
   * another: telemetry stores these, so that the charts and the baselines learned from them count what the estimate counts.
   */
  'bin:footfall': [msg: { storeId: string; sensorId: string; payload: FootfallPayload; at: number }];
  'bin:sales': [msg: { storeId: string; tillId: string; payload: SalesPayload; at: number }];
  /** Incidents as the engine moves them (already saved): tickets and notifications subscribe here. */
  'incident:opened': [incident: Incident];
  /** Figures, tills, kind or severity changed; also the final net after the hour following recovery. */
  'incident:updated': [incident: Incident];
  'incident:closed': [incident: Incident];
  /** Stores that entered or left a maintenance window, or moved to another: the wall shows it. */
  'maintenance:changed': [storeIds: string[]];
  /** A token stopped being valid: connections it opened must end now, not at their next handshake. */
  'token:revoked': [tokenId: string];
}

export class EventBus extends EventEmitter<ServerEvents> {
  constructor() {
    super({ captureRejections: true });
    this.setMaxListeners(50);
  }
}

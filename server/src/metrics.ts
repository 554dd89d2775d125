import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { STORE_STATES, TILL_STATES } from '@storepulse/protocol';
import type { Fleet } from './domain/fleet.js';

/** Every Prometheus metric of one server instance, on its own registry (tests run several instances). */
export function createMetrics(fleet: Fleet) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'storepulse_' });

  const accepted = new Counter({
    name: 'storepulse_ingest_messages_total',
    help: 'MQTT messages validated and applied, by topic kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'storepulse_ingest_rejected_total',
    help: 'MQTT messages refused, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'storepulse_ingest_duplicates_total',
    help: 'Redelivered or older messages ignored by seq, by topic kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const seqRestarts = new Counter({
    name: 'storepulse_ingest_seq_restarts_total',
    help: 'Agents whose seq counter started again (accepted because their timestamps are newer)',
    registers: [registry],
  });
  new Gauge({
    name: 'storepulse_tills',
    help: 'Tills by current state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(TILL_STATES.map((s) => [s, 0])) as Record<string, number>;
      for (const store of fleet.stores.values()) for (const till of store.tills.values()) counts[till.state]!++;
      for (const s of TILL_STATES) this.set({ state: s }, counts[s]!);
    },
  });
  new Gauge({
    name: 'storepulse_stores',
    help: 'Stores by current state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(STORE_STATES.map((s) => [s, 0])) as Record<string, number>;
      for (const store of fleet.stores.values()) counts[store.state]!++;
      for (const s of STORE_STATES) this.set({ state: s }, counts[s]!);
    },
  });
  const authFailures = new Counter({
    name: 'storepulse_auth_failures_total',
    help: 'Refused credentials and refused browser requests from a foreign Origin, by channel (http, socket, mqtt)',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  const publishDenied = new Counter({
    name: 'storepulse_mqtt_publish_denied_total',
    help: 'Publishes the embedded broker refused, by reason: oversize, topic (outside storepulse/v1 store topics), store_scope (another store\'s), retained_bin',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const mqttSessionsLost = new Counter({
    name: 'storepulse_mqtt_sessions_lost_total',
    help: "Reconnections to the broker that found no session for the server: what was published while it was away is lost (another client took its id, or the broker lost its sessions)",
    registers: [registry],
  });
  const incidentsOpened = new Counter({
    name: 'storepulse_incidents_opened_total',
    help: 'Incidents opened, by kind at opening',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const incidentsClosed = new Counter({
    name: 'storepulse_incidents_closed_total',
    help: 'Incidents closed after recovery held',
    registers: [registry],
  });
  const openIncidents = new Gauge({
    name: 'storepulse_incidents_open',
    help: 'Incidents open now',
    registers: [registry],
  });
  const faultsRecorded = new Counter({
    name: 'storepulse_faults_recorded_total',
    help: 'Faults that outlasted the pending period but were no incident, by reason (outside_opening_hours, maintenance)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const inputQuality = new Counter({
    name: 'storepulse_incident_input_quality_total',
    help: 'Footfall, sales and till inputs the incident engine rejected, ignored or replaced, by source, action and flag',
    labelNames: ['source', 'action', 'flag'] as const,
    registers: [registry],
  });
  const liveHandshakesLimited = new Counter({
    name: 'storepulse_live_handshakes_limited_total',
    help: 'socket.io handshakes refused because their client address had used up SOCKET_RATE_LIMIT_MAX for the minute',
    registers: [registry],
  });
  return {
    registry, accepted, rejected, duplicates, seqRestarts, authFailures, publishDenied, mqttSessionsLost, liveHandshakesLimited,
    incidentsOpened, incidentsClosed, openIncidents, faultsRecorded, inputQuality,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

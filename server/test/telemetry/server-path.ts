/**
 * The server's path from agents' messages to incident points, without MQTT or HTTP: ingest, the fleet, and the
 * incident and ticket services on one bus, wired as server.ts wires them, on a clock the test moves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { IncidentRepository } from '../../src/adapters/sqlite/incident-repository.js';
import { parseConfig } from '../../src/config/file.js';
import { createFleet, tick as fleetTick, upsertStore, type Fleet } from '../../src/domain/fleet.js';
import { EventBus } from '../../src/event-bus.js';
import { Ingest } from '../../src/ingest/ingest.js';
import { RejectionLog } from '../../src/ingest/rejection-log.js';
import { createMetrics } from '../../src/metrics.js';
import { StoreAccess } from '../../src/services/access.js';
import { IncidentService } from '../../src/services/incidents/incident-service.js';
import { ticketOf } from '../../src/services/incidents/ticket-of.js';
import { StoreConfigView, TicketService } from '../../src/services/tickets/index.js';
import type { TelemetryStore } from '../../src/telemetry/index.js';

export interface ServerPath {
  bus: EventBus;
  fleet: Fleet;
  incidents: IncidentService;
  tickets: TicketService;
  /** One message as an agent publishes it. */
  publish(topic: string, payload: object): void;
  /** What the server's timers do: the fleet's, the incident engine's and the tickets' clocks. */
  tick(): void;
  close(): Promise<void>;
}

export async function startServerPath(opts: { yaml: string; telemetry: TelemetryStore; now: () => number }): Promise<ServerPath> {
  const { now, telemetry } = opts;
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const file = parseConfig(opts.yaml, 'test.yaml');
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-path-'));
  const db = openDatabase(dir);
  const bus = new EventBus();
  const fleet = createFleet(file.tillRules, file.staleAfterMs);
  for (const s of file.stores) upsertStore(fleet, s, now());
  const metrics = createMetrics(fleet);
  const access = new StoreAccess();
  const ingest = new Ingest({ fleet, bus, metrics, rejections: new RejectionLog(log), now });

  const tickets = new TicketService({ db, stores: new StoreConfigView(fleet.stores), providers: file.providers, config: file.tickets, log, now });
  bus.on('incident:opened', (incident) => tickets.onIncident('incident.opened', { incident }));
  bus.on('incident:updated', (incident) => tickets.onIncident('incident.updated', { incident }));
  bus.on('incident:closed', (incident) => tickets.onIncident('incident.closed', { incident }));
  access.useProviders(() => tickets.providerCoverage());

  const incidents = new IncidentService({
    bus, fleet, access, metrics, log, now, telemetry,
    repo: new IncidentRepository(db),
    timings: file.incidents,
    fileWindows: file.maintenance,
    ticketOf: ticketOf(tickets),
  });
  // Learned once, as start() does, so that the engine does not hold figures back waiting for models.
  await incidents.rebuildModels();

  return {
    bus, fleet, incidents, tickets,
    publish: (topic, payload) => void ingest.handle(topic, Buffer.from(JSON.stringify(payload))),
    tick() {
      const changes = fleetTick(fleet, now());
      if (changes.length > 0) bus.emit('fleet:changes', changes);
      incidents.tick();
      tickets.tick();
    },
    async close() {
      await incidents.close();
      await tickets.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

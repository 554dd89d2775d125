import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { expect, it } from 'vitest';
import type { LostRevenueTodayEvent } from '@storepulse/protocol';
import { createFleet } from '../../src/domain/fleet.js';
import { DEFAULT_TILL_RULES } from '../../src/domain/till-state.js';
import { EventBus } from '../../src/event-bus.js';
import { StoreAccess } from '../../src/services/access.js';
import { IncidentBroadcaster } from '../../src/services/incidents/incident-broadcaster.js';
import type { IncidentService } from '../../src/services/incidents/incident-service.js';

it('sends today\'s totals to every room now and then unasked, so a new local day shows without an incident moving', async () => {
  const http = createServer();
  const io = new Server(http);
  io.use((socket, next) => {
    socket.data.principal = { tokenId: 't', role: 'hq-viewer', providerId: null, storeId: null, label: 'wall' };
    next();
  });
  io.on('connection', (socket) => void socket.join('hq'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  // Today's figure as the incident service would give it: yesterday's loss, then none after midnight.
  let today = [{ currency: 'EUR', gross: 120, net: 100, incidents: 1 }];
  const incidents = { lostToday: () => today, openIncidents: () => [] } as unknown as IncidentService;
  const broadcaster = new IncidentBroadcaster(io as never, new EventBus(), createFleet(DEFAULT_TILL_RULES, 60_000), incidents, new StoreAccess(), null, 20, 100);
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  try {
    const heard: LostRevenueTodayEvent[] = [];
    client.on('lostRevenue:today', (e: LostRevenueTodayEvent) => heard.push(e));
    await new Promise((r) => client.once('incidents:snapshot', r));
    today = [];
    await expect.poll(() => heard.at(-1)?.today, { timeout: 3000, interval: 20 }).toEqual([]);
  } finally {
    client.close();
    broadcaster.close();
    io.close();
  }
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { expect, it } from 'vitest';
import type { IncidentsSnapshot, LostRevenueTodayEvent } from '@storepulse/protocol';
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

it("sends a provider's screens its open incidents afresh when asked, and nobody else's", async () => {
  const http = createServer();
  const io = new Server(http);
  io.use((socket, next) => {
    const provider = (socket.handshake.auth as { provider: string }).provider;
    socket.data.principal = { tokenId: provider, role: 'provider', providerId: provider, storeId: null, label: provider };
    next();
  });
  io.on('connection', (socket) => void socket.join(`provider:${socket.data.principal.providerId}`));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  // What each provider sees, as the incident service would answer: HQ has just taken S004's ticket from rapid.
  const seen: Record<string, string[]> = { rapid: ['inc-S004'], pilot: ['inc-S001'] };
  const incidents = {
    lostToday: () => [],
    openIncidents: (who: { providerId: string }) => seen[who.providerId]!.map((id) => ({ id, storeId: id.slice(4) })),
  } as unknown as IncidentService;
  const broadcaster = new IncidentBroadcaster(io as never, new EventBus(), createFleet(DEFAULT_TILL_RULES, 60_000), incidents, new StoreAccess(), null, 1000, 60_000);
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clients = ['rapid', 'pilot'].map((provider) => connect(url, { transports: ['websocket'], auth: { provider } }));
  try {
    const heard = clients.map(() => [] as IncidentsSnapshot[]);
    clients.forEach((c, i) => c.on('incidents:snapshot', (s: IncidentsSnapshot) => heard[i]!.push(s)));
    await expect.poll(() => heard.map((h) => h.length), { timeout: 3000, interval: 20 }).toEqual([1, 1]);
    expect(heard[0]![0]!.open.map((i) => i.id)).toEqual(['inc-S004']);
    seen.rapid = [];
    broadcaster.resendSnapshot('rapid');
    await expect.poll(() => heard[0]!.length, { timeout: 3000, interval: 20 }).toBe(2);
    expect(heard[0]![1]!.open).toEqual([]);
    // Pilot's screens were not asked about.
    await new Promise((r) => setTimeout(r, 100));
    expect(heard[1]!).toHaveLength(1);
  } finally {
    for (const c of clients) c.close();
    broadcaster.close();
    io.close();
  }
});

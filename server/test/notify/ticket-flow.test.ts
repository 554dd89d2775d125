import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-support/ports.js';
import { toProvider } from '../../src/domain/sla/providers.js';
import { DEFAULT_TICKETS_CONFIG } from '../../src/domain/tickets/config.js';
import { TicketEngine, type TicketInput, type TicketsState } from '../../src/domain/tickets/engine.js';
import { ticketSla } from '../../src/domain/tickets/sla-view.js';
import { notificationsFor, secretsFromProviders } from '../../src/notify/dispatch.js';
import { NotificationOutbox } from '../../src/notify/outbox.js';
import { httpSender } from '../../src/notify/senders.js';
import { WebhookDestinations } from '../../src/notify/destination.js';
import { verifySignature } from '../../src/notify/signature.js';
import { at, pilotConfig, store } from '../domain/tickets/fixtures.js';
import { webhookReceiver } from './receivers.js';

let receiver: ReturnType<typeof webhookReceiver>;
beforeAll(async () => {
  receiver = webhookReceiver(await freePort());
});
afterAll(() => receiver.stop());

/** What the server does per input: apply, persist the engine state and enqueue notifications in one transaction. */
function node(db: Database.Database, clock: { now: number }) {
  const provider = toProvider({ ...pilotConfig, webhooks: [{ url: receiver.url('/hook'), secret: 'change-me' }] });
  const stores = new Map([['S001', store()]]);
  db.exec('CREATE TABLE IF NOT EXISTS engine_state (id INTEGER PRIMARY KEY CHECK (id = 1), body TEXT NOT NULL)');
  const saved = db.prepare<[], { body: string }>('SELECT body FROM engine_state').get();
  const engine = new TicketEngine(
    { stores, providers: [provider], config: DEFAULT_TICKETS_CONFIG },
    saved ? (JSON.parse(saved.body) as TicketsState) : undefined,
  );
  const outbox = new NotificationOutbox(db, {
    now: () => clock.now,
    senders: { webhook: httpSender({ secretsFor: secretsFromProviders(() => [provider]), nowSec: () => Math.floor(clock.now / 1000), destinations: new WebhookDestinations(['127.0.0.1']) }) },
  });
  const save = db.prepare('INSERT INTO engine_state (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body');
  const apply = (input: TicketInput) =>
    db.transaction(() => {
      const r = engine.apply(input);
      save.run(JSON.stringify(engine.state));
      outbox.enqueue(r.effects.flatMap((e) => notificationsFor(e, { providers: [provider], stores, email: false })));
      return r;
    })();
  return { engine, outbox, apply };
}

const incident = { id: 'S001:till_down:T1:1', storeId: 'S001', kind: 'till_down', tillIds: ['T1'], startedAt: '2026-11-10T09:58:00Z' };

describe('a ticket from fault to closure, across a restart', () => {
  it('opens once, keeps its clock and sends every webhook once, signed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'storepulse-flow-')), 'state.db');
    const clock = { now: at('2026-11-10T10:00:00Z') };
    let db = new Database(file);
    let n = node(db, clock);
    n.apply({ type: 'incident.opened', at: clock.now, incident });
    const ticketId = n.engine.ticketForIncident(incident.id)!.id;
    const dueBefore = ticketSla(n.engine.state.tickets[ticketId]!, store(), clock.now).responseDueAt;
    await n.outbox.runDue(); // the receiver is down
    db.close(); // the server dies

    clock.now = at('2026-11-10T10:05:00Z');
    await receiver.start();
    db = new Database(file);
    n = node(db, clock);
    // The incident engine replays what it knew: still one ticket, same due time.
    expect(n.apply({ type: 'incident.opened', at: clock.now, incident }).effects.every((e) => !e.notify)).toBe(true);
    expect(Object.keys(n.engine.state.tickets)).toEqual([ticketId]);
    expect(ticketSla(n.engine.state.tickets[ticketId]!, store(), clock.now).responseDueAt).toBe(dueBefore);
    await n.outbox.runDue();

    const provider = { role: 'provider' as const, id: 'pilot' };
    clock.now = at('2026-11-10T10:10:00Z');
    n.apply({ type: 'transition', at: clock.now, ticketId, actor: provider, to: 'acknowledged' });
    clock.now = at('2026-11-10T10:40:00Z');
    n.apply({ type: 'incident.closed', at: clock.now, incident: { ...incident, endedAt: '2026-11-10T10:39:00Z' } });
    clock.now = at('2026-11-10T11:10:00Z');
    n.apply({ type: 'tick', at: clock.now });
    await n.outbox.runDue();
    clock.now += 3_600_000;
    await n.outbox.runDue();

    const events = receiver.received.map((r) => {
      const sig = verifySignature(r.headers['x-storepulse-signature'] as string, r.body, ['change-me'], { nowSec: Number(/t=(\d+)/.exec(r.headers['x-storepulse-signature'] as string)![1]) });
      expect(sig.ok).toBe(true);
      const body = JSON.parse(r.body);
      return [body.type, body.ticket.status, r.headers['x-storepulse-delivery']];
    });
    expect(events.map(([type, status]) => `${type}:${status}`)).toEqual([
      'ticket.opened:open',
      'ticket.updated:acknowledged',
      'ticket.updated:acknowledged',
      'ticket.closed:closed',
    ]);
    expect(new Set(events.map((e) => e[2])).size).toBe(4);
    expect(n.outbox.counts()).toEqual({ pending: 0, delivered: 4, failed: 0 });
    db.close();
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../../../test-support/ports.js';
import { incident } from './incidents.js';
import { helpdesk } from './receiver.js';
import { STORES, providerConfigs, tempDir } from './harness.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/ticket-process.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/services/tickets/index.js', import.meta.url));
const T = (hhmm: string) => Date.parse(`2026-11-23T${hhmm}:00Z`);

interface State {
  tickets: { id: string; sla: { responseDueAt: string | null; targets: { response: { elapsedMs: number } | null } } }[];
  deliveries: { id: string; eventType: string; attempts: number; status: string }[];
}

/** The tickets feature in its own process, on a SQLite file that outlives it. */
function ticketProcess(args: object) {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT, JSON.stringify(args)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const waiting = new Map<number, (result: unknown) => void>();
  let onReady: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = JSON.parse(line) as { ready?: boolean; id?: number; result?: unknown };
    if (msg.ready) onReady();
    else waiting.get(msg.id!)?.(msg.result);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let n = 0;
  return {
    ready: Promise.race([ready, exited.then(() => Promise.reject(new Error(`ticket process exited: ${stderr}`)))]),
    send<R>(op: string, extra: object = {}): Promise<R> {
      const id = ++n;
      return new Promise<R>((resolve) => {
        waiting.set(id, resolve as (r: unknown) => void);
        child.stdin!.write(JSON.stringify({ id, op, ...extra }) + '\n');
      });
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

const tillDown = incident({ id: 'inc_S001_till_down_T1', storeId: 'S001', startedAt: '2026-11-23T09:59:00.000Z' });
const dir = tempDir();
let desk: ReturnType<typeof helpdesk>;
let proc: ReturnType<typeof ticketProcess>;
const start = async (now: number) => {
  proc = ticketProcess({ dir, providers: providerConfigs((p) => desk.url(p)), stores: STORES, now });
  await proc.ready;
};

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error('build the server first: npx tsc -b server');
  desk = helpdesk(await freePort(), { pilot: ['change-me'] });
});
afterAll(async () => {
  await proc?.kill9();
  await desk.stop();
});

describe('kill -9 in the middle of a ticket', () => {
  let ticketId: string;
  let due: string | null;

  it('dies with an open ticket and a webhook that could not be delivered yet', async () => {
    await start(T('10:00'));
    await proc.send('incident', { type: 'incident.opened', incident: tillDown });
    const state = await proc.send<State>('state');
    ticketId = state.tickets[0]!.id;
    due = state.tickets[0]!.sla.responseDueAt;
    expect(due).toBe('2026-11-23T11:00:00.000Z');
    await waitFor(async () => (await proc.send<State>('state')).deliveries[0]?.attempts === 1, 5000, 'a failed attempt');
    await proc.kill9();
  });

  it('comes back with no duplicate ticket, the clock still right, and sends the pending webhook once', async () => {
    await desk.start();
    await start(T('10:20'));
    // The incident engine replays what it knows after its own restart.
    const replay = await proc.send<{ effects: { notify: boolean }[] }>('incident', { type: 'incident.opened', incident: tillDown });
    expect(replay.effects.every((e) => !e.notify)).toBe(true);
    const state = await proc.send<State>('state');
    expect(state.tickets.map((t) => t.id)).toEqual([ticketId]);
    expect(state.tickets[0]!.sla.responseDueAt).toBe(due);
    expect(state.tickets[0]!.sla.targets.response!.elapsedMs).toBe(20 * 60_000);

    const opened = await waitFor(() => desk.events().find((e) => e.type === 'ticket.opened'), 5000, 'pending webhook');
    expect(opened.ticket.id).toBe(ticketId);
    await proc.send('tick', { now: T('10:30') });
    const warning = await waitFor(() => desk.events().find((e) => e.type === 'sla.warning'), 5000, 'warning at 50 %');
    expect(warning).toMatchObject({ occurredAt: '2026-11-23T10:30:00.000Z', detail: { target: 'response', percent: 50 } });
    const ids = desk.arrivals.filter((a) => a.verified).map((a) => a.delivery);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

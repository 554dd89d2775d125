import { appendFileSync, chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePayload } from '@storepulse/protocol/validate';
import { startAgent, type AgentHandle } from '../src/agent/agent.js';
import { checkConfig, type AgentConfig } from '../src/agent/config.js';
import { Spool } from '../src/agent/spool.js';
import { checkAll, formatReport } from '../src/cli/check.js';
import { PRINTER_CONDITIONS, startFakePrinter, type FakePrinter } from '../../test-support/fake-escpos-printer.js';
import { freePort, waitFor } from '../../test-support/ports.js';

interface Msg { topic: string; payload: any }

describe('agent against an in-process Aedes broker, a fake printer and a fake Axis counter', () => {
  let broker: Aedes;
  let server: Server;
  let sub: MqttClient;
  let printer: FakePrinter;
  let axis: HttpServer;
  let terminal: Server;
  let agent: AgentHandle;
  let cfg: AgentConfig;
  const seen: Msg[] = [];
  const logLines: any[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'storepulse-agent-'));

  beforeAll(async () => {
    broker = await Aedes.createBroker();
    server = createServer(broker.handle);
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const url = `mqtt://127.0.0.1:${port}`;
    sub = await mqtt.connectAsync(url, { clientId: 'observer' });
    sub.on('message', (topic, raw) => seen.push({ topic, payload: JSON.parse(raw.toString()) }));
    await sub.subscribeAsync('storepulse/v1/stores/S009/#', { qos: 1 });

    printer = await startFakePrinter({ kind: 'status', bytes: PRINTER_CONDITIONS.paper_out });
    terminal = createServer((s) => s.destroy());
    await new Promise<void>((r) => terminal.listen(0, '127.0.0.1', r));
    // door1 reads 10/9 then 13/9 twenty seconds later; door2 answers garbage; door3 was out of reach for two hours.
    let door1Polls = 0;
    let door3Polls = 0;
    axis = createHttp((req, res) => {
      const body = req.url!.startsWith('/bad/') ? 'not json at all'
        : req.url!.startsWith('/gap/') ? JSON.stringify(door3Polls++ === 0 ? { timestamp: '20261123100000', in: 5, out: 5 } : { timestamp: '20261123120000', in: 2005, out: 1905 })
        : JSON.stringify(door1Polls++ === 0 ? { serial: 'A', name: 'door', timestamp: '20261123120000', in: 10, out: 9 } : { timestamp: '20261123120020', in: 13, out: 9 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => axis.listen(0, '127.0.0.1', r));

    const salesCsv = join(dir, 'sales.csv');
    writeFileSync(salesCsv, 'time;amount\n');
    const secret = join(dir, 'agent.secret');
    writeFileSync(secret, 'hunter2\n');
    chmodSync(secret, 0o644);
    cfg = checkConfig({
      storeId: 'S009', tillId: 'T1', heartbeatSec: 5,
      broker: { url, username: 'S009', passwordFile: secret },
      spool: { dir: join(dir, 'spool') },
      probes: {
        pos: { process: 'node', intervalSec: 1 },
        printer: { host: '127.0.0.1', port: printer.port, intervalSec: 5, timeoutMs: 500 },
        payment: { host: '127.0.0.1', port: (terminal.address() as AddressInfo).port, intervalSec: 5 },
        sales: { csv: salesCsv, currency: 'EUR', intervalSec: 10, timezone: 'UTC' },
      },
      counters: [
        { id: 'door1', type: 'axis', url: `http://127.0.0.1:${(axis.address() as AddressInfo).port}`, intervalSec: 10, timezone: 'UTC' },
        { id: 'door2', type: 'axis', url: `http://127.0.0.1:${(axis.address() as AddressInfo).port}/bad`, intervalSec: 10, timezone: 'UTC' },
        { id: 'door3', type: 'axis', url: `http://127.0.0.1:${(axis.address() as AddressInfo).port}/gap`, intervalSec: 10, timezone: 'UTC' },
      ],
    });
    const sink = new Writable({ write(chunk, _enc, cb) { logLines.push(JSON.parse(chunk.toString())); cb(); } });
    agent = await startAgent(cfg, { logger: pino({ level: 'info' }, sink) });
    // Two sales after the start (local times, in UTC here), one with a decimal comma, and one line the POS garbled.
    const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    appendFileSync(salesCsv, `${wall(Date.now() + 1000)};12,50\n${wall(Date.now() + 1000)};0x10\n${wall(Date.now() + 2000)};7\n`);
  });

  afterAll(async () => {
    await agent?.stop();
    await sub?.endAsync();
    await printer?.close();
    await Promise.all([server, terminal, axis].map((s) => new Promise<void>((r) => (s ? s.close(() => r()) : r()))));
    await new Promise<void>((r) => broker.close(() => r()));
  });

  const statuses = () => seen.filter((m) => m.topic.endsWith('/tills/T1/status')).map((m) => m.payload);

  it('announces itself online with its version, retained', async () => {
    await waitFor(() => seen.some((m) => m.topic === 'storepulse/v1/stores/S009/tills/T1/online'), 5000, 'online');
    expect(seen.find((m) => m.topic.endsWith('/online'))!.payload).toEqual({ v: 1, online: true, agent: { version: '0.1.0' } });
  });

  it('publishes a first status with every probe\'s answer and the backlog', async () => {
    await waitFor(() => statuses().length > 0, 8000, 'status');
    const s = statuses()[0]!;
    expect(s.components.printer.state).toBe('paper_out');
    expect(s.components.pos).toEqual({ state: 'ok', detail: 'node running' });
    expect(decodePayload('status', JSON.stringify(s)).ok).toBe(true);
    expect(s.components.payment.state).toBe('ok');
    expect(s.components.network).toMatchObject({ state: 'ok', detail: expect.stringMatching(/^broker rtt \d+ ms; backlog 0$/) });
  });

  it('publishes again when a component changes, with a higher seq', async () => {
    const before = statuses().at(-1)!;
    printer.behaviour = { kind: 'raw', reply: Buffer.from([0xff]) };
    await waitFor(() => statuses().some((s) => s.components.printer.state === 'unknown'), 8000, 'garbage from the printer');
    const after = statuses().find((s) => s.components.printer.state === 'unknown')!;
    expect(after.components.printer.detail).toBe('unexpected printer status byte 0xff');
    expect(after.seq).toBeGreaterThan(before.seq);
  });

  it('turns Axis readings into footfall bins, and keeps running through garbage', async () => {
    await waitFor(() => (agent.stats().rejected.counter_unreadable ?? 0) >= 1, 5000, 'garbage counted');
    expect(logLines.some((l) => l.counter === 'door2' && /^counter unreadable: answer is not JSON/.test(l.msg))).toBe(true);
    await waitFor(() => seen.some((m) => m.topic.endsWith('/footfall/door1')), 15_000, 'footfall bin');
    const bin = seen.find((m) => m.topic.endsWith('/footfall/door1'))!.payload;
    expect(bin).toMatchObject({ v: 1, binStart: '2026-11-23T12:00:00.000Z', binEnd: '2026-11-23T12:00:20.000Z', in: 3, out: 0 });
    // Its readings are days behind the agent's clock (a wrong clock or zone): sent, but counted and said once.
    expect(agent.stats().rejected.counter_clock).toBe(1);
    expect(logLines.filter((l) => l.reason === 'counter_clock')).toEqual([expect.objectContaining({
      counter: 'door1', readAt: '2026-11-23T12:00:20.000Z', msg: expect.stringMatching(/^counter reading \d+ min behind the agent's clock: check the device's clock and counters\[\]\.timezone/),
    })]);
    expect(agent.stats().connected).toBe(true);
  });

  it('reports the counts over a two-hour gap in the readings, and sends no bin made up from them', async () => {
    await waitFor(() => (agent.stats().rejected.counter_gap ?? 0) >= 1, 15_000, 'gap counted');
    expect(logLines.find((l) => l.reason === 'counter_gap')).toMatchObject({
      counter: 'door3', from: '2026-11-23T10:00:00.000Z', to: '2026-11-23T12:00:00.000Z', in: 2000, out: 1900,
      msg: 'counter unread for 120 min: its 2000 in / 1900 out over that time are not sent, as the device gives only their total',
    });
    expect(seen.some((m) => m.topic.endsWith('/footfall/door3'))).toBe(false);
  });

  it('spools the sales of the POS export, and counts and logs the lines it refuses', async () => {
    await waitFor(() => seen.some((m) => m.topic === 'storepulse/v1/stores/S009/tills/T1/sales'), 15_000, 'sales bin');
    expect(seen.find((m) => m.topic.endsWith('/sales'))!.payload).toMatchObject({ v: 1, transactions: 2, revenue: 19.5, currency: 'EUR' });
    expect(agent.stats().rejected.sales_line).toBe(1);
    expect(logLines.some((l) => l.msg === 'POS export: refused lines without a plain amount' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d;0x10$/.test(l.first))).toBe(true);
  });

  it('sends a sales bin again, whole, for a line written after it was sent, and counts a sale whose time is ahead or unreadable when read', async () => {
    const salesCsv = join(dir, 'sales.csv');
    const sales = () => seen.filter((m) => m.topic === 'storepulse/v1/stores/S009/tills/T1/sales').map((m) => m.payload);
    const first = sales()[0];
    const wall = (ms: number) => new Date(ms).toISOString().slice(0, 19);
    appendFileSync(salesCsv, `${wall(Date.parse(first.binStart) + 1000)};3\n${wall(Date.now() + 3_600_000)};1\n23/11/2026 12:00;1\n`);
    await waitFor(() => sales().length > 1 && sales().some((p, i) => i > 0 && p.binStart === first.binStart), 15_000, 'corrected sales bin');
    await waitFor(() => sales().some((p) => p.binStart !== first.binStart && p.transactions > 0), 15_000, 'sales bin with the odd times');
    const again = sales().find((p, i) => i > 0 && p.binStart === first.binStart);
    expect(again).toMatchObject({ binEnd: first.binEnd, transactions: 3, revenue: 22.5 });
    expect(again.seq).toBeGreaterThan(first.seq);
    expect(decodePayload('sales', JSON.stringify(again)).ok).toBe(true);
    // The sales an hour ahead and with an unreadable time go, together, in the bin being filled when they were read.
    expect(sales().filter((p) => p.binStart !== first.binStart && p.transactions > 0)).toEqual([expect.objectContaining({ transactions: 2, revenue: 2 })]);
    expect(agent.stats().rejected).toMatchObject({ sales_line: 1, sales_time_ahead: 1, sales_time_unread: 1 });
  });

  it('warns that the credentials file is readable by others, without logging the secret', () => {
    expect(logLines.some((l) => /readable by other users \(mode 644\)/.test(l.msg))).toBe(true);
    expect(JSON.stringify(logLines)).not.toContain('hunter2');
  });

  it('check reports each item on its own line', async () => {
    printer.behaviour = { kind: 'status', bytes: PRINTER_CONDITIONS.ok };
    const lines = await checkAll(cfg);
    const by = Object.fromEntries(lines.map((l) => [l.item, l]));
    expect(by.credentials).toMatchObject({ ok: false, text: expect.stringMatching(/chmod 600/) });
    expect(by.broker).toMatchObject({ ok: true, text: expect.stringMatching(/^connected to mqtt:\/\/127\.0\.0\.1:\d+ in \d+ ms$/) });
    expect(by.spool).toMatchObject({ ok: true, text: expect.stringMatching(/^(nothing|\d+ messages?) waiting to be sent.* KiB of 200 MB\)$/) });
    expect(by.network).toMatchObject({ ok: true, text: expect.stringMatching(/^ok \(broker rtt \d+ ms; backlog \d+\)$/) });
    expect(by.printer).toMatchObject({ ok: true, text: 'ok' });
    expect(by['counter door1']).toMatchObject({ ok: true, text: expect.stringMatching(/^in 13, out 9 today/) });
    expect(by['counter door2']).toMatchObject({ ok: false, text: expect.stringMatching(/^unknown \(answer is not JSON/) });
    const report = formatReport(cfg, 'agent.yaml', lines);
    expect(report).toMatch(/^storepulse-agent 0\.1\.0: store S009, till T1\nconfig +OK +agent\.yaml\n/);
    expect(report).toMatch(/2 check\(s\) need attention\.$/);
    // The check's own connection must not have kicked the agent off.
    expect(agent.stats().connected).toBe(true);
  });

  it('check shows a spooled backlog on the spool line and in the network detail HQ will see', async () => {
    const spoolDir = join(dir, 'backlog-spool');
    const spool = await Spool.open({ dir: spoolDir, maxBytes: 1 << 20, maxAgeMs: 3_600_000, logger: pino({ level: 'silent' }) });
    for (let i = 0; i < 3; i++) await spool.append('footfall', `t/${i}`, false, (seq) => ({ seq }));
    await spool.close();
    const offline = checkConfig({ storeId: 'S009', tillId: 'T1', broker: { url: `mqtt://127.0.0.1:${await freePort()}` }, spool: { dir: spoolDir, maxMB: 1 } });
    const by = Object.fromEntries((await checkAll(offline)).map((l) => [l.item, l]));
    expect(by.spool).toMatchObject({ ok: true, text: expect.stringMatching(/^3 messages waiting to be sent to the broker \(\d+\.\d KiB of 1 MB\)$/) });
    expect(by.network).toMatchObject({ ok: false, text: expect.stringMatching(/^down \(broker .*ECONNREFUSED.*; backlog 3\)$/) });
  });
});

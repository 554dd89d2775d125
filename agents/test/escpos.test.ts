import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeStatus, isStatusByte } from '../src/agent/probes/escpos.js';
import { printerProbe } from '../src/agent/probes/printer.js';
import { runProbe } from '../src/agent/probes/probe.js';
import { PRINTER_CONDITIONS, startFakePrinter, type FakePrinter } from '../../test-support/fake-escpos-printer.js';
import { freePort } from '../../test-support/ports.js';
import { startFakePrinterPort, type FakePrinterPort } from '../../test-support/fake-printer-port.js';
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

describe('ESC/POS status decoding', () => {
  it.each([
    ['ok', 'ok'],
    ['paper_low', 'paper_low'],
    ['paper_out', 'paper_out'],
    ['cover_open', 'cover_open'],
    ['error', 'error'],
    ['offline', 'offline'],
    ['feeding', 'offline'],
  ] as const)('decodes the %s byte pattern as %s', (condition, state) => {
    const [s1, s2, s4] = PRINTER_CONDITIONS[condition];
    expect(decodeStatus(s1, s2, s4).state).toBe(state);
  });

  it('takes paper end from either the roll sensor or the offline cause', () => {
    expect(decodeStatus(0x1a, 0x12, 0x72).state).toBe('paper_out');
    expect(decodeStatus(0x1a, 0x32, 0x12).state).toBe('paper_out');
    expect(decodeStatus(0x12, 0x12, 0x16).state).toBe('paper_low');
  });

  it('refuses bytes that cannot be status bytes, naming them', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0xff)).toBe(false);
    expect(decodeStatus(0x12, 0x41, 0x12)).toEqual({ state: 'unknown', detail: 'unexpected offline cause status byte 0x41' });
  });
});

describe('printer probe against a fake TCP printer', () => {
  let printer: FakePrinter;
  beforeAll(async () => {
    printer = await startFakePrinter({ kind: 'status', bytes: PRINTER_CONDITIONS.ok });
  });
  afterAll(() => printer.close());

  const probe = () => runProbe(printerProbe({ host: '127.0.0.1', port: printer.port, timeoutMs: 300 }));

  it('sends exactly DLE EOT 1, 2, 4 and hangs up', async () => {
    printer.behaviour = { kind: 'status', bytes: PRINTER_CONDITIONS.ok };
    printer.received.length = 0;
    expect(await probe()).toEqual({ state: 'ok' });
    expect(printer.received).toEqual([0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4]);
    await expect.poll(() => printer.open()).toBe(0);
  });

  it.each(['paper_out', 'cover_open', 'paper_low', 'error', 'offline'] as const)('reports %s', async (condition) => {
    printer.behaviour = { kind: 'status', bytes: PRINTER_CONDITIONS[condition] };
    expect((await probe()).state).toBe(condition);
  });

  it('gives unknown with a reason for garbage, silence or a hang-up', async () => {
    printer.behaviour = { kind: 'raw', reply: Buffer.from('HTTP/1.1 400 Bad Request\r\n') };
    expect(await probe()).toMatchObject({ state: 'unknown', detail: expect.stringMatching(/unexpected printer status byte 0x48/) });
    printer.behaviour = { kind: 'silent' };
    expect(await probe()).toMatchObject({ state: 'unknown', detail: expect.stringMatching(/no answer to DLE EOT 1/) });
    printer.behaviour = { kind: 'hangup' };
    expect((await probe()).state).toBe('unknown');
  });

  it('does not blame the printer for a refused port', async () => {
    const closed = await freePort();
    expect(await runProbe(printerProbe({ host: '127.0.0.1', port: closed, timeoutMs: 300 }))).toMatchObject({
      state: 'unknown', detail: expect.stringMatching(/refused.*held by the POS/),
    });
  });
});

describe('printer probe on a local device path', () => {
  const ports: FakePrinterPort[] = [];
  afterAll(async () => {
    for (const p of ports) await p.close();
  });
  const port = async (bytes: readonly [number, number, number]) => {
    const p = await startFakePrinterPort(bytes);
    ports.push(p);
    return p;
  };

  // Nothing holds the helper's port; said outright, as a sandbox may have processes even root cannot look into, which
  // makes the real check refuse to query. That check has tests of its own (printer-port-holders.test.ts).
  const nobodyHoldsIt = async () => ({ pids: [], unreadable: 0, singleOpener: false });

  it.each(['ok', 'paper_low', 'paper_out', 'cover_open'] as const)('reads %s from the port', async (condition) => {
    const p = await port(PRINTER_CONDITIONS[condition] as unknown as [number, number, number]);
    expect((await runProbe(printerProbe({ device: p.path, timeoutMs: 1000 }, nobodyHoldsIt))).state).toBe(condition);
  });

  it('never queries a port that another process (the POS) has open', async () => {
    const p = await port(PRINTER_CONDITIONS.ok as unknown as [number, number, number]);
    // O_NOCTTY: the port must not become this worker's controlling terminal.
    const fd = openSync(p.path, constants.O_RDWR | constants.O_NOCTTY);
    const pos = spawn('sleep', ['30'], { stdio: [fd, 'ignore', 'ignore'] });
    closeSync(fd);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const result = await runProbe(printerProbe({ device: p.path, timeoutMs: 500 }));
      expect(result.state).toBe('unknown');
      expect(result.detail).toContain(`held by pid ${pos.pid}`);
    } finally {
      pos.kill();
    }
  });

  it('says offline, with the reason, when the port does not exist', async () => {
    const result = await runProbe(printerProbe({ device: '/dev/nonexistent-printer-port', timeoutMs: 300 }));
    expect(result).toMatchObject({ state: 'offline' });
    expect(result.detail).toContain('ENOENT');
  });
});

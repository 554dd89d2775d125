import { connect, type Socket } from 'node:net';
import type { ProbeResult } from './probe.js';

/** DLE EOT n: transmit real-time status n (1 printer, 2 offline cause, 3 error cause, 4 roll paper). */
export const statusRequest = (n: 1 | 2 | 3 | 4) => Buffer.from([0x10, 0x04, n]);

/** Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear. */
export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

const bit = (b: number, n: number) => (b & (1 << n)) !== 0;
const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/**
 * Decodes the answers to DLE EOT 1, 2 and 4. The most specific cause wins: an open cover or a
 * paper end also sets the offline bit, and staff need the cause, not the symptom.
 */
export function decodeStatus(printer: number, offlineCause: number, paper: number): ProbeResult {
  for (const [name, b] of [['printer', printer], ['offline cause', offlineCause], ['paper', paper]] as const) {
    if (!isStatusByte(b)) return { state: 'unknown', detail: `unexpected ${name} status byte ${hex(b)}` };
  }
  if (bit(offlineCause, 2)) return { state: 'cover_open', detail: 'cover open' };
  if (bit(paper, 5) || bit(paper, 6) || bit(offlineCause, 5)) return { state: 'paper_out', detail: 'paper end' };
  if (bit(offlineCause, 6)) return { state: 'error', detail: 'printer reports an error' };
  if (bit(printer, 3)) {
    return { state: 'offline', detail: bit(offlineCause, 3) ? 'paper being fed by the button' : 'printer offline' };
  }
  if (bit(paper, 2) || bit(paper, 3)) return { state: 'paper_low', detail: 'paper near end' };
  return { state: 'ok' };
}

/** Reads one status byte after sending `request`, or rejects on timeout or close. */
function ask(socket: Socket, request: Buffer, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no answer to DLE EOT ${request[2]} within ${timeoutMs} ms`)), timeoutMs);
    const onData = (d: Buffer) => done(null, d);
    const onEnd = () => done(new Error('printer closed the connection'));
    const onError = (e: Error) => done(e);
    function done(err: Error | null, d?: Buffer) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      if (err) reject(err);
      // With automatic status back on, extra bytes may follow; the first one answers us.
      else resolve(d![0]!);
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', onError);
    socket.write(request);
  });
}

/**
 * Asks a network printer (raw TCP, usually port 9100) for its real-time status and hangs up at
 * once. Nothing is printed and no session is kept, so the POS keeps its printer. A refused
 * connection may mean the POS holds the port: that is `unknown`, never a fault of the printer.
 */
export async function queryTcpPrinter(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const socket = connect({ host, port });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), timeoutMs);
      socket.once('connect', () => { clearTimeout(timer); resolve(); });
      socket.once('error', (e) => { clearTimeout(timer); reject(e); });
    });
  } catch (err) {
    socket.destroy();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return { state: 'unknown', detail: `${host}:${port} refused the connection (held by the POS, or not a printer)` };
    return { state: 'offline', detail: `${host}:${port} unreachable: ${code ?? (err as Error).message}` };
  }
  try {
    const s1 = await ask(socket, statusRequest(1), timeoutMs);
    const s2 = await ask(socket, statusRequest(2), timeoutMs);
    const s4 = await ask(socket, statusRequest(4), timeoutMs);
    return decodeStatus(s1, s2, s4);
  } catch (err) {
    return { state: 'unknown', detail: `${host}:${port}: ${(err as Error).message}` };
  } finally {
    socket.destroy();
  }
}

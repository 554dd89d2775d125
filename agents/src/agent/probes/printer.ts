import { constants, open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Probe, ProbeResult } from './probe.js';
import { decodeStatus, queryTcpPrinter, statusRequest } from './escpos.js';
import { deviceHolders, type DeviceHolders } from './processes.js';

export interface PrinterProbeConfig {
  host?: string;
  port?: number;
  device?: string;
  timeoutMs?: number;
  intervalSec?: number;
}

/** How the probe opens a local port (tests stand in a port that is busy). */
export type OpenPort = (device: string, flags: number) => Promise<FileHandle>;

/** Queries a local printer port, unless another process (the POS) has it open or may have. */
async function queryDevice(device: string, timeoutMs: number, findHolders: (device: string) => Promise<DeviceHolders>, openPort: OpenPort): Promise<ProbeResult> {
  const holders = await findHolders(device);
  if (holders.pids.length > 0) return { state: 'unknown', detail: `${device} is held by pid ${holders.pids.join(', ')}; not queried` };
  // Status queries written into a port the POS is printing on would garble its receipts. The same words each time,
  // so the agent, which logs a component's changes, says it once.
  if (holders.unreadable > 0 && !holders.singleOpener) {
    return { state: 'unknown', detail: `${device}: not queried, as the agent cannot see whether the POS holds it: it may not read other users' open files (give it CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE, or query the printer over TCP)` };
  }
  // Non-blocking, so that a silent device can never tie up a thread of the pool.
  const fh = await openPort(device, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY).catch((e: NodeJS.ErrnoException) => e);
  // A port only one process may open, and another has: the POS printing, not a printer fault.
  if (fh instanceof Error && fh.code === 'EBUSY') return { state: 'unknown', detail: `${device} is in use by another process; not queried` };
  if (fh instanceof Error) return { state: 'offline', detail: `${device}: ${fh.code ?? fh.message}` };
  try {
    const answers: number[] = [];
    for (const n of [1, 2, 4] as const) {
      await fh.write(statusRequest(n));
      const deadline = Date.now() + timeoutMs;
      const buf = Buffer.alloc(16);
      for (;;) {
        const r = await fh.read(buf, 0, 16, null).catch((e: NodeJS.ErrnoException) => (e.code === 'EAGAIN' ? { bytesRead: 0 } : Promise.reject(e)));
        if (r.bytesRead > 0) {
          answers.push(buf[0]!);
          break;
        }
        if (Date.now() > deadline) return { state: 'unknown', detail: `${device}: no answer to DLE EOT ${n} within ${timeoutMs} ms` };
        await sleep(50);
      }
    }
    return decodeStatus(answers[0]!, answers[1]!, answers[2]!);
  } finally {
    await fh.close();
  }
}

/** Receipt printer: ESC/POS real-time status over TCP (9100) or a local device path. */
export function printerProbe(cfg: PrinterProbeConfig, findHolders = deviceHolders, openPort: OpenPort = open): Probe {
  const timeoutMs = cfg.timeoutMs ?? 2000;
  return {
    component: 'printer',
    intervalMs: (cfg.intervalSec ?? 30) * 1000,
    timeoutMs: timeoutMs * 4 + 1000,
    run: () => (cfg.host ? queryTcpPrinter(cfg.host, cfg.port ?? 9100, timeoutMs) : queryDevice(cfg.device!, timeoutMs, findHolders, openPort)),
  };
}

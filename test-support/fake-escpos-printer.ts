import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Real-time status bytes (answers to DLE EOT 1, 2, 4) a printer sends in a given condition. */
export const PRINTER_CONDITIONS = {
  ok: [0x12, 0x12, 0x12],
  paper_low: [0x12, 0x12, 0x1e],
  paper_out: [0x1a, 0x32, 0x72],
  cover_open: [0x1a, 0x16, 0x12],
  error: [0x1a, 0x52, 0x12],
  offline: [0x1a, 0x12, 0x12],
  feeding: [0x1a, 0x1a, 0x12],
} as const;

export type PrinterBehaviour =
  | { kind: 'status'; bytes: readonly [number, number, number] }
  /** Answers every request with these bytes, e.g. garbage. */
  | { kind: 'raw'; reply: Buffer }
  /** Accepts the connection, never answers. */
  | { kind: 'silent' }
  /** Closes as soon as a request arrives. */
  | { kind: 'hangup' };

export interface FakePrinter {
  port: number;
  behaviour: PrinterBehaviour;
  /** Every byte received from clients, in order. */
  received: number[];
  /** How many connections are open right now. */
  open(): number;
  close(): Promise<void>;
}

/**
 * A network receipt printer on TCP that understands DLE EOT n (0x10 0x04 n) and answers with the
 * configured status bytes, as an ESC/POS printer on port 9100 does.
 */
export async function startFakePrinter(behaviour: PrinterBehaviour): Promise<FakePrinter> {
  const sockets = new Set<Socket>();
  const printer: FakePrinter = {
    port: 0,
    behaviour,
    received: [],
    open: () => sockets.size,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending: number[] = [];
    socket.on('data', (d: Buffer) => {
      printer.received.push(...d);
      pending.push(...d);
      const b = printer.behaviour;
      while (pending.length >= 3) {
        const [a, c, n] = pending as [number, number, number];
        pending = pending.slice(3);
        if (a !== 0x10 || c !== 0x04) continue;
        if (b.kind === 'status') socket.write(Buffer.from([b.bytes[n === 1 ? 0 : n === 2 ? 1 : 2]!]));
        else if (b.kind === 'raw') socket.write(b.reply);
        else if (b.kind === 'hangup') socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  printer.port = (server.address() as AddressInfo).port;
  return printer;
}

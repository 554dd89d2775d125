import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Stops forwarding in both directions while keeping every connection open: a link that went silent. */
  blackhole(): void;
  close(): Promise<void>;
}

/** A loopback TCP relay to 127.0.0.1:targetPort that can turn into a black hole, to test keepalive detection. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let silent = false;
  const server = createServer((inbound) => {
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.on('data', (d) => { if (!silent) outbound.write(d); });
    outbound.on('data', (d) => { if (!silent) inbound.write(d); });
    inbound.on('end', () => { if (!silent) outbound.end(); });
    outbound.on('end', () => { if (!silent) inbound.end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    blackhole() {
      silent = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver that can go down and come back on the same port. `/hook` answers 204, `/broken`
 * 500, `/hang` never answers.
 */
export function webhookReceiver(port: number) {
  const received: Received[] = [];
  let server: Server | null = null;
  return {
    received,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    async start() {
      server = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
          if (req.url === '/hang') return;
          res.writeHead(req.url === '/broken' ? 500 : 204).end();
        });
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    },
  };
}

/** Just enough SMTP for nodemailer to hand over a message; keeps each message's envelope and data. */
export function smtpReceiver() {
  const messages: { from: string; to: string[]; data: string }[] = [];
  /** Every command line the server was sent, AUTH with its credentials included. */
  const commands: string[] = [];
  const server = createTcpServer((socket) => {
    let from = '';
    let to: string[] = [];
    let data: string | null = null;
    let buffer = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push({ from, to, data: data + buffer.slice(0, end) });
          buffer = buffer.slice(end + 5);
          data = null;
          to = [];
          socket.write('250 queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        commands.push(line);
        const verb = line.slice(0, 4).toUpperCase();
        // Offers AUTH but no STARTTLS: a relay whose TLS offer is missing or was stripped on the way.
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test\r\n250 AUTH PLAIN LOGIN\r\n');
        else if (verb === 'STAR') socket.write('502 not implemented\r\n');
        else if (verb === 'MAIL') (from = line.slice(10).trim(), socket.write('250 ok\r\n'));
        else if (verb === 'RCPT') (to.push(line.slice(8).trim()), socket.write('250 ok\r\n'));
        else if (verb === 'DATA') (data = '', socket.write('354 go on\r\n'));
        else if (verb === 'AUTH') socket.write('235 accepted\r\n');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  return {
    messages,
    commands,
    async start(port: number) {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A relay that greets, then answers EHLO a byte every 100 ms without ever finishing: never idle long enough for a
 * socket timeout, never done. `sockets` holds the connections it still has.
 */
export function stallingSmtpReceiver() {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    let drip: NodeJS.Timeout | undefined;
    socket.on('close', () => (sockets.delete(socket), clearInterval(drip)));
    socket.write('220 slow ESMTP\r\n');
    socket.once('data', () => {
      socket.write('250-');
      drip = setInterval(() => socket.write('x'), 100);
    });
  });
  return {
    sockets,
    async start(port: number) {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

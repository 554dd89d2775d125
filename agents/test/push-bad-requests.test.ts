import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FootfallBin } from '../src/agent/counters/bins.js';
import { PushServer } from '../src/agent/counters/push-server.js';

/** Sends raw bytes (what fetch would never send) and gives back the status line of the answer. */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('end', () => resolve(answer.split('\r\n')[0]!));
    socket.on('error', reject);
    socket.end(`${requestLine}\r\nHost: agent\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

describe('push receiver given requests a device should never send', () => {
  const warnings: object[] = [];
  const errors: object[] = [];
  let onBins: (id: string, bins: FootfallBin[]) => Promise<string[]> = async () => [];
  let server: PushServer;
  let port = 0;
  beforeAll(async () => {
    server = new PushServer({
      host: '127.0.0.1', port: 0, token: 's3cret',
      counters: [{ id: 'door1', type: 'generic', timezone: 'UTC' }],
      onBins: (id, bins) => onBins(id, bins),
      logger: { warn: (o) => warnings.push(o), error: (o) => errors.push(o) },
    });
    port = await server.listen();
  });
  afterAll(() => server.close());

  const bin = JSON.stringify({ binStart: '2026-11-23T10:00:00Z', binEnd: '2026-11-23T10:01:00Z', in: 2, out: 1 });
  const goodPush = () => fetch(`http://127.0.0.1:${port}/push/door1`, { method: 'POST', body: bin, headers: { authorization: 'Bearer s3cret' } });

  it('refuses a request target that is no URL with 400, counts and logs it, and keeps serving', async () => {
    expect(await rawRequest(port, 'GET // HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest(port, 'POST http://x:99999/push/door1?token=s3cret HTTP/1.1')).toBe('HTTP/1.1 400 Bad Request');
    expect(server.rejected.get('bad_target')).toBe(2);
    expect(warnings).toEqual([
      { reason: 'bad_target', from: '127.0.0.1' },
      { reason: 'bad_target', from: '127.0.0.1' },
    ]);
    expect((await goodPush()).status).toBe(204);
  });

  it('answers 500 to a push that fails in a way it did not foresee, logs it, and keeps serving', async () => {
    // A rejected onBins is foreseen (503); an answer that is no list is not.
    onBins = async () => undefined as unknown as string[];
    const res = await goodPush();
    expect(res.status).toBe(500);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ from: '127.0.0.1' });
    onBins = async () => [];
    expect((await goodPush()).status).toBe(204);
  });
});

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it, vi } from 'vitest';
import { startHarness } from '../support/harness.js';

it('runs every shutdown step when one fails or hangs, logs them, and ends within its deadline', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, new Writable({ write: (c: Buffer, _e, cb) => void (lines.push(c.toString()), cb()) }));
  const h = await startHarness({ logger });
  vi.spyOn(h.server.incidents, 'close').mockRejectedValue(new Error('disk I/O error'));
  const stopTickets = vi.spyOn(h.server.tickets, 'stop').mockReturnValue(new Promise(() => undefined));
  const closeTelemetry = vi.spyOn(h.server.telemetry, 'close');
  const started = Date.now();
  await expect(h.close()).resolves.toBeUndefined();
  expect(Date.now() - started).toBeLessThan(9_000);
  expect(closeTelemetry).toHaveBeenCalled();
  expect(stopTickets).toHaveBeenCalled();
  const log = lines.join('');
  expect(log).toContain('disk I/O error');
  expect(log).toMatch(/"step":"notification outbox".*did not finish in time/);
}, 20_000);

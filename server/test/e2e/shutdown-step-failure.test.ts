import { Writable } from 'node:stream';
import { pino } from 'pino';
import { expect, it, vi } from 'vitest';
import { startHarness } from '../support/harness.js';

it('runs every shutdown step when one fails, and logs the failure', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, new Writable({ write: (c: Buffer, _e, cb) => void (lines.push(c.toString()), cb()) }));
  const h = await startHarness({ logger });
  vi.spyOn(h.server.incidents, 'close').mockRejectedValue(new Error('disk I/O error'));
  const stopTickets = vi.spyOn(h.server.tickets, 'stop');
  await expect(h.close()).resolves.toBeUndefined();
  expect(stopTickets).toHaveBeenCalled();
  expect(lines.join('')).toContain('disk I/O error');
});

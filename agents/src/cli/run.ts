import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startAgent } from '../agent/agent.js';
import { loadConfig } from '../agent/config.js';

export async function runCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } }, strict: true });
  if (!values.config) throw new Error('--config is required');
  // A config that does not load stops here: never a half-working agent.
  const cfg = await loadConfig(values.config);
  const logger = pino({ level: cfg.log?.level ?? 'info' });
  const agent = await startAgent(cfg, { logger });
  // kill -USR2 <pid> logs memory and spool figures: for the person on site and for the footprint bench.
  const report = () => {
    // With --expose-gc (the bench), measure live memory rather than garbage not yet collected.
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const st = agent.stats();
    logger.info({ rss: m.rss, heapUsed: m.heapUsed, connected: st.connected, brokerRefusals: st.brokerRefusals, published: st.published, spool: st.spool, rejected: st.rejected }, 'agent stats');
  };
  if (process.platform !== 'win32') process.on('SIGUSR2', report);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await agent.stop();
  return 0;
}

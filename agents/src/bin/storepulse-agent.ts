#!/usr/bin/env node
import { ConfigError } from '../agent/config.js';

const USAGE = `usage:
  storepulse-agent run --config agent.yaml
  storepulse-agent check --config agent.yaml
  storepulse-agent simulate --broker URL [options]   (--help for the options)`;

// Commands are imported on demand: a till's agent should not carry the simulator in memory.
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return (await import('../cli/run.js')).runCommand(rest);
    case 'check':
      return (await import('../cli/check.js')).checkCommand(rest);
    case 'simulate': {
      const sim = await import('../cli/simulate.js');
      if (rest.includes('--help')) {
        process.stdout.write(`${sim.SIMULATE_USAGE}\n`);
        return 0;
      }
      await sim.simulateCommand(rest);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === undefined || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: Error) => {
    process.stderr.write(`storepulse-agent: ${err.message}\n`);
    process.exitCode = err instanceof ConfigError ? 1 : 2;
  },
);

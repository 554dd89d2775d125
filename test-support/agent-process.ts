import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../agents/dist/bin/storepulse-agent.js', import.meta.url));

export interface AgentProcess {
  pid: number;
  /** Everything the agent wrote to stdout and stderr (its JSON log). */
  output(): string;
  /** SIGKILL, as a power cut or a crashed service would. */
  kill9(): Promise<void>;
  /** SIGTERM, a clean service stop. */
  stop(): Promise<void>;
  /** Resolves with the exit code once the process ends by itself. */
  exited(): Promise<number | null>;
}

/** Runs the built agent (`npm run build` first) as a separate process with a config file. */
export function spawnAgent(configPath: string, args: string[] = ['run', '--config', configPath]): AgentProcess {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { pid: child.pid!, output: () => out, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM'), exited: () => exited };
}

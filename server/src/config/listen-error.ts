import { ConfigError } from './config-error.js';

interface Setting<T> {
  name: string;
  value: T;
}

/** A failed listen, said in terms of the settings that chose the address; null for a failure they cannot mend. */
export function listenConfigError(err: NodeJS.ErrnoException, port: Setting<number>, host: Setting<string>): ConfigError | null {
  const problems: Partial<Record<string, string>> = {
    EADDRINUSE: `${port.name}: ${port.value} is already in use on ${host.value} (another program, or storepulse running already); set ${port.name} to a free port`,
    EACCES: `${port.name}: ${port.value} needs privileges this process does not have (ports below 1024 usually do); set ${port.name} to 1024 or above`,
    EADDRNOTAVAIL: `${host.name}: ${host.value} is not an address of this machine; set ${host.name} to one of its addresses, or 0.0.0.0 for all`,
    ENOTFOUND: `${host.name}: ${host.value} does not resolve to an address; set ${host.name} to one of this machine's addresses, or 0.0.0.0 for all`,
  };
  const problem = err.code === undefined ? undefined : problems[err.code];
  return problem ? new ConfigError('the environment', [problem]) : null;
}

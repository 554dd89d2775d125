import type { ComponentName } from '@storepulse/protocol';

export interface ProbeResult {
  state: string;
  detail?: string;
}

/** One health check of one component. `run` may throw or hang: the runner turns that into `unknown`. */
export interface Probe {
  component: ComponentName;
  intervalMs: number;
  timeoutMs: number;
  run(signal: AbortSignal): Promise<ProbeResult>;
}

/** Runs a probe once; never throws, never takes longer than its timeout. */
export async function runProbe(probe: Probe): Promise<ProbeResult> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => {
      ctl.abort();
      resolve({ state: 'unknown', detail: `probe gave no answer within ${probe.timeoutMs} ms` });
    }, probe.timeoutMs);
  });
  try {
    return await Promise.race([probe.run(ctl.signal), timeout]);
  } catch (err) {
    return { state: 'unknown', detail: `probe failed: ${(err as Error).message}`.slice(0, 500) };
  } finally {
    clearTimeout(timer);
  }
}

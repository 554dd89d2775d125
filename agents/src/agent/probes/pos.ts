import { stat } from 'node:fs/promises';
import type { Probe } from './probe.js';
import { processRunning } from './processes.js';
import { httpStatus } from './tcp.js';

export interface PosProbeConfig {
  process: string;
  healthUrl?: string;
  heartbeatFile?: string;
  maxAgeSec?: number;
  intervalSec?: number;
}

/** POS application: its process runs and, optionally, it answers a health URL or keeps a heartbeat file fresh. */
export function posProbe(cfg: PosProbeConfig, now: () => number = Date.now): Probe {
  const maxAgeMs = (cfg.maxAgeSec ?? 120) * 1000;
  return {
    component: 'pos',
    intervalMs: (cfg.intervalSec ?? 15) * 1000,
    timeoutMs: 10_000,
    async run(signal) {
      if (!(await processRunning(cfg.process))) return { state: 'error', detail: `${cfg.process} is not running` };
      if (cfg.healthUrl) {
        const r = await httpStatus(cfg.healthUrl, signal);
        if ('reason' in r) return { state: 'error', detail: `health URL: ${r.reason}` };
        if (r.status < 200 || r.status >= 300) return { state: 'error', detail: `health URL answered HTTP ${r.status}` };
      }
      if (cfg.heartbeatFile) {
        const s = await stat(cfg.heartbeatFile).catch(() => null);
        if (!s) return { state: 'unknown', detail: `heartbeat file ${cfg.heartbeatFile} is missing` };
        const age = now() - s.mtimeMs;
        if (age > maxAgeMs) return { state: 'error', detail: `heartbeat file is ${Math.round(age / 1000)} s old` };
      }
      return { state: 'ok', detail: `${cfg.process} running` };
    },
  };
}

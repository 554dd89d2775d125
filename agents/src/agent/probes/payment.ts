import type { Probe } from './probe.js';
import { httpStatus, tcpPing } from './tcp.js';

/** Payment terminal: TCP reachability and connect time, and optionally its HTTP status page. */
export function paymentProbe(cfg: { host: string; port: number; statusUrl?: string; timeoutMs?: number; intervalSec?: number }): Probe {
  const timeoutMs = cfg.timeoutMs ?? 3000;
  return {
    component: 'payment',
    intervalMs: (cfg.intervalSec ?? 30) * 1000,
    timeoutMs: timeoutMs * 2 + 500,
    async run(signal) {
      const tcp = await tcpPing(cfg.host, cfg.port, timeoutMs);
      if (!tcp.ok) return { state: 'unreachable', detail: tcp.reason };
      if (cfg.statusUrl) {
        const r = await httpStatus(cfg.statusUrl, signal);
        if ('reason' in r) return { state: 'error', detail: `status page: ${r.reason}` };
        if (r.status < 200 || r.status >= 300) return { state: 'error', detail: `status page answered HTTP ${r.status}` };
      }
      return { state: 'ok', detail: `tcp ${tcp.ms} ms` };
    },
  };
}

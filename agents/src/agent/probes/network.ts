import type { Probe } from './probe.js';
import { socketHost, tcpPing } from './tcp.js';

const DEFAULT_PORTS: Record<string, number> = { 'mqtt:': 1883, 'mqtts:': 8883, 'ws:': 80, 'wss:': 443 };

/** Network: reachability and connect time to the broker. */
export function networkProbe(brokerUrl: string, cfg: { degradedMs?: number; intervalSec?: number } = {}): Probe {
  const url = new URL(brokerUrl);
  const port = url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 1883);
  const degradedMs = cfg.degradedMs ?? 500;
  const timeoutMs = 5000;
  return {
    component: 'network',
    intervalMs: (cfg.intervalSec ?? 30) * 1000,
    timeoutMs: timeoutMs + 500,
    async run() {
      const r = await tcpPing(socketHost(url), port, timeoutMs);
      if (!r.ok) return { state: 'down', detail: `broker ${r.reason}` };
      return { state: r.ms >= degradedMs ? 'degraded' : 'ok', detail: `broker rtt ${r.ms} ms` };
    },
  };
}

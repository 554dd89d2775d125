import { COMPONENT_NAMES, type ComponentName } from '@storepulse/protocol';
import type { TillComponents } from '../components.js';
import type { ProbeResult } from './probes/probe.js';

const MAX_DETAIL = 512;

/** The till's components as last probed; components without a probe stay `unknown`. */
export class TillStatus {
  private readonly results = new Map<ComponentName, ProbeResult>();

  constructor(configured: readonly ComponentName[]) {
    for (const c of COMPONENT_NAMES) {
      this.results.set(c, { state: 'unknown', detail: configured.includes(c) ? 'not probed yet' : 'no probe configured' });
    }
  }

  /** Records a result; true when the state changed. */
  set(component: ComponentName, r: ProbeResult): boolean {
    const prev = this.results.get(component);
    this.results.set(component, r);
    return prev?.state !== r.state;
  }

  get(component: ComponentName): ProbeResult {
    return this.results.get(component)!;
  }

  /** The components for a status payload; the spool backlog rides in the network detail. */
  components(backlog: number): TillComponents {
    const out = {} as Record<ComponentName, { state: string; detail?: string }>;
    for (const c of COMPONENT_NAMES) {
      const r = this.results.get(c)!;
      let detail = r.detail;
      if (c === 'network') detail = `${detail ? `${detail}; ` : ''}backlog ${backlog}`;
      out[c] = detail === undefined ? { state: r.state } : { state: r.state, detail: detail.slice(0, MAX_DETAIL) };
    }
    return out as TillComponents;
  }
}

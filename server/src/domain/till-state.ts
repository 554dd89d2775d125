import { COMPONENT_NAMES, type ComponentName, type Components, type TillState } from '@storepulse/protocol';

/** Which component states make a till down or degraded. HQ can replace it in the config file. */
export interface TillRuleTable {
  down: Partial<Record<ComponentName, string[]>>;
  degraded: Partial<Record<ComponentName, string[]>>;
}

export const DEFAULT_TILL_RULES: TillRuleTable = {
  down: {
    pos: ['error', 'unknown'],
    printer: ['paper_out', 'cover_open', 'offline', 'error'],
  },
  degraded: {
    payment: ['unreachable', 'error'],
    printer: ['paper_low'],
  },
};

export interface TillObservation {
  online: boolean;
  /** Latest reported components, or null before the first status. */
  components: Components | null;
  /** True when the agent is connected but its last status is older than the stale limit. */
  stale: boolean;
}

function matches(rule: Partial<Record<ComponentName, string[]>>, components: Components): boolean {
  for (const name of COMPONENT_NAMES) {
    const states = rule[name];
    if (states && states.includes(components[name].state)) return true;
  }
  return false;
}

/** Derives a till's state: offline without its agent, unknown without a fresh status, then the rule table. */
export function deriveTillState(obs: TillObservation, rules: TillRuleTable = DEFAULT_TILL_RULES): TillState {
  if (!obs.online) return 'offline';
  if (!obs.components || obs.stale) return 'unknown';
  if (matches(rules.down, obs.components)) return 'down';
  if (matches(rules.degraded, obs.components)) return 'degraded';
  return 'up';
}

import type { COMPONENT_STATES, ComponentName } from '@storepulse/protocol';

/**
 * A till's components as the status payload carries them. Spelled out here because the protocol's
 * `Components` (inferred from a mapped TypeBox union) types every `state` as never.
 */
export type TillComponents = {
  [K in ComponentName]: { state: (typeof COMPONENT_STATES)[K][number]; detail?: string };
};

import { isValidId } from './ids.js';

export const TOPIC_ROOT = 'storepulse/v1';

/** What the server subscribes to: every message of every store. */
export const ALL_STORES_SUBSCRIPTION = `${TOPIC_ROOT}/stores/+/#`;

export type TopicKind = 'online' | 'status' | 'footfall' | 'sales';

export type ParsedTopic =
  | { kind: 'online' | 'status' | 'sales'; storeId: string; tillId: string }
  | { kind: 'footfall'; storeId: string; sensorId: string };

/** Per-topic delivery rules of protocol v1. */
export const TOPIC_RULES: Record<TopicKind, { retained: boolean; qos: 1 }> = {
  online: { retained: true, qos: 1 },
  status: { retained: true, qos: 1 },
  footfall: { retained: false, qos: 1 },
  sales: { retained: false, qos: 1 },
};

export const topics = {
  online: (storeId: string, tillId: string) => `${TOPIC_ROOT}/stores/${storeId}/tills/${tillId}/online`,
  status: (storeId: string, tillId: string) => `${TOPIC_ROOT}/stores/${storeId}/tills/${tillId}/status`,
  sales: (storeId: string, tillId: string) => `${TOPIC_ROOT}/stores/${storeId}/tills/${tillId}/sales`,
  footfall: (storeId: string, sensorId: string) => `${TOPIC_ROOT}/stores/${storeId}/footfall/${sensorId}`,
  /** Everything one store may publish: the scope of a store's agent credentials. */
  storeScope: (storeId: string) => `${TOPIC_ROOT}/stores/${storeId}/#`,
};

const ROOT_PARTS = TOPIC_ROOT.split('/');

/**
 * Splits a topic into its kind and ids, or returns null when it is not a protocol v1 topic
 * or carries an id outside the id pattern.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== ROOT_PARTS[0] || parts[1] !== ROOT_PARTS[1] || parts[2] !== 'stores') return null;
  const storeId = parts[3];
  if (storeId === undefined || !isValidId(storeId)) return null;
  if (parts.length === 7 && parts[4] === 'tills') {
    const tillId = parts[5]!;
    const kind = parts[6];
    if (!isValidId(tillId)) return null;
    if (kind === 'online' || kind === 'status' || kind === 'sales') return { kind, storeId, tillId };
    return null;
  }
  if (parts.length === 6 && parts[4] === 'footfall') {
    const sensorId = parts[5]!;
    return isValidId(sensorId) ? { kind: 'footfall', storeId, sensorId } : null;
  }
  return null;
}

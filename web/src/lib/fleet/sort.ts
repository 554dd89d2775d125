import { STORE_STATE_SEVERITY, type StoreSummary } from '@storepulse/protocol';

// One collator for every comparison: creating one per call is what makes sorting slow.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

const OK = STORE_STATE_SEVERITY.ok;
/** Planned work is no emergency: a store with a problem inside a maintenance window comes after every other problem. */
const urgency = (s: StoreSummary) => (s.maintenance && STORE_STATE_SEVERITY[s.state] < OK ? OK - 0.5 : STORE_STATE_SEVERITY[s.state]);

/**
 * Worst state first, problems in maintenance after the others; within a state, by name then id, so tiles keep
 * their place between updates.
 */
export function compareStores(a: StoreSummary, b: StoreSummary): number {
  return (
    urgency(a) - urgency(b) ||
    STORE_STATE_SEVERITY[a.state] - STORE_STATE_SEVERITY[b.state] ||
    collator.compare(a.name, b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortStores(stores: Iterable<StoreSummary>): StoreSummary[] {
  return [...stores].sort(compareStores);
}

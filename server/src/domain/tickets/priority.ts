import type { Category, Priority } from './types.js';

/** One row of the priority matrix; the first matching row wins. Unset fields match anything. */
export interface PriorityRule {
  priority: Priority;
  kinds?: string[];
  categories?: Category[];
  /** Share of the store's tills affected, 0..1, at least. */
  minShare?: number;
}

/** The defaults: store down or half the tills down is P1, a till down is P2, a degraded peripheral is P3. */
export const DEFAULT_PRIORITY_MATRIX: readonly PriorityRule[] = [
  { priority: 'P1', kinds: ['store_down', 'store_offline'] },
  { priority: 'P1', kinds: ['till_down', 'silent_till'], minShare: 0.5 },
  { priority: 'P2', kinds: ['till_down', 'silent_till'] },
  { priority: 'P3' },
];

export interface PriorityFacts {
  kind: string;
  category: Category;
  tillsAffected: number;
  tillsTotal: number;
}

/** Share of tills affected; a whole-store incident affects all of them. */
export function affectedShare(f: Pick<PriorityFacts, 'kind' | 'tillsAffected' | 'tillsTotal'>): number {
  if (f.kind === 'store_down' || f.kind === 'store_offline') return 1;
  if (f.tillsTotal <= 0) return f.tillsAffected > 0 ? 1 : 0;
  return Math.min(1, f.tillsAffected / f.tillsTotal);
}

export function priorityFor(f: PriorityFacts, matrix: readonly PriorityRule[] = DEFAULT_PRIORITY_MATRIX): Priority {
  const share = affectedShare(f);
  const row = matrix.find(
    (r) =>
      (!r.kinds || r.kinds.includes(f.kind)) &&
      (!r.categories || r.categories.includes(f.category)) &&
      (r.minShare === undefined || share >= r.minShare),
  );
  return row?.priority ?? 'P3';
}

/** P1 outranks P2. */
export function higherPriority(a: Priority, b: Priority): Priority {
  return a < b ? a : b;
}

import { STORE_STATE_SEVERITY, type StoreState, type StoreSummary } from '@storepulse/protocol';

/** What the wall can group its tiles by. */
export const GROUPINGS = ['city', 'region'] as const;
export type Grouping = (typeof GROUPINGS)[number];

export interface GroupHeader {
  /** The city or region; '' for stores without a region (their group comes last among equals). */
  key: string;
  /** Place in the wall's grid, counted like tiles. */
  slot: number;
  worst: StoreState;
  stores: number;
  notOk: number;
}

export interface WallOrder {
  /** Each store's slot in the grid: 0 is the top left. */
  slots: Map<string, number>;
  headers: GroupHeader[];
  /** Stores plus group headers. */
  cells: number;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function groupKey(store: StoreSummary, groupBy: Grouping): string {
  return groupBy === 'city' ? store.city : (store.region ?? '');
}

/**
 * Where each tile goes. Ungrouped, slots follow the worst-first order. Grouped by city or region, each group
 * starts with a header cell, groups come worst first (then by name) and keep worst-first order inside.
 */
export function wallOrder(sorted: readonly StoreSummary[], groupBy: Grouping | null): WallOrder {
  if (!groupBy) return { slots: new Map(sorted.map((s, i) => [s.id, i])), headers: [], cells: sorted.length };
  const groups = new Map<string, StoreSummary[]>();
  for (const s of sorted) {
    const key = groupKey(s, groupBy);
    const list = groups.get(key);
    if (list) list.push(s);
    else groups.set(key, [s]);
  }
  // The first store of each group is its worst: the input is sorted worst first.
  const keys = [...groups.keys()].sort(
    (a, b) =>
      STORE_STATE_SEVERITY[groups.get(a)![0]!.state] - STORE_STATE_SEVERITY[groups.get(b)![0]!.state] ||
      Number(a === '') - Number(b === '') ||
      collator.compare(a, b),
  );
  const slots = new Map<string, number>();
  const headers: GroupHeader[] = [];
  let slot = 0;
  for (const key of keys) {
    const list = groups.get(key)!;
    headers.push({
      key,
      slot: slot++,
      worst: list[0]!.state,
      stores: list.length,
      notOk: list.filter((s) => s.state !== 'ok' && s.state !== 'closed').length,
    });
    for (const s of list) slots.set(s.id, slot++);
  }
  return { slots, headers, cells: slot };
}

import { isValidId, WEEKDAYS, type MaintenanceWarning, type MaintenanceWindow, type StoreGroup, type StoreSummary, type Weekday } from '@storepulse/protocol';
import type { MaintenanceView } from '$lib/api.js';
import { formatDateTime, formatNumber, weekdayNames } from '$lib/format.js';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, type Locale } from '$lib/paraglide/runtime.js';
import type { Names } from './names.js';

/** The new-window form as the page holds it: empty strings for what is not filled in. */
export interface WindowForm {
  id: string;
  target: 'store' | 'group';
  storeId: string;
  group: string;
  kind: 'once' | 'weekly';
  /** `datetime-local` values, "YYYY-MM-DDTHH:MM": the store's wall time, as the server takes it. */
  start: string;
  end: string;
  weekdays: Weekday[];
  /** `time` values, "HH:MM". */
  from: string;
  to: string;
}

/** Why the form cannot be sent: 'incomplete' needs no words (the button is off), the others do. */
export type WindowProblem = 'incomplete' | 'id_invalid' | 'group_invalid' | 'id_taken' | 'end_before_start';

export function windowProblem(form: WindowForm, existingIds: readonly string[]): WindowProblem | null {
  const id = form.id.trim();
  if (id && !isValidId(id)) return 'id_invalid';
  // PUT replaces a window of the same name: a new one must not overwrite another by accident.
  if (existingIds.includes(id)) return 'id_taken';
  // Group names are ids too: one the server would refuse is said here, not as its HTTP status.
  if (form.target === 'group' && form.group.trim() && !isValidId(form.group.trim())) return 'group_invalid';
  if (!id || !(form.target === 'store' ? form.storeId : form.group.trim())) return 'incomplete';
  if (form.kind === 'once') {
    if (!form.start || !form.end) return 'incomplete';
    // Both are local wall times of the same form, so they compare as text.
    if (form.end <= form.start) return 'end_before_start';
  } else if (form.weekdays.length === 0 || !form.from || !form.to) return 'incomplete';
  return null;
}

/** The body for PUT /api/maintenance/:id; the form must have no problem. Weekdays go in Monday-first order. */
export function windowBody(form: WindowForm): MaintenanceWindow {
  const id = form.id.trim();
  const target = form.target === 'store' ? { storeIds: [form.storeId] } : { groups: [form.group.trim()] };
  if (form.kind === 'once') return { id, ...target, start: form.start, end: form.end };
  const weekdays = WEEKDAYS.filter((d) => form.weekdays.includes(d));
  return { id, ...target, recurrence: { weekdays, hours: `${form.from}-${form.to}` } };
}

/** A weekly window whose end is at or before its start runs past midnight. */
export const runsOvernight = (from: string, to: string): boolean => Boolean(from && to && to <= from);

/** The stores and groups a window covers, by name. */
export function coversText(w: Pick<MaintenanceView, 'storeIds' | 'groups'>, names: Pick<Names, 'store'>): string {
  return [...(w.storeIds ?? []).map(names.store), ...(w.groups ?? []).map((group) => m.maint_group_named({ group }))].join(', ');
}

/**
 * A window's time in the reader's language: a store-local wall time stays as written; an instant (made through the
 * API with a zone) is shown in HQ's zone and says so, under a column of store times.
 */
function wallTime(locale: string, at: string): string {
  const instant = /(?:Z|[+-]\d\d:?\d\d)$/.test(at);
  const ms = Date.parse(instant ? at : `${at}Z`);
  if (Number.isNaN(ms)) return at;
  return instant ? m.maint_hq_time({ time: formatDateTime(locale, ms) }) : formatDateTime(locale, ms, 'UTC');
}

export function whenText(w: Pick<MaintenanceView, 'start' | 'end' | 'recurrence'>, locale: string): string {
  if (w.recurrence) {
    const names = weekdayNames(locale);
    const days = w.recurrence.weekdays.map((d) => names[WEEKDAYS.indexOf(d)] ?? d).join(', ');
    return m.maint_weekly({ days, hours: w.recurrence.hours.replace('-', '–') });
  }
  return m.maint_once({ start: wallTime(locale, w.start ?? ''), end: wallTime(locale, w.end ?? '') });
}

/** A warning from the server in the reader's language by its code; a code this page does not know keeps the server's English. */
export function maintenanceWarningText(warning: MaintenanceWarning, names: Names): string {
  switch (warning.code) {
    case 'store_not_configured':
      return m.maint_warn_store_not_configured({ store: names.store(warning.subject) });
    case 'group_without_stores':
      return m.maint_warn_group_without_stores({ group: warning.subject });
    default:
      return warning.message;
  }
}

/** What the group typed into the form covers, said before saving: its stores, or that none is in it. */
export function groupCoverage(group: string, groups: readonly StoreGroup[], names: Names): string | null {
  const name = group.trim();
  if (!name) return null;
  const found = groups.find((g) => g.group === name);
  if (!found) return m.maint_warn_group_without_stores({ group: name });
  return m.maint_group_members({ stores: found.storeIds.map((id) => names.store(id)).join(', ') });
}

/** How many stores each window holds now, by window id (a store held by windows that overlap counts under the first). */
export function heldNow(stores: Iterable<StoreSummary>): Map<string, number> {
  const held = new Map<string, number>();
  for (const s of stores) if (s.maintenance) held.set(s.maintenance.windowId, (held.get(s.maintenance.windowId) ?? 0) + 1);
  return held;
}

/** "3 stores", "3 магазина"; a dash for none. */
export function heldText(count: number, locale: Locale = getLocale()): string {
  return count === 0 ? '—' : m.maint_holding({ count, countText: formatNumber(locale, count) }, { locale });
}

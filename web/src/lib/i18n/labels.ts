import type { ComponentName, ComponentState, IncidentKind, Role, StoreState, StoreSummary, TicketEventType, TicketStatus, TillState } from '@storepulse/protocol';
import type { SlaTargetName, Urgency } from '$lib/tickets/tickets.js';
import { m } from '$lib/paraglide/messages.js';
import { getLocale, type Locale } from '$lib/paraglide/runtime.js';
import { formatDateTime, formatNumber } from '$lib/format.js';

/** A message without inputs; in the page's language unless one is given. */
type Label = (inputs?: Record<string, never>, options?: { locale?: Locale }) => string;

const STORE_STATE: Record<StoreState, Label> = {
  ok: m.store_state_ok,
  degraded: m.store_state_degraded,
  down: m.store_state_down,
  offline: m.store_state_offline,
  closed: m.store_state_closed,
};

const TILL_STATE: Record<TillState, Label> = {
  up: m.till_state_up,
  degraded: m.till_state_degraded,
  down: m.till_state_down,
  offline: m.till_state_offline,
  unknown: m.till_state_unknown,
};

const COMPONENT: Record<ComponentName, Label> = {
  pos: m.component_pos,
  printer: m.component_printer,
  payment: m.component_payment,
  network: m.component_network,
};

const COMPONENT_STATE: Record<ComponentState, Label> = {
  ok: m.cs_ok,
  error: m.cs_error,
  unknown: m.cs_unknown,
  paper_low: m.cs_paper_low,
  paper_out: m.cs_paper_out,
  cover_open: m.cs_cover_open,
  offline: m.cs_offline,
  unreachable: m.cs_unreachable,
  degraded: m.cs_degraded,
  down: m.cs_down,
};

/** Every component, in display order; typed from the label map so none can be missing. */
export const COMPONENT_ORDER = Object.keys(COMPONENT) as ComponentName[];

/** States and statuses come from the server: one a newer server knows and this page not is shown as sent. */
const orAsSent = (labels: Readonly<Record<string, Label | undefined>>, key: string, locale?: Locale): string =>
  labels[key]?.({}, locale ? { locale } : {}) ?? key;
export const storeStateLabel = (s: StoreState): string => orAsSent(STORE_STATE, s);
/**
 * A tile's name line. The city has a line of its own below it, so a name that begins with the city shows the rest:
 * "Centro 2" over "Monterrey" tells two stores of one city apart where "Monterrey Cen…" twice did not.
 */
export function tileName(s: Pick<StoreSummary, 'name' | 'city'>): string {
  const rest = s.name.startsWith(`${s.city} `) ? s.name.slice(s.city.length + 1).trim() : '';
  return rest || s.name;
}
/**
 * What a wall tile reads out: the store, its state and tills, then its loss so far, whether it is recovering and
 * until when (store time) a maintenance window holds it.
 */
export function tileLabel(s: StoreSummary, loss: string | null, recovering: boolean, upTo: string | null = null): string {
  const text = m.tile_label({ name: s.name, city: s.city, state: storeStateLabel(s.state), up: s.tills.up, total: s.tills.total });
  const maintenance = s.maintenance && m.tile_maintenance({ until: formatDateTime(getLocale(), Date.parse(s.maintenance.until), s.timezone) });
  const lost = loss ? `, ${m.tile_lost({ amount: loss })}` : upTo ? `, ${m.tile_label_lost_up_to({ amount: upTo })}` : '';
  return text + lost + (recovering ? `, ${m.tile_recovering()}` : '') + (maintenance ? `, ${maintenance}` : '');
}
/**
 * A wall group's figures in words ("5 stores · 2 with problems"), not as "2/5": a tile's "3/4" is tills up of all,
 * so the same form with the opposite sense (stores with problems of all) was misread.
 */
export function groupCountLabel(stores: number, bad: number, locale: Locale = getLocale()): string {
  return m.wall_group_count({ stores, storesText: formatNumber(locale, stores), bad: formatNumber(locale, bad) }, { locale });
}
/** "1 attempt", "3 попытки", "5 попыток": a webhook delivery's attempts, in the language's plural form. */
export function attemptsLabel(count: number, locale: Locale = getLocale()): string {
  return m.delivery_attempts({ count, countText: formatNumber(locale, count) }, { locale });
}
export const tillStateLabel = (s: TillState, locale?: Locale): string => orAsSent(TILL_STATE, s, locale);
export const componentLabel = (c: ComponentName): string => COMPONENT[c]();
/** Component states arrive as plain strings over the wire; an unknown one is shown as sent. */
export const componentStateLabel = (s: string, locale?: Locale): string => orAsSent(COMPONENT_STATE, s, locale);

const plain = (text: string) => text.replace(/_/g, ' ').trim().toLowerCase();
/** An agent's detail beside the state's label, or null when it only repeats the state ("cover open" under Cover open). */
export const componentDetail = (c: { state: string; detail?: string }, locale?: Locale): string | null =>
  c.detail && plain(c.detail) !== plain(c.state) && plain(c.detail) !== plain(componentStateLabel(c.state, locale)) ? c.detail : null;
/**
 * The agent's detail as the agent's own words, quoted ("agent says “POS application not responding”"): it is free text
 * in whatever language the till speaks, so it is not run into the translated state. Null as for componentDetail.
 */
export const agentDetail = (c: { state: string; detail?: string }, locale?: Locale): string | null => {
  const detail = componentDetail(c, locale);
  return detail === null ? null : m.component_agent_detail({ detail }, locale ? { locale } : {});
};

const INCIDENT_KIND: Record<IncidentKind, Label> = {
  store_down: m.kind_store_down,
  store_offline: m.kind_store_offline,
  till_down: m.kind_till_down,
  silent_till: m.kind_silent_till,
  till_degraded: m.kind_till_degraded,
};

const TICKET_STATUS: Record<TicketStatus, Label> = {
  open: m.ts_open,
  acknowledged: m.ts_acknowledged,
  waiting_store: m.ts_waiting_store,
  on_site: m.ts_on_site,
  resolved: m.ts_resolved,
  closed: m.ts_closed,
  cancelled: m.ts_cancelled,
};

const TICKET_EVENT: Record<TicketEventType, Label> = {
  'ticket.opened': m.tev_ticket_opened,
  'ticket.updated': m.tev_ticket_updated,
  'ticket.escalated': m.tev_ticket_escalated,
  'sla.warning': m.tev_sla_warning,
  'sla.breached': m.tev_sla_breached,
  'ticket.closed': m.tev_ticket_closed,
  'ticket.withdrawn': m.tev_ticket_withdrawn,
};

const SLA_TARGET: Record<SlaTargetName, Label> = { response: m.sla_response, onSite: m.sla_onSite, resolve: m.sla_resolve };

const URGENCY: Record<Urgency, Label> = {
  ok: m.urgency_ok,
  warn: m.urgency_warn,
  near: m.urgency_near,
  breached: m.urgency_breached,
  paused: m.urgency_paused,
};

const REASON: Record<string, Label> = {
  hardware_replaced: m.reason_hardware_replaced,
  config_fixed: m.reason_config_fixed,
  remote_fix: m.reason_remote_fix,
  staff_fixed: m.reason_staff_fixed,
  recovered: m.reason_recovered,
  recurred: m.reason_recurred,
  store_removed: m.reason_store_removed,
  false_alarm: m.reason_false_alarm,
  duplicate: m.reason_duplicate,
  incident: m.reason_incident,
};

/** Kinds arrive as strings in some payloads (chart bands, tickets): an unknown one is shown as sent. */
export const incidentKindLabel = (k: string, locale?: Locale): string => orAsSent(INCIDENT_KIND, k, locale);
export const ticketStatusLabel = (s: TicketStatus, locale?: Locale): string => orAsSent(TICKET_STATUS, s, locale);
export const ticketEventLabel = (e: TicketEventType | string): string => orAsSent(TICKET_EVENT, e);
export const slaTargetLabel = (t: SlaTargetName): string => SLA_TARGET[t]();
export const urgencyLabel = (u: Urgency): string => URGENCY[u]();
export const reasonLabel = (r: string, locale?: Locale): string => orAsSent(REASON, r, locale);
/** Ticket categories are the till's components. */
export const categoryLabel = (c: string, locale?: Locale): string => orAsSent(COMPONENT, c, locale);

const ROLE: Record<Role, Label> = {
  'hq-admin': m.role_hq_admin,
  'hq-viewer': m.role_hq_viewer,
  provider: m.role_provider,
  agent: m.role_agent,
};
export const roleLabel = (r: Role): string => ROLE[r]();

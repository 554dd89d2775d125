import type { Components, StillFailing, StillFailingCondition } from '@storepulse/protocol';
import type { Incident } from '../../domain/incidents/types.js';
import type { TicketIncident } from '../../domain/tickets/incident.js';

/** How the incident engine's effects arrive on the bus: `incident:opened|updated|closed` with `{incident}`. */
export interface IncidentEvent {
  incident: Incident & { suppressed?: boolean };
}

type ComponentView = Record<string, { state: string; detail?: string }>;

/** The tills at fault now: all of them for an incident saved before it said. */
function activeTills(incident: Incident): string[] {
  return incident.activeTillIds ?? incident.tillIds;
}

/**
 * The incident keeps components per till; a ticket wants one set: for each component, the first
 * till at fault reporting it not ok (else the first report), so the ticket names the actual fault.
 */
function mergedComponents(incident: Incident): ComponentView | null {
  const active = activeTills(incident);
  const tills = active.length > 0 ? active : incident.tillIds;
  const reports = tills.map((id) => incident.components[id]).filter((c): c is Components => c != null);
  if (reports.length === 0) return null;
  const out: ComponentView = {};
  for (const name of Object.keys(reports[0]!) as (keyof Components)[]) {
    const bad = reports.find((r) => r[name].state !== 'ok');
    const c = (bad ?? reports[0]!)[name];
    out[name] = c.detail === undefined ? { state: c.state } : { state: c.state, detail: c.detail };
  }
  return out;
}

/** What a till is when none of its components says what is wrong, by the incident's kind. */
const KIND_CONDITION: Record<Incident['kind'], StillFailingCondition> = {
  till_down: 'down',
  till_degraded: 'degraded',
  silent_till: 'silent',
  store_down: 'down',
  store_offline: 'offline',
};

interface TillFault {
  /** How the line for people words it ("printer paper_out (cover open)", "offline"). */
  text: string;
  /** The components it reports not ok; empty when it reports none, and then `condition` says what it is. */
  components: StillFailing['components'];
  condition: StillFailingCondition | null;
}

/** One till's own fault: its components not ok, else what it is (no contact, down, silent…). */
function tillFault(incident: Incident, tillId: string): TillFault {
  const c = incident.components[tillId];
  if (c == null) {
    const condition = incident.kind === 'store_offline' ? 'offline' : 'not_reporting';
    return { text: condition.replace('_', ' '), components: [], condition };
  }
  const components = (Object.entries(c) as [string, { state: string; detail?: string }][])
    .filter(([, v]) => v.state !== 'ok' && v.state !== 'unknown')
    .map(([name, v]) => (v.detail ? { name, state: v.state, detail: v.detail } : { name, state: v.state }));
  if (components.length > 0) {
    return { text: components.map((f) => `${f.name} ${f.state}${f.detail ? ` (${f.detail})` : ''}`).join(', '), components, condition: null };
  }
  const condition = KIND_CONDITION[incident.kind];
  return { text: condition, components, condition };
}

/** Tills grouped by the same fault, in order: "T1, T2: offline". */
function grouped(incident: Incident, tills: readonly string[]): (TillFault & { tills: string[] })[] {
  const groups = new Map<string, TillFault & { tills: string[] }>();
  for (const tillId of tills) {
    const f = tillFault(incident, tillId);
    const g = groups.get(f.text) ?? { ...f, tills: [] };
    g.tills.push(tillId);
    groups.set(f.text, g);
  }
  return [...groups.values()];
}

/**
 * One line for people: each till with its own fault, and which tills have recovered meanwhile. Undefined once every
 * till has recovered, so the ticket keeps saying what the fault was.
 */
function detailsOf(incident: Incident): string | null | undefined {
  const active = activeTills(incident);
  if (incident.tillIds.length === 0) return null;
  if (active.length === 0) return undefined;
  const failing = grouped(incident, active);
  const recovered = incident.tillIds.filter((t) => !active.includes(t));
  return [
    ...failing.map((g) => `${g.tills.join(', ')}: ${g.text}`),
    ...(recovered.length > 0 ? [`${recovered.join(', ')}: recovered`] : []),
  ].join('; ');
}

/**
 * What still fails, for a refused resolution: a line a fault for people ("T4 still reports printer paper_out"), and the
 * same structured for the web to word in the reader's language. Empty once recovering or over.
 */
function failingOf(incident: Incident): { failing: string[]; stillFailing: StillFailing[] } {
  if (incident.endedAt || incident.recoveringSince) return { failing: [], stillFailing: [] };
  const groups = grouped(incident, activeTills(incident));
  return {
    failing: groups.map((g) => {
      const who = g.tills.join(', ');
      return g.condition === null ? `${who} still ${g.tills.length > 1 ? 'report' : 'reports'} ${g.text}` : `${who} ${g.tills.length > 1 ? 'are' : 'is'} still ${g.text}`;
    }),
    stillFailing: groups.map((g) => ({ tillIds: g.tills, components: g.components, condition: g.condition })),
  };
}

/** The ticket engine's view of an incident record. */
export function toTicketIncident(incident: IncidentEvent['incident']): TicketIncident {
  const components = mergedComponents(incident);
  const details = detailsOf(incident);
  return {
    id: incident.id,
    storeId: incident.storeId,
    kind: incident.kind,
    tillIds: [...incident.tillIds],
    startedAt: incident.startedAt,
    endedAt: incident.endedAt,
    suppressed: incident.suppressed === true,
    components,
    ...(details !== undefined ? { details } : {}),
    ...(incident.peakTills !== undefined ? { peakTills: incident.peakTills } : {}),
    ...(incident.faultAt !== undefined ? { faultAt: incident.faultAt } : {}),
    ...failingOf(incident),
    visitors: incident.visitors,
    lostRevenue: incident.lostRevenue,
    flags: [...incident.flags],
  };
}

import type { Components } from '@storepulse/protocol';
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

const KIND_WORDS: Record<string, string> = {
  till_down: 'down',
  till_degraded: 'degraded',
  silent_till: 'silent',
  store_down: 'down',
  store_offline: 'offline',
};

/** One till's own fault: its components not ok, else what it is (no contact, down, silent…). */
function tillFault(incident: Incident, tillId: string): { text: string; reported: boolean } {
  const c = incident.components[tillId];
  if (c == null) return { text: incident.kind === 'store_offline' ? 'offline' : 'not reporting', reported: false };
  const bad = (Object.entries(c) as [string, { state: string; detail?: string }][])
    .filter(([, v]) => v.state !== 'ok' && v.state !== 'unknown')
    .map(([name, v]) => `${name} ${v.state}${v.detail ? ` (${v.detail})` : ''}`);
  return bad.length > 0 ? { text: bad.join(', '), reported: true } : { text: KIND_WORDS[incident.kind] ?? incident.kind, reported: false };
}

/** Tills grouped by the same text, in order: "T1, T2: offline". */
function grouped(entries: { tillId: string; text: string; reported: boolean }[]) {
  const groups = new Map<string, { tills: string[]; text: string; reported: boolean }>();
  for (const e of entries) {
    const g = groups.get(e.text) ?? { tills: [], text: e.text, reported: e.reported };
    g.tills.push(e.tillId);
    groups.set(e.text, g);
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
  const failing = grouped(active.map((t) => ({ tillId: t, ...tillFault(incident, t) })));
  const recovered = incident.tillIds.filter((t) => !active.includes(t));
  return [
    ...failing.map((g) => `${g.tills.join(', ')}: ${g.text}`),
    ...(recovered.length > 0 ? [`${recovered.join(', ')}: recovered`] : []),
  ].join('; ');
}

/** What still fails, for a refused resolution: "T4 still reports printer paper_out". Empty once recovering or over. */
function failingOf(incident: Incident): string[] {
  if (incident.endedAt || incident.recoveringSince) return [];
  return grouped(activeTills(incident).map((t) => ({ tillId: t, ...tillFault(incident, t) }))).map((g) => {
    const who = g.tills.join(', ');
    return g.reported ? `${who} still ${g.tills.length > 1 ? 'report' : 'reports'} ${g.text}` : `${who} ${g.tills.length > 1 ? 'are' : 'is'} still ${g.text}`;
  });
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
    failing: failingOf(incident),
    visitors: incident.visitors,
    lostRevenue: incident.lostRevenue,
    flags: [...incident.flags],
  };
}

import { DateTime } from 'luxon';
import { COMPONENT_NAMES, type TillHistory, type TillState, type TillStateChangeView, type TillView } from '@storepulse/protocol';

export interface TillChange {
  at: number;
  state: TillState;
  components: TillStateChangeView['components'];
}

/** One till's history over a range: where it stood when the range began (null if unknown), then each change. */
export interface TillTimeline {
  start: TillChange | null;
  changes: TillChange[];
}

/** A stretch of the timeline band; `state` null where nothing is known. `share` of the whole range, 0–1. */
export interface TimelineSegment {
  from: number;
  to: number;
  state: TillState | null;
  share: number;
}

const change = (c: TillStateChangeView): TillChange => ({ at: Date.parse(c.at), state: c.state, components: c.components });

/** The API's answer split per till; tills with no history get an empty timeline. */
export function timelinesByTill(history: TillHistory, tillIds: readonly string[]): Map<string, TillTimeline> {
  const out = new Map<string, TillTimeline>(tillIds.map((id) => [id, { start: null, changes: [] }]));
  const of = (id: string) => {
    let t = out.get(id);
    if (!t) out.set(id, (t = { start: null, changes: [] }));
    return t;
  };
  for (const c of history.before) of(c.tillId).start = change(c);
  for (const c of history.changes) of(c.tillId).changes.push(change(c));
  return out;
}

const sameComponents = (a: TillChange['components'], b: TillChange['components']) =>
  COMPONENT_NAMES.every((name) => a?.[name] === b?.[name]);

/**
 * Adds what a live till update (or a reloaded till) says, when it differs from the last known state or components.
 * A new state counts from when it began; new components with the same state from when the till was last heard.
 */
export function appendLive(timeline: TillTimeline, till: TillView): TillTimeline {
  const components = till.components && Object.fromEntries(COMPONENT_NAMES.map((name) => [name, till.components![name].state]));
  const last = timeline.changes.at(-1) ?? timeline.start;
  if (last && last.state === till.state && sameComponents(last.components, components)) return timeline;
  const heard = last?.state === till.state && till.lastSeen ? till.lastSeen : till.since;
  const at = Math.max(Date.parse(heard), last?.at ?? 0);
  return { ...timeline, changes: [...timeline.changes, { at, state: till.state, components }] };
}

/** `appendLive` over a store's timelines: the same map when nothing moved. */
export function withLive(timelines: Map<string, TillTimeline>, till: TillView): Map<string, TillTimeline> {
  const before = timelines.get(till.id) ?? { start: null, changes: [] };
  const after = appendLive(before, till);
  return after === before ? timelines : new Map(timelines).set(till.id, after);
}

/** The band over [from, to): known states up to `now`, the rest (the day still to come) left out. */
export function timelineSegments(timeline: TillTimeline, from: number, to: number, now: number): TimelineSegment[] {
  const end = Math.min(Math.max(now, from), to);
  const span = to - from;
  const out: TimelineSegment[] = [];
  let at = from;
  let state: TillState | null = timeline.start?.state ?? null;
  const push = (until: number) => {
    if (until <= at) return;
    const last = out.at(-1);
    if (last && last.state === state) {
      last.to = until;
      last.share = (last.to - last.from) / span;
    } else out.push({ from: at, to: until, state, share: (until - at) / span });
    at = until;
  };
  for (const c of timeline.changes) {
    if (c.at >= end) break;
    push(Math.max(c.at, from));
    state = c.state;
  }
  push(end);
  return out;
}

/** Components not "ok" in a change, for its line in the list. */
export function badComponents(c: TillChange): [string, string][] {
  return COMPONENT_NAMES.flatMap((name) => {
    const s = c.components?.[name];
    return s && s !== 'ok' ? [[name, s] as [string, string]] : [];
  });
}

/** Where local hours fall on a band over [from, to) in `timeZone`, as shares 0–1 (a DST day keeps them on the hour). */
export function hourTicks(from: number, to: number, timeZone: string, hours: readonly number[] = [6, 12, 18]): { hour: number; at: number; share: number }[] {
  const start = DateTime.fromMillis(from, { zone: timeZone }).startOf('day');
  return hours
    .map((hour) => ({ hour, at: start.set({ hour }).toMillis() }))
    .filter((t) => t.at > from && t.at < to)
    .map((t) => ({ ...t, share: (t.at - from) / (to - from) }));
}

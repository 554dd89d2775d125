import { DateTime } from 'luxon';
import type { FootfallBin } from './bins.js';
import { placeBins } from './local-times.js';

/** `guessed`: bins in the hour the clocks go back that the push could not place for certain (see placeBins). */
export type ParseResult = { ok: true; bins: FootfallBin[]; guessed?: number } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Counts of one direction are summed: a negative one would silently cancel real people out. */
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** An instant with or without an offset; without one it is local time in `zone`. */
function toUtcMs(value: unknown, zone: string): number {
  if (typeof value !== 'string') return Number.NaN;
  const dt = DateTime.fromISO(value, { zone });
  return dt.isValid ? dt.toMillis() : Number.NaN;
}

/** Axis Retail Data push: people-counts measurements, each with in and out items. */
export function parseAxisPush(body: unknown): ParseResult {
  if (!isObj(body) || !isObj(body.data) || !Array.isArray(body.data.measurements)) return { ok: false, error: 'no data.measurements array' };
  const bins: FootfallBin[] = [];
  for (const m of body.data.measurements) {
    if (!isObj(m) || m.kind !== 'people-counts') continue;
    if (!Array.isArray(m.items)) return { ok: false, error: 'a people-counts measurement has no items' };
    const bin: FootfallBin = { binStart: toUtcMs(m.utcFrom, 'UTC'), binEnd: toUtcMs(m.utcTo, 'UTC'), in: 0, out: 0 };
    for (const item of m.items) {
      if (!isObj(item) || (item.direction !== 'in' && item.direction !== 'out') || typeof item.count !== 'number') {
        return { ok: false, error: 'an item is not {direction: in|out, count}' };
      }
      if (!isCount(item.count)) return { ok: false, error: `an item count ${item.count} is not a whole number of 0 or more` };
      bin[item.direction] += item.count;
    }
    bins.push(bin);
  }
  return { ok: true, bins };
}

/** A Xovis element's name, else its id, else its place in the push. */
function lineName(el: Record<string, unknown>, i: number): string {
  const name = el['element-name'] ?? el['element-id'];
  return typeof name === 'string' || typeof name === 'number' ? String(name) : `#${i + 1}`;
}

const countsPeople = (el: Record<string, unknown>) =>
  (el.measurement as Array<{ value: unknown[] }>).some((m) => m.value.some((v) => isObj(v) && (v.label === 'fw' || v.label === 'bw')));

/**
 * Xovis line-count push: fw is in, bw is out; times in the sensor's zone unless they carry an offset. A sensor may
 * count several lines (a second door, a pass-by line, staff): `lines` names the entrance ones (by element name or id),
 * summed; without it a push counting more than one line is refused rather than added up.
 */
export function parseXovis(body: unknown, fallbackZone: string, now = Date.now(), lines?: readonly string[]): ParseResult {
  if (!isObj(body) || !isObj(body.content) || !Array.isArray(body.content.element)) return { ok: false, error: 'no content.element array' };
  const sensorTime = body['sensor-time'];
  const zone = isObj(sensorTime) && typeof sensorTime.timezone === 'string' ? sensorTime.timezone : fallbackZone;
  const elements: Array<{ el: Record<string, unknown>; name: string }> = [];
  for (const [i, el] of body.content.element.entries()) {
    if (!isObj(el) || !Array.isArray(el.measurement)) return { ok: false, error: 'an element has no measurement array' };
    if (!el.measurement.every((m) => isObj(m) && Array.isArray(m.value))) return { ok: false, error: 'a measurement has no value array' };
    if (countsPeople(el)) elements.push({ el, name: lineName(el, i) });
  }
  const names = elements.map((e) => e.name).join(', ');
  const chosen = lines ? elements.filter((e) => lines.includes(e.name) || lines.includes(String(e.el['element-id']))) : elements;
  if (!lines && elements.length > 1) return { ok: false, error: `the push counts ${elements.length} lines (${names}): name the entrance ones in counters[].lines` };
  if (lines && chosen.length === 0 && elements.length > 0) return { ok: false, error: `none of the lines ${lines.join(', ')} is in the push (it counts ${names})` };
  const byRange = new Map<string, FootfallBin>();
  let guessed = 0;
  for (const { el } of chosen) {
    const measurements = el.measurement as Array<{ from?: unknown; to?: unknown; value: unknown[] }>;
    const placed = placeBins(measurements.map((m) => [m.from, m.to] as const), zone, now);
    guessed += placed.guessed;
    for (const [i, m] of measurements.entries()) {
      const [start, end] = placed.times[i]!;
      const key = `${start}|${end}`;
      const bin = byRange.get(key) ?? { binStart: start, binEnd: end, in: 0, out: 0 };
      for (const v of m.value) {
        if (!isObj(v) || typeof v.value !== 'number') return { ok: false, error: 'a value is not {value, label}' };
        if ((v.label === 'fw' || v.label === 'bw') && !isCount(v.value)) return { ok: false, error: `a ${v.label} value ${v.value} is not a whole number of 0 or more` };
        if (v.label === 'fw') bin.in += v.value;
        else if (v.label === 'bw') bin.out += v.value;
      }
      byRange.set(key, bin);
    }
  }
  return { ok: true, bins: [...byRange.values()], ...(guessed ? { guessed } : {}) };
}

/** Our own format: one bin or {bins: [...]}, each {binStart, binEnd, in, out}. */
export function parseGeneric(body: unknown, zone: string, now = Date.now()): ParseResult {
  const list: unknown[] = isObj(body) && Array.isArray(body.bins) ? body.bins : [body];
  if (!list.every((b) => isObj(b) && typeof b.in === 'number' && typeof b.out === 'number')) return { ok: false, error: 'a bin is not {binStart, binEnd, in, out}' };
  const given = list as Array<{ binStart?: unknown; binEnd?: unknown; in: number; out: number }>;
  const { times, guessed } = placeBins(given.map((b) => [b.binStart, b.binEnd] as const), zone, now);
  return { ok: true, bins: given.map((b, i) => ({ binStart: times[i]![0], binEnd: times[i]![1], in: b.in, out: b.out })), ...(guessed ? { guessed } : {}) };
}

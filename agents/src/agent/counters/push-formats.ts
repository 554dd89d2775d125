import { DateTime } from 'luxon';
import type { FootfallBin } from './bins.js';

export type ParseResult = { ok: true; bins: FootfallBin[] } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Counts of one direction are summed: a negative one would silently cancel real people out. */
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** An instant with or without an offset; without one it is local time in `zone`. */
export function toUtcMs(value: unknown, zone: string): number {
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

/** Xovis line-count push: fw is in, bw is out; times in the sensor's zone unless they carry an offset. */
export function parseXovis(body: unknown, fallbackZone: string): ParseResult {
  if (!isObj(body) || !isObj(body.content) || !Array.isArray(body.content.element)) return { ok: false, error: 'no content.element array' };
  const sensorTime = body['sensor-time'];
  const zone = isObj(sensorTime) && typeof sensorTime.timezone === 'string' ? sensorTime.timezone : fallbackZone;
  const byRange = new Map<string, FootfallBin>();
  for (const el of body.content.element) {
    if (!isObj(el) || !Array.isArray(el.measurement)) return { ok: false, error: 'an element has no measurement array' };
    for (const m of el.measurement) {
      if (!isObj(m) || !Array.isArray(m.value)) return { ok: false, error: 'a measurement has no value array' };
      const start = toUtcMs(m.from, zone);
      const end = toUtcMs(m.to, zone);
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
  return { ok: true, bins: [...byRange.values()] };
}

/** Our own format: one bin or {bins: [...]}, each {binStart, binEnd, in, out}. */
export function parseGeneric(body: unknown, zone: string): ParseResult {
  const list = isObj(body) && Array.isArray(body.bins) ? body.bins : [body];
  const bins: FootfallBin[] = [];
  for (const b of list) {
    if (!isObj(b) || typeof b.in !== 'number' || typeof b.out !== 'number') return { ok: false, error: 'a bin is not {binStart, binEnd, in, out}' };
    bins.push({ binStart: toUtcMs(b.binStart, zone), binEnd: toUtcMs(b.binEnd, zone), in: b.in, out: b.out });
  }
  return { ok: true, bins };
}

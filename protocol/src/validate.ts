/**
 * Compiled validators for every protocol v1 payload. Kept apart from the index so that the
 * web bundle, which only needs types and topic names, never pulls in ajv.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { MAX_BIN_SECONDS, MAX_PAYLOAD_BYTES, MIN_BIN_SECONDS } from './ids.js';
import { FootfallPayload, OnlinePayload, SalesPayload, StatusPayload } from './schemas.js';
import { isUtcTimestamp, UTC_TIMESTAMP_FORMAT } from './timestamps.js';
import type { TopicKind } from './topics.js';

const ajv = new Ajv({ allErrors: false, strict: true });
ajv.addFormat(UTC_TIMESTAMP_FORMAT, { type: 'string', validate: isUtcTimestamp });
// Fatal: invalid bytes are refused rather than turned into U+FFFD and stored; a BOM is kept, so JSON.parse refuses it as before.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const validators = {
  online: ajv.compile<OnlinePayload>(OnlinePayload),
  status: ajv.compile<StatusPayload>(StatusPayload),
  footfall: ajv.compile<FootfallPayload>(FootfallPayload),
  sales: ajv.compile<SalesPayload>(SalesPayload),
};

export interface PayloadByKind {
  online: OnlinePayload;
  status: StatusPayload;
  footfall: FootfallPayload;
  sales: SalesPayload;
}

/** Why a payload was refused; each reason is a label of the rejection counter. */
export type PayloadRejection = 'oversize' | 'malformed_json' | 'schema' | 'bad_ts' | 'topic_mismatch' | 'bad_bin' | 'bad_count';

export type DecodeResult<K extends TopicKind> =
  | { ok: true; payload: PayloadByKind[K] }
  /** A well-formed bin whose only fault is a count or amount out of range (negative, over the limit): `payload` holds it as sent. */
  | { ok: false; reason: 'bad_count'; message: string; payload: PayloadByKind[K] }
  | { ok: false; reason: Exclude<PayloadRejection, 'bad_count'>; message: string };

/** The numbers of a bin whose range alone can be wrong: a counter or a till export gone mad, not a malformed message. */
const COUNT_FIELDS: Partial<Record<TopicKind, readonly string[]>> = { footfall: ['in', 'out'], sales: ['transactions', 'revenue'] };

/** Whether `data` would be valid with its counts in range: the message is sound, its figures are not. */
function onlyCountsOutOfRange(kind: TopicKind, data: unknown, error: ErrorObject | undefined): boolean {
  const fields = COUNT_FIELDS[kind];
  if (!fields || !error || (error.keyword !== 'minimum' && error.keyword !== 'maximum')) return false;
  if (!fields.includes(error.instancePath.slice(1))) return false;
  const copy = { ...(data as Record<string, unknown>) };
  for (const f of fields) if (typeof copy[f] === 'number') copy[f] = 0;
  return validators[kind](copy) && binProblem(copy as { binStart: string; binEnd: string }) === null;
}

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'does not match the schema';
  const where = e.instancePath || '(root)';
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** Checks the bin's own consistency (both times are real instants by now): end after start, width inside the accepted range. */
function binProblem(p: { binStart: string; binEnd: string }): string | null {
  const width = (Date.parse(p.binEnd) - Date.parse(p.binStart)) / 1000;
  if (width < MIN_BIN_SECONDS || width > MAX_BIN_SECONDS) {
    return `bin is ${width}s wide; it must be ${MIN_BIN_SECONDS}s to ${MAX_BIN_SECONDS}s`;
  }
  return null;
}

/** Parses and validates one raw MQTT payload for a topic kind. Never throws. */
export function decodePayload<K extends TopicKind>(kind: K, raw: Uint8Array | string): DecodeResult<K> {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: 'oversize', message: `payload is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES}` };
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    return { ok: false, reason: 'malformed_json', message: 'payload is not valid UTF-8' };
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    // V8's message may quote the payload, which can hold anything (logs must never show it): only where it broke is kept.
    const at = /at position (\d+)/.exec((err as Error).message)?.[1];
    return { ok: false, reason: 'malformed_json', message: at === undefined ? 'payload is not valid JSON' : `payload is not valid JSON (at character ${at})` };
  }
  const validate = validators[kind];
  if (!validate(data)) {
    const errors = validate.errors;
    const fits = (Object.keys(validators) as TopicKind[]).find((k) => k !== kind && validators[k](data));
    if (fits) return { ok: false, reason: 'topic_mismatch', message: `a ${fits} payload on a ${kind} topic` };
    // The pattern is checked first, so a format error means a well-formed timestamp of a date that does not exist.
    if (errors?.[0]?.keyword === 'format') {
      return { ok: false, reason: 'bad_ts', message: `${errors[0].instancePath} is not a real date and time` };
    }
    // Kept whole so that the incident engine can flag what a broken counter or export sent, not just drop it.
    if (onlyCountsOutOfRange(kind, data, errors?.[0])) {
      return { ok: false, reason: 'bad_count', message: describe(errors), payload: data as PayloadByKind[K] };
    }
    return { ok: false, reason: 'schema', message: describe(errors) };
  }
  const payload = data as PayloadByKind[K];
  if (kind === 'footfall' || kind === 'sales') {
    const problem = binProblem(payload as FootfallPayload | SalesPayload);
    if (problem) return { ok: false, reason: 'bad_bin', message: problem };
  }
  return { ok: true, payload };
}

/** Throws unless `payload` is valid for `kind`; for publishers that want to catch their own bugs. */
export function assertPayload<K extends TopicKind>(kind: K, payload: unknown): asserts payload is PayloadByKind[K] {
  const validate = validators[kind];
  if (!validate(payload)) throw new Error(`invalid ${kind} payload: ${describe(validate.errors)}`);
}

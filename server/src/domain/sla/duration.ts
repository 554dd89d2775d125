/** Durations as written in the config file: one or more `<n><unit>` parts, e.g. `15m`, `4h`, `1d`, `1h30m`. */
export const DURATION_PATTERN = '^([0-9]{1,6}[smhd])+$';
const DURATION_REGEX = new RegExp(DURATION_PATTERN);

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

/** Parses a duration to milliseconds. Zero is refused: a target of nothing is always breached. */
export function parseDuration(text: string): DurationResult {
  if (typeof text !== 'string' || !DURATION_REGEX.test(text)) {
    return { ok: false, message: `"${String(text)}" is not a duration like 15m, 4h or 1d` };
  }
  let ms = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)([smhd])/g)) ms += Number(n) * UNIT_MS[unit!]!;
  if (ms === 0) return { ok: false, message: `"${text}" is zero; a duration must be positive` };
  return { ok: true, ms };
}

/** Like parseDuration, for values already validated by the schema; throws on a bad one. */
export function durationMs(text: string): number {
  const r = parseDuration(text);
  if (!r.ok) throw new RangeError(r.message);
  return r.ms;
}

import { describe, expect, it } from 'vitest';
import { durationMs, parseDuration } from '../../../src/domain/sla/duration.js';

describe('parseDuration', () => {
  it('reads the units of the config file', () => {
    expect(parseDuration('15m')).toEqual({ ok: true, ms: 15 * 60_000 });
    expect(parseDuration('4h')).toEqual({ ok: true, ms: 4 * 3_600_000 });
    expect(parseDuration('1d')).toEqual({ ok: true, ms: 86_400_000 });
    expect(parseDuration('30s')).toEqual({ ok: true, ms: 30_000 });
    expect(parseDuration('1h30m')).toEqual({ ok: true, ms: 90 * 60_000 });
  });

  it('refuses anything else with a message naming the value', () => {
    for (const bad of ['', '15', 'm', '1.5h', '-1h', '4 h', '1w', '4H', '0m']) {
      const r = parseDuration(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.message).toContain(`"${bad}"`);
    }
    expect(parseDuration(15 as unknown as string).ok).toBe(false);
  });

  it('durationMs throws on a bad value instead of returning a silent zero', () => {
    expect(durationMs('2d')).toBe(2 * 86_400_000);
    expect(() => durationMs('0h')).toThrow(RangeError);
  });
});

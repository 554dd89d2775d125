import { DateTime } from 'luxon';
import { WEEKDAYS, type WeekHours } from '@storepulse/protocol';

const HOUR_MS = 3_600_000;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Opening intervals (UTC ms) starting on local days from the day before `fromMs` to the day after `toMs`. */
function openingsAround(hours: WeekHours, timezone: string, fromMs: number, toMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let day = DateTime.fromMillis(fromMs, { zone: timezone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(toMs, { zone: timezone }).startOf('day').plus({ days: 1 });
  while (day <= last) {
    const spec = hours[WEEKDAYS[day.weekday - 1]!];
    if (spec) {
      const [from, to] = spec.split('-') as [string, string];
      const startMin = minutes(from);
      let endMin = minutes(to);
      if (endMin <= startMin) endMin += 24 * 60;
      out.push([day.plus({ minutes: startMin }).toMillis(), day.plus({ minutes: endMin }).toMillis()]);
    }
    day = day.plus({ days: 1 });
  }
  return out;
}

/**
 * Local time and opening hours of one store, cached: thousands of stores ask every simulated
 * step, and a time-zone lookup per ask would dominate the run.
 */
export class LocalClock {
  private offsetValidUntil = -Infinity;
  private offsetMs = 0;
  private stateValidFrom = Infinity;
  private stateValidUntil = -Infinity;
  private openNow = false;

  constructor(private readonly hours: WeekHours, private readonly timezone: string) {}

  /** Whether the store is open at `ms`. */
  isOpen(ms: number): boolean {
    if (ms >= this.stateValidUntil || ms < this.stateValidFrom) this.refreshState(ms);
    return this.openNow;
  }

  /** Local hour of day as a fraction (13.5 is 13:30) and weekday index (0 = Monday). */
  local(ms: number): { hour: number; weekday: number } {
    if (ms >= this.offsetValidUntil || ms < this.offsetValidUntil - HOUR_MS) {
      this.offsetMs = DateTime.fromMillis(ms, { zone: this.timezone }).offset * 60_000;
      // Offsets change on whole UTC hours in every zone the fleet uses (and in almost all others).
      this.offsetValidUntil = Math.floor(ms / HOUR_MS) * HOUR_MS + HOUR_MS;
    }
    const local = new Date(ms + this.offsetMs);
    return {
      hour: local.getUTCHours() + local.getUTCMinutes() / 60,
      weekday: (local.getUTCDay() + 6) % 7,
    };
  }

  private refreshState(ms: number): void {
    this.stateValidFrom = ms;
    const openings = openingsAround(this.hours, this.timezone, ms, ms + 8 * 24 * HOUR_MS);
    const current = openings.filter(([s, e]) => s <= ms && ms < e);
    if (current.length > 0) {
      this.openNow = true;
      // Chain touching intervals, e.g. a 24 h store's consecutive days.
      let end = Math.max(...current.map(([, e]) => e));
      for (const [s, e] of openings) if (s <= end && e > end) end = e;
      this.stateValidUntil = end;
    } else {
      this.openNow = false;
      const next = openings.map(([s]) => s).filter((s) => s > ms);
      this.stateValidUntil = next.length > 0 ? Math.min(...next) : ms + 7 * 24 * HOUR_MS;
    }
  }
}

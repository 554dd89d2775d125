import { MAX_AHEAD_MS } from './counters/bins.js';
import { instantsOf } from './counters/local-times.js';

/** A calendar date and a time of day, "T" or a space between them; an offset or Z is optional. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
/** The plain local form most exports write, which Date.parse reads as Luxon does once "Z" is added. */
const PLAIN_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?$/;
/** Local minutes remembered: a day of them for one export is enough, and bounds the memory. */
const MAX_MINUTES = 1440;

/**
 * A line may come a little out of order (a receipt finished after the next one began): in the hour the clocks go back,
 * its time still means the pass of the line before it when it is at most this much earlier.
 */
const OUT_OF_ORDER_MS = 5 * 60_000;

const UNREADABLE_TIME = 'whose time is not a date and time such as 2026-12-07T14:03:22, 2026-12-07 14:03:22 or 2026-12-07T13:03:22Z';
const AHEAD = `whose time is more than ${MAX_AHEAD_MS / 60_000} min ahead of the agent's clock (the POS clock, or the time zone, is wrong)`;

/**
 * The instants of a POS export's sale times, read in time order: an ISO 8601 time with an offset or Z names its own
 * instant; one without is a wall time in `zone` (counters/local-times.ts). In the hour the clocks go back a wall time
 * names two instants: a line takes the earliest not before the line before it (less a few minutes of disorder), and
 * without one (the first line the agent reads) the latest not ahead of its clock.
 */
export class SaleTimes {
  /**
   * For each local minute met lately, what its wall time read as UTC is off from each instant it names (null: no such
   * minute). Reading a local time through Luxon costs some 45 µs, too much for a rotated export of 100,000 lines; the
   * clocks change only on a whole minute, so a minute read once gives every line in it.
   */
  private readonly minutes = new Map<string, number[] | null>();

  /** `last`: the latest instant read before, by the reader this one takes over from (an agent restarted). */
  constructor(private readonly zone: string, private last: number | null = null) {}

  /** The latest instant read. */
  get latest(): number | null {
    return this.last;
  }

  /** The sale's instant, or why its time is refused (`ahead`: beyond MAX_AHEAD_MS of `now`). */
  instant(text: string, now: number): number | { refused: string; ahead?: true } {
    if (!DATE_TIME.test(text)) return { refused: UNREADABLE_TIME };
    const iso = `${text.slice(0, 10)}T${text.slice(11)}`;
    const candidates = PLAIN_LOCAL.test(iso) ? this.local(iso) : instantsOf(iso, this.zone, false);
    if (!candidates.every(Number.isFinite)) return { refused: UNREADABLE_TIME };
    const possible = candidates.filter((t) => t <= now + MAX_AHEAD_MS);
    if (possible.length === 0) return { refused: AHEAD, ahead: true };
    const last = this.last;
    const at = (last === null ? undefined : possible.find((t) => t >= last - OUT_OF_ORDER_MS)) ?? possible.at(-1)!;
    this.last = Math.max(last ?? at, at);
    return at;
  }

  /** instantsOf a plain local time, through the minutes remembered. */
  private local(iso: string): number[] {
    const wall = Date.parse(`${iso}Z`);
    // Seconds Date.parse refuses (60): Luxon says what they are, and the minute is not judged by them.
    if (!Number.isFinite(wall)) return instantsOf(iso, this.zone, false);
    const minute = iso.slice(0, 16);
    let offsets = this.minutes.get(minute);
    if (offsets === undefined) {
      const instants = instantsOf(iso, this.zone, false);
      offsets = instants.every(Number.isFinite) ? instants.map((t) => t - wall) : null;
      if (this.minutes.size >= MAX_MINUTES) this.minutes.clear();
      this.minutes.set(minute, offsets);
    }
    return offsets ? offsets.map((o) => wall + o) : [Number.NaN];
  }
}

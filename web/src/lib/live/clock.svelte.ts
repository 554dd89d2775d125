/** One ticking clock for the whole app, so a thousand tiles never run a thousand timers. */
class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | null = null;

  start(): void {
    this.#timer ??= setInterval(() => (this.now = Date.now()), 1000);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}

export const clock = new Clock();

/** The browser's own zone: HQ's clock on the wall. */
export const HQ_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

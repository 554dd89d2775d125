import { load, type Loaded } from '$lib/load.js';

/**
 * A report of one month, read again whenever the month changes; it starts at the current month on HQ's clock (the
 * server counts each item in its own store's local month). Made while a component initialises.
 */
export class MonthReport<T> {
  month = $state(new Date().toLocaleDateString('sv-SE').slice(0, 7));
  report = $state<Loaded<T>>({ status: 'loading' });
  /** A month box cleared or half typed keeps the last report on screen, but offers no download of it. */
  readonly complete = $derived(/^\d{4}-\d{2}$/.test(this.month));

  constructor(fetchMonth: (month: string) => Promise<T>) {
    $effect(() => {
      const wanted = this.month;
      if (!this.complete) return;
      let current = true;
      this.report = { status: 'loading' };
      void load(() => fetchMonth(wanted), true).then((r) => {
        if (current) this.report = r;
      });
      return () => (current = false);
    });
  }
}

import type { WeekHours } from '@storepulse/protocol';

/** A store as configured by HQ (config file or API). Plain data: the domain's view of it. */
export interface StoreConfig {
  id: string;
  name: string;
  city: string;
  /** A wider area than the city (e.g. "Iberia"), only for grouping; provider scoping does not use it. */
  region?: string;
  /** IANA time zone, e.g. Europe/Madrid. */
  timezone: string;
  /** ISO 4217 code. */
  currency: string;
  /** Till ids expected in this store. */
  tills: string[];
  hours: WeekHours;
  /** Local dates (YYYY-MM-DD) on which the store is closed all day. */
  holidays: string[];
  provider: string | null;
  /** Share of visitors who buy, used until enough sales data is learned. */
  conversion: number;
  /** Average basket in the store's currency, used until enough sales data is learned. */
  avgBasket: number;
  /** Transactions one busy till completes in an hour: the capacity model's till speed when HQ knows it. */
  tillThroughput?: number;
}

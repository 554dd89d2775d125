/** How long each kind of data is kept; the same numbers drive SQLite pruning and InfluxDB retention policies. */
export const RAW_RETENTION_DAYS = 30;
/** Long enough for a baseline to reach the same weekday last year (364 days) plus a margin. */
export const ROLLUP_RETENTION_DAYS = 400;
/** Window re-rolled for every store at the first maintenance after start, when pending work is unknown. */
export const STARTUP_REROLL_MS = 6 * 3600_000;

const DAY_MS = 24 * 3600_000;
export const RAW_RETENTION_MS = RAW_RETENTION_DAYS * DAY_MS;
export const ROLLUP_RETENTION_MS = ROLLUP_RETENTION_DAYS * DAY_MS;

/**
 * Every number, date and amount shown to a person goes through Intl with the current locale.
 * Formatters are cached: building one costs far more than using it, and the wall formats a lot.
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.DisplayNames>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.DisplayNames>(
  key: string,
  make: () => T,
): T {
  let f = cache.get(key) as T | undefined;
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}

export function formatNumber(locale: string, value: number): string {
  return cached(`n|${locale}`, () => new Intl.NumberFormat(locale)).format(value);
}

export function formatCurrency(locale: string, amount: number, currency: string): string {
  return cached(`c|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency })).format(amount);
}

/** "euro", "евро", "euro": the currency's name in the reader's language. */
export function currencyName(locale: string, currency: string): string {
  return cached(`cn|${locale}`, () => new Intl.DisplayNames([locale], { type: 'currency' })).of(currency) ?? currency;
}

/** Hours and minutes in a time zone; `timeZone` undefined means the browser's (HQ's) own. */
export function formatTime(locale: string, at: Date | number, timeZone?: string): string {
  return cached(
    `t|${locale}|${timeZone ?? ''}`,
    () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }),
  ).format(at);
}

/** With seconds: state changes can come a few seconds apart. */
export function formatTimeSeconds(locale: string, at: Date | number, timeZone?: string): string {
  return cached(
    `ts|${locale}|${timeZone ?? ''}`,
    () => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }),
  ).format(at);
}

export function formatDateTime(locale: string, at: Date | number, timeZone?: string): string {
  return cached(
    `dt|${locale}|${timeZone ?? ''}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }),
  ).format(at);
}

/** The calendar day in a time zone, for comparing (locale-independent). */
function localDay(at: Date | number, timeZone?: string): string {
  return cached(`day|${timeZone ?? ''}`, () => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone })).format(at);
}

/** The time of day when `at` falls on the same day as `nowMs` in the zone, else the date too: "16:43" would be ambiguous. */
export function formatTimeNear(locale: string, at: Date | number, nowMs: number, timeZone?: string): string {
  return localDay(at, timeZone) === localDay(nowMs, timeZone) ? formatTime(locale, at, timeZone) : formatDateTime(locale, at, timeZone);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "5 minutes ago", "5 минут назад", "hace 5 minutos": the largest whole unit. */
export function formatAgo(locale: string, thenMs: number, nowMs: number): string {
  const rtf = cached(`r|${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const diff = Math.max(0, nowMs - thenMs);
  for (const [unit, ms] of UNITS) {
    if (diff >= ms || unit === 'second') return rtf.format(-Math.floor(diff / ms), unit);
  }
  return rtf.format(0, 'second');
}

/** Long weekday names, Monday first, in the reader's language (2024-01-01 was a Monday). */
export function weekdayNames(locale: string): string[] {
  const f = cached(`wd|${locale}`, () => new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }));
  return Array.from({ length: 7 }, (_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
}

/** True when a store's clock reads differently from HQ's right now (so its local time is worth showing). */
export function differsFromHq(timeZone: string, hqTimeZone: string, at: number): boolean {
  if (timeZone === hqTimeZone) return false;
  return formatTime('en-GB', at, timeZone) !== formatTime('en-GB', at, hqTimeZone);
}

/** Amounts on small tiles: "€27", "€1.2K", "1,2 тыс. ₽"; whole below a thousand, like the wall's headline. */
export function formatMoneyShort(locale: string, amount: number, currency: string): string {
  const digits = Math.abs(amount) < 1000 ? 0 : 1;
  return cached(
    `cs|${locale}|${currency}|${digits}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: digits }),
  ).format(amount);
}

/** Whole amounts for headlines, where cents are noise. */
export function formatMoneyWhole(locale: string, amount: number, currency: string): string {
  return cached(
    `cw|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }),
  ).format(amount);
}

/** A duration in the largest fitting unit, "1 h 5 min" style, through Intl's unit formats. */
export function formatDuration(locale: string, ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const unit = (u: 'hour' | 'minute') => cached(`u|${locale}|${u}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' }));
  if (minutes < 60) return unit('minute').format(minutes);
  const h = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? unit('hour').format(h) : `${unit('hour').format(h)} ${unit('minute').format(rest)}`;
}

/**
 * Time left (or past) on a deadline in its two largest units, so it cannot pass for a time of day: "2 days 14 hr",
 * "3 hr 5 min", "12 min", "45 sec" ("2 дн. 14 ч", "12 мин"; "2 d 14 h"). Whole units, rounded down.
 */
export function formatRemaining(locale: string, ms: number): string {
  const unit = (u: 'day' | 'hour' | 'minute' | 'second', n: number) =>
    cached(`u|${locale}|${u}`, () => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' })).format(n);
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return hours > 0 ? `${unit('day', days)} ${unit('hour', hours)}` : unit('day', days);
  if (hours > 0) return minutes > 0 ? `${unit('hour', hours)} ${unit('minute', minutes)}` : unit('hour', hours);
  if (minutes > 0) return unit('minute', minutes);
  return unit('second', seconds);
}

/** 0.8 → "80 %" / "80%" as the locale writes it. */
export function formatPercent(locale: string, share: number): string {
  return cached(`p|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 })).format(share);
}

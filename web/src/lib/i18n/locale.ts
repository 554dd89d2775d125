import { getLocale, locales, setLocale, type Locale } from '$lib/paraglide/runtime.js';

export { getLocale, locales, type Locale };

/** Each language named in itself, so a reader finds theirs whatever the page's language. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', ru: 'Русский', es: 'Español' };

/** Remembers the choice (localStorage) and reloads, so every text and Intl format follows it. */
export function switchLocale(locale: Locale): void {
  if (locale !== getLocale()) void setLocale(locale);
}

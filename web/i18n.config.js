/**
 * Paraglide options, shared by Vite, Vitest and `npm run check` (svelte-check runs without Vite).
 * The browser remembers a chosen language in localStorage; a first visit follows the browser's languages.
 */
/** @type {import('@inlang/paraglide-js').CompilerOptions} */
export const paraglideOptions = {
  project: './project.inlang',
  outdir: './src/lib/paraglide',
  strategy: ['localStorage', 'preferredLanguage', 'baseLocale'],
  localStorageKey: 'storepulse.locale',
  emitReadme: false,
};

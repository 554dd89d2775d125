// Generates src/lib/paraglide for tools that do not run the Vite plugin (svelte-check, the unit tests).
import { compile } from '@inlang/paraglide-js';
import { paraglideOptions } from '../i18n.config.js';

await compile(paraglideOptions);
// The inlang SDK leaves a handle open for about half a minute after compiling; nothing is pending once
// compile() has resolved, so leave now.
process.exit(0);

import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The plain Svelte plugin rather than SvelteKit's: Kit forces the root to the working directory,
// which breaks running this project from the repository root. Messages are compiled by the global setup.
export default defineConfig({
  root: here('.'),
  plugins: [svelte()],
  resolve: { alias: { $lib: here('./src/lib') } },
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/compile-messages.setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});

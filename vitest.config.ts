import { defineConfig } from 'vitest/config';

// One run covers every workspace; each project has its own config next to its tests.
export default defineConfig({
  test: {
    projects: ['protocol', 'server', 'agents', 'web', 'bench'],
  },
});

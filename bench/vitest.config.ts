import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The backtest simulates 48 stores over six weeks: about two minutes on a busy machine.
    testTimeout: 600_000,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'lambda/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default on 2 cores is one worker; most test files are single-threaded, so two run
    // side by side (measured: 8m47s against about 12 min for the suite).
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

// Browser tests drive the built extension. Two files run at a time (each with its own
// browsers, mocks and ports): most of a file's time is spent waiting on streams and timers,
// so two at once take the suite from ~370 to ~260 s on two cores, keeping CI under its
// 10 minutes. Timeouts are generous because the browsers share those two cores.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

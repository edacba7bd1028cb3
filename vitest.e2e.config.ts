import { defineConfig } from 'vitest/config';

// Browser tests drive the built extension; they share two cores with the browser,
// so they run one file at a time with generous timeouts.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

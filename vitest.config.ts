import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The suites start their own embedded stores on random ports, so files may run in parallel;
    // two workers match the two cores of CI.
    maxWorkers: 2,
  },
});

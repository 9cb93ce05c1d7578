import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; end-to-end tests share one lab and run one file at a time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});

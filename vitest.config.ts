import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    reporters: ['default', './scripts/closing-line-reporter.ts'],
    testTimeout: 30_000,
  },
});

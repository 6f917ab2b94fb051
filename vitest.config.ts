import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './scripts/closing-line-reporter.ts'],
    // Hang limits, never speed checks (speed is the bench's): a whole calibration fit now takes ~10 CPU-s
    // (prefill-attention offsets, 830 points), and on 2 shared cores a test making one or two waited 40-62 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // The CLI keeps fitted tables in the user's cache folder: tests keep theirs apart from the user's (the
    // files are named by the hash of the fit's inputs and code, so runs can share them).
    env: { XDG_CACHE_HOME: join(tmpdir(), 'clearbox-vitest-cache') },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
        },
      },
      // Browser tests: build the web app, start the real server, share one Chromium (e2e/global-setup.ts).
      {
        extends: true,
        test: { name: 'e2e', include: ['e2e/**/*.test.ts'], globalSetup: ['e2e/global-setup.ts'] },
      },
    ],
  },
});

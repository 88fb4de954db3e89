// Node-side tests: backend, sdk, examples and the cross-cutting suites in test/. The widget's
// tests run in Chromium through web-test-runner (web-test-runner.config.mjs). The global setup
// provides Postgres and Redis to the tests that need them (test/helpers/test-services.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'backend/**/*.test.ts',
      'sdk/**/*.test.ts',
      'examples/**/*.test.ts',
      'test/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    globalSetup: ['test/helpers/vitest-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Real loopback servers and SQLite files: two workers fit the 2-core CI machine.
    maxWorkers: 2,
  },
});

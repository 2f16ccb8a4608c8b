import { defineConfig } from 'vitest/config';

// One runner for unit tests (beside the code), integration tests (test/integration) and browser
// end-to-end tests (test/e2e). Files run in separate forks; two at a time suits a 2-core machine.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'stripe-emulator/**/*.test.ts', 'ui-kit/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});

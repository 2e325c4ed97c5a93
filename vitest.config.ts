import { defineConfig } from 'vitest/config';

// Three projects: pure unit tests beside the code, integration tests with a real database
// (SQLite by default, PostgreSQL when CITYLOOP_TEST_DATABASE_URL points at one), and whole-app e2e.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/src/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts', 'node_modules/**'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['src/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The web console in Debian's chromium (playwright-core); skipped with a reason when it is absent.
        test: {
          name: 'web-e2e',
          include: ['test/web/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});

import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * `npm test` runs the unit and API tests on embedded PGlite, again on a real PostgreSQL when
 * TEST_DATABASE_URL is set (each test file gets its own fresh database), and the browser tests.
 */
const apiProject = (name: string, db: 'pglite' | 'postgres') => ({
  test: {
    name,
    include: ['src/**/*.test.ts'],
    // *.pg.test.ts: behaviour of the PostgreSQL driver alone (the embedded database has no such layer)
    exclude: db === 'pglite' ? ['**/node_modules/**', 'src/**/*.pg.test.ts'] : ['**/node_modules/**'],
    env: { GONGJIN_TEST_DB: db },
    // timeouts only end a hung test; a loaded machine must not fail a correct one
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks' as const,
    // expect.poll waits for a state, not for a duration: generous, so a loaded machine passes too
    expect: { poll: { timeout: 90_000, interval: 100 } },
  },
});

export default defineConfig({
  test: {
    // at least two files at once, also on a 2-core machine (the default there is one): a PostgreSQL
    // test waits on the server, a browser test on Chromium, so the other file uses the time
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    projects: [
      apiProject('pglite', 'pglite'),
      ...(process.env.TEST_DATABASE_URL ? [apiProject('postgres', 'postgres')] : []),
      {
        test: {
          name: 'tooling',
          include: ['scripts/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 180_000,
          pool: 'forks' as const,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // one browser file at a time: two at once beside the API files (two servers and two Chromiums
          // on a 2-core machine) timed tests out; they run after the API files
          fileParallelism: false,
          pool: 'forks' as const,
          expect: { poll: { timeout: 90_000, interval: 100 } },
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers on random ports; forks keep each file's sockets and SQLite handles apart.
    pool: 'forks',
    // A broker that starts one embedded PostgreSQL only when a test file asks for a database.
    globalSetup: ['test/support/postgresServer.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // In CI, also write the results as JSON so .ci/run can close with a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: './test-results.json' },
  },
});

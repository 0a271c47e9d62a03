import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers on random ports; forks keep each file's sockets and SQLite handles apart.
    pool: 'forks',
    // Most files spend their time waiting (paced posts, timers, accelerated clocks, late-landing Slack
    // calls), not computing. vitest's default (available cores - 1) runs one file at a time on a 2-core
    // machine; three side by side keep both cores busy and overlap the waits. (Four, on a machine shared
    // with other test runs, starved the CPU-bound files and the bot's process starts into timeouts; the
    // suite's CPU time is the floor either way.) Every file uses its own temp dir, random ports and its
    // own fakes, so files never share a port or a file.
    maxWorkers: 3,
    // Guards against a hang, not a budget: with files side by side on a shared machine, a CPU-bound test
    // (the parse-growth measurements, a CLI export drawing a PNG in a child process) can take well over 20 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A broker that starts one embedded PostgreSQL only when a test file asks for a database.
    globalSetup: ['test/support/postgresServer.ts'],
    // In CI, also write the results as JSON so .ci/run can close with a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: './test-results.json' },
  },
});

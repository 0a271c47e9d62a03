import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Integration files that start no bot and open no database (the fakes' own tests, a rehearsal on its
 * own in-memory SQLite): the engine changes nothing they prove, so the postgres project leaves them out.
 */
const ENGINE_FREE = [
  'test/integration/fakeSlack.test.ts',
  'test/integration/fakeSlackFiles.test.ts',
  'test/integration/fakeSlackLenient.test.ts',
  'test/integration/fakeSlackUsers.test.ts',
  'test/integration/rehearse.test.ts',
];

/**
 * Integration files the postgres project leaves out to keep `npm test` near 5 minutes on 2 cores (the
 * postgres project was 730 s of the suite's 1,190 s of file time). What they prove is Slack-facing:
 * views and escaping, bad and hostile input, posting pace, the transport, the trust rules as people see
 * them. The store work they do is the same statements the files kept on PostgreSQL run, and every
 * statement text of src/store is prepared on PostgreSQL by test/store/postgresMigrations.test.ts, and
 * the Db contract by test/store/dbContract.test.ts. Kept on both engines: whole runs (checklistRun,
 * timeline, runReport), concurrent clicks, paging and its outbox, restarts and kills, Slack outages,
 * workspaces and tokens, gate waits (PostgreSQL wakes them by NOTIFY: pipelineApi, githubProtection),
 * the CLI and start-up, and every `*.postgres.test.ts`.
 * `npm run test:postgres-all` runs the whole integration suite on PostgreSQL.
 */
const SLACK_FACING = [
  'test/integration/badInput.test.ts',
  'test/integration/checklistFolder.test.ts',
  'test/integration/contactsCommand.test.ts',
  'test/integration/eventsOut.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/hostileChecklist.test.ts',
  'test/integration/idleBot.test.ts',
  'test/integration/injection.test.ts',
  'test/integration/pagePeople.test.ts',
  'test/integration/pageWithoutRun.test.ts',
  'test/integration/pager.test.ts',
  'test/integration/postPacing.test.ts',
  'test/integration/postUpdate.test.ts',
  'test/integration/referenceCommand.test.ts',
  'test/integration/referenceModal.test.ts',
  'test/integration/reportHtmlBrowser.test.ts',
  'test/integration/rollbackStandby.test.ts',
  'test/integration/separationOfDuties.test.ts',
  'test/integration/socketMode.test.ts',
  'test/integration/trust/**',
  'test/integration/untimedSchedule.test.ts',
];

const allOnPostgres = process.env.DEPLOYDAY_TEST_ALL_ON_POSTGRES === '1';

export default defineConfig({
  test: {
    // Integration tests start real servers on random ports; forks keep each file's sockets and SQLite handles apart.
    pool: 'forks',
    // Most files spend their time waiting (paced posts, timers, accelerated clocks, late-landing Slack
    // calls), not computing. vitest's default (available cores - 1) runs one file at a time on a 2-core
    // machine; three side by side keep both cores busy and overlap the waits. (Four, on a machine shared
    // with other test runs, starved the CPU-bound files and the bot's process starts into timeouts; the
    // suite's CPU time is the floor either way.) Every file uses its own temp dir, random ports and its
    // own fakes, so files never share a port or a file.
    maxWorkers: 3,
    // A worker process runs file after file with its module cache kept: the app (Bolt, the store,
    // every view) is imported once per worker instead of once per file. Measured on the whole suite:
    // vitest's summed import time fell from 440 s to about 60 s and its CPU time from about 17 to
    // about 12 minutes. Files share nothing else: each opens its own temp dir, ports, fakes and
    // database and closes them after itself. A test that must see a whole process (idleBot) starts
    // the bot as one. The connections that pools keep open between files are why the test PostgreSQL
    // allows more than its default 100 (test/support/postgresServer.ts).
    isolate: false,
    // Guards against a hang, not a budget: with files side by side on a shared machine, a CPU-bound test
    // (the parse-growth measurements, a CLI export drawing a PNG in a child process) can take well over 20 s.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A broker that starts one embedded PostgreSQL only when a test file asks for a database.
    globalSetup: ['test/support/postgresServer.ts'],
    // In CI, also write the results as JSON so .ci/run can close with a plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: './test-results.json' },
    // Two projects, one run. `sqlite`: every test file, bots on SQLite. `postgres`: the integration suite
    // again (less SLACK_FACING, above) with DEPLOYDAY_TEST_ENGINE=postgres, each bot on a PostgreSQL database of its own
    // (test/support/testDatabase.ts), so one file proves its behaviour on both engines. A file pinned to
    // one engine on purpose says so in its name and runs in that engine's project only:
    // `*.sqlite.test.ts` (WAL, the database file, a second better-sqlite3 connection) and
    // `*.postgres.test.ts` (losing the database over the network). `npx vitest run --project postgres`
    // runs one of them.
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, '**/*.postgres.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.sqlite.test.ts', ...ENGINE_FREE, ...(allOnPostgres ? [] : SLACK_FACING)],
          env: { DEPLOYDAY_TEST_ENGINE: 'postgres' },
        },
      },
    ],
  },
});

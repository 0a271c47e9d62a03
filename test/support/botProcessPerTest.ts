/**
 * The setup of a process-level test: a fake Slack, a temp folder for the database, and the bot as
 * its own process (`node dist/main.js`, so it can be killed -9 and started again on the same
 * database). Everything a test opened is stopped and removed after it, whatever it left running.
 */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startBotProcess, type BotProcess } from './botProcess.js';
import { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './fakeSlack.js';
import { createSlackClient, type SlackClient } from './slackClient.js';
import { REPO_ROOT, SIGNING_SECRET, tempDir } from './startBot.js';
import { databaseEnv } from './testDatabase.js';

export interface ProcessBed {
  fake: FakeSlack;
  /** The test's temp folder (removed after the test). */
  dir: string;
  /** The database the bot is started on: deployday.db in `dir` (on PostgreSQL, the database standing for it); undefined with `ownDatabasePath`. */
  databasePath: string | undefined;
  /** What every start passes to the bot: the fake's URL, the database path, and the test's own variables. */
  env: Record<string, string>;
  /** The running bot, if any. */
  bot: BotProcess | undefined;
  /** Starts the bot (again, after a kill) with `env`; `cwd` runs it from another folder. */
  start(options?: { cwd?: string }): Promise<BotProcess>;
  /** Slack's side of the running bot's endpoint, signed with the bot's secret. */
  slack(): SlackClient;
  /** Stops the running bot with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ProcessBedOptions {
  /** Variables for the bot on top of SLACK_API_URL and DATABASE_PATH (which they may override). */
  env?: Record<string, string>;
  /** Checklists folder relative to the repository (default test/fixtures/timed). */
  checklists?: string;
  /** Leave DATABASE_PATH unset, so the bot picks its default path (relative to its cwd). */
  ownDatabasePath?: boolean;
  /** How the fake Slack is started (e.g. its rate limits). */
  fakeSlack?: FakeSlackOptions;
}

/** Registers the cleanup and returns `open`, which sets up one test's fake Slack and folder. */
export function botProcessPerTest(): (options?: ProcessBedOptions) => Promise<ProcessBed> {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    // Last opened, first closed: the bot before the fake it talks to, the folder last.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  return async (options = {}) => {
    const folder = tempDir();
    cleanups.push(folder.remove);
    const fake = await startFakeSlack(options.fakeSlack);
    cleanups.push(() => fake.close());
    const databasePath = options.ownDatabasePath ? undefined : join(folder.dir, 'deployday.db');
    const env: Record<string, string> = {
      SLACK_API_URL: fake.apiUrl,
      // DATABASE_PATH, or on the PostgreSQL project DATABASE_URL of the database standing for it (testDatabase.ts).
      ...(databasePath ? await databaseEnv(databasePath) : {}),
      CHECKLISTS_DIR: join(REPO_ROOT, ...(options.checklists ?? 'test/fixtures/timed').split('/')),
      ...options.env,
    };
    const bed: ProcessBed = {
      fake,
      dir: folder.dir,
      databasePath,
      env,
      bot: undefined,
      async start(startOptions = {}) {
        bed.bot = await startBotProcess(env, startOptions);
        return bed.bot;
      },
      slack() {
        if (!bed.bot) throw new Error('no bot process is running');
        return createSlackClient({ baseUrl: `http://127.0.0.1:${bed.bot.port}`, signingSecret: SIGNING_SECRET, fake });
      },
      async stop() {
        await bed.bot?.stop();
        bed.bot = undefined;
      },
    };
    cleanups.push(() => bed.stop());
    return bed;
  };
}

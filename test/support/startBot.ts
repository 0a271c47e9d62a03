import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeployday, type Deployday, type DeploydayOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { FAKE_BOT_TOKEN, type FakeSlack } from './fakeSlack.js';
import { FAKE_APP_TOKEN } from './fakeSocketMode.js';
import { createSlackClient, type SlackClient } from './slackClient.js';
import { socketDelivery } from './socketDelivery.js';
import { databaseEnv } from './testDatabase.js';

/** How Slack reaches the bot: signed HTTP POSTs, or envelopes over a Socket Mode WebSocket. */
export type Transport = 'http' | 'socket';
/** For `describe.each(TRANSPORTS)`: the core scenarios run over both. */
export const TRANSPORTS: Transport[] = ['http', 'socket'];

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5'.replace(/[^0-9a-f]/g, '0');
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface RunningBot {
  bot: Deployday;
  config: Config;
  slack: SlackClient;
  port: number;
  logs: string[];
  /** Stops the bot (the database file stays, so a test can start another bot on it). */
  stop(): Promise<void>;
}

export interface StartBotOptions extends DeploydayOptions {
  fake: FakeSlack;
  /** Where the bot's database is, as a SQLite path (':memory:' by default); on PostgreSQL, the database standing for it. */
  databasePath?: string;
  checklistsDir?: string;
  env?: Record<string, string>;
  /** Default 'http'. 'socket' sets SLACK_APP_TOKEN and talks to the bot through the fake's socket. */
  transport?: Transport;
}

/** A temp folder for one test's database; removed by the returned function. */
export function tempDir(prefix = 'deployday-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts the real app on a random port (HTTP, or Socket Mode with /healthz there) against the fake Slack. */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const logs: string[] = [];
  const config = loadConfig({
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: options.fake.apiUrl,
    PORT: '0',
    // SQLite at databasePath, or on the PostgreSQL project a database standing for it (testDatabase.ts).
    ...(await databaseEnv(options.databasePath)),
    CHECKLISTS_DIR: options.checklistsDir ?? join(REPO_ROOT, 'test', 'fixtures', 'checklists'),
    LOG_LEVEL: 'debug',
    ...(options.transport === 'socket' ? { SLACK_APP_TOKEN: FAKE_APP_TOKEN } : {}),
    ...options.env,
  });
  const bot = await createDeployday(config, {
    logSink: options.logSink ?? { write: (line) => logs.push(line) },
    messageIntervalMs: options.messageIntervalMs ?? 200,
    // Paced, but far faster than Slack's ~1/s: the fake Slack limits no posts unless a test says so, and a run's six
    // messages took 600 ms to post at 200 ms apiece (postPacing.test.ts proves the real pace, in a process).
    postPace: options.postPace ?? { burst: 3, intervalMs: 50 },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.pagerBackoff ? { pagerBackoff: options.pagerBackoff } : {}),
    ...(options.pagerIntervalMs !== undefined ? { pagerIntervalMs: options.pagerIntervalMs } : {}),
    ...(options.reporting ? { reporting: options.reporting } : {}),
    socketRetry: options.socketRetry ?? { baseMs: 50, maxMs: 500 },
    ...(options.socketGraceMs !== undefined ? { socketGraceMs: options.socketGraceMs } : {}),
    ...(options.eventsBackoff ? { eventsBackoff: options.eventsBackoff } : {}),
    ...(options.eventsIntervalMs !== undefined ? { eventsIntervalMs: options.eventsIntervalMs } : {}),
    ...(options.webhookEnv ? { webhookEnv: options.webhookEnv } : {}),
    ...(options.githubBackoff ? { githubBackoff: options.githubBackoff } : {}),
    ...(options.githubIntervalMs !== undefined ? { githubIntervalMs: options.githubIntervalMs } : {}),
    ...(options.databaseProbe ? { databaseProbe: options.databaseProbe } : {}),
    ...(options.lateLandingMs !== undefined ? { lateLandingMs: options.lateLandingMs } : {}),
    ...(options.gateRecheckMs !== undefined ? { gateRecheckMs: options.gateRecheckMs } : {}),
  });
  const port = (await bot.start())!;
  const slack = createSlackClient({
    baseUrl: `http://127.0.0.1:${port}`,
    signingSecret: SIGNING_SECRET,
    fake: options.fake,
    ...(options.transport === 'socket' ? { deliver: socketDelivery(options.fake) } : {}),
  });
  return { bot, config, slack, port, logs, stop: () => bot.stop() };
}

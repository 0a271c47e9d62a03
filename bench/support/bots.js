/**
 * The two things the benchmarks compare, started the same way on a random HTTP port against
 * the fake Slack: the built deployday app (dist/), and a bare Bolt app whose only listener acks
 * checkbox clicks — the floor any Bolt app pays for HTTP, signature checking and parsing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { BENCH_BOT_TOKEN, BENCH_TEAM } from './benchSlack.js';
import { pollUntil } from './report.js';
import { BENCH_SIGNING_SECRET } from './slackRequests.js';

/** A temp folder for a bench database; `remove()` deletes it. */
export function benchTempDir(prefix = 'deployday-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Log lines are kept in memory (the last 200) and counted by level, never printed mid-figure. */
function memorySink() {
  const lines = [];
  const counts = { warn: 0, error: 0 };
  return {
    lines,
    counts,
    write(line) {
      if (/ WARN /.test(line)) counts.warn += 1;
      if (/ ERROR /.test(line)) counts.error += 1;
      lines.push(line);
      if (lines.length > 200) lines.shift();
    },
  };
}

/**
 * The real app, configured as production would be (LOG_LEVEL info, a database file) except for
 * the Slack API URL; `messageIntervalMs` is passed only when given, so the default is production's.
 * `databaseUrl` runs it on PostgreSQL instead of the SQLite file at `databasePath` (the ha bench).
 * @param {{ fake: { apiUrl: string }, databasePath?: string, databaseUrl?: string, checklistsDir: string, messageIntervalMs?: number }} options
 */
export async function startDeployday(options) {
  // Loaded here, not at the top, so that bare Bolt's memory figure does not include deployday's code.
  const { createDeployday } = await import('../../dist/app.js');
  const { loadConfig } = await import('../../dist/config.js');
  const config = loadConfig({
    SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: options.fake.apiUrl,
    SLACK_BOT_ID: BENCH_TEAM.botId,
    SLACK_BOT_USER_ID: BENCH_TEAM.botUserId,
    PORT: '0',
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { DATABASE_PATH: options.databasePath }),
    CHECKLISTS_DIR: options.checklistsDir,
    LOG_LEVEL: 'info',
  });
  const sink = memorySink();
  const bot = await createDeployday(config, {
    logSink: sink,
    ...(options.messageIntervalMs !== undefined ? { messageIntervalMs: options.messageIntervalMs } : {}),
  });
  const port = await bot.start();
  return { bot, port, url: `http://127.0.0.1:${port}`, log: sink, stop: () => bot.stop() };
}

/**
 * A Bolt app with the same receiver and the same options deployday gives Bolt, and one listener
 * for 'dd_item_toggle' that only acks (plus a /deploy command that only acks, for symmetry).
 * With `verifyToken`, Bolt is left to its default instead: without the bot's ids it checks its token
 * with auth.test as it starts, and this resolves once that call has been answered. deployday makes
 * the same one call as it starts (it needs the workspace URL), and Bolt's Web API client costs about
 * 3 MiB the first time it is used (fetch, undici and its llhttp WebAssembly parser), so the memory
 * baseline is the Bolt app that has used it (docs/performance.md, "Sixth pass").
 * @param {{ fake: { apiUrl: string, callsTo(method: string): Array<{ ok: boolean }> }, verifyToken?: boolean }} options
 */
export async function startBareBolt(options) {
  const app = new App({
    token: BENCH_BOT_TOKEN,
    signingSecret: BENCH_SIGNING_SECRET,
    clientOptions: { slackApiUrl: options.fake.apiUrl },
    ...(options.verifyToken ? {} : { botId: BENCH_TEAM.botId, botUserId: BENCH_TEAM.botUserId }),
    logLevel: LogLevel.ERROR,
  });
  app.action('dd_item_toggle', async ({ ack }) => {
    await ack();
  });
  app.command('/deploy', async ({ ack }) => {
    await ack();
  });
  const server = await app.start(0);
  if (options.verifyToken && !(await pollUntil(() => options.fake.callsTo('auth.test').some((call) => call.ok), { timeoutMs: 10_000 }))) {
    throw new Error('bare Bolt made no auth.test call as it started');
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, port, url: `http://127.0.0.1:${port}`, stop: () => app.stop() };
}

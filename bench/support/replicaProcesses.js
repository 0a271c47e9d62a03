/**
 * Replicas of the built bot as processes of their own (`node dist/main.js`), for the HA bench: each
 * replica has its own replica id, pools and event loop, as in production, and can be killed -9.
 * Their log is kept in memory (the last 200 lines), never printed mid-figure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCH_BOT_TOKEN, BENCH_TEAM } from './benchSlack.js';
import { sleep } from './report.js';
import { BENCH_SIGNING_SECRET, createSlackSender } from './slackRequests.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * @param {Record<string, string>} env the bench's variables on top of the Slack ones (DATABASE_URL, CHECKLISTS_DIR, clock…)
 * @returns {Promise<{ port: number, url: string, output: () => string, kill9: () => Promise<void>, stop: () => Promise<void> }>}
 */
export async function startReplica(env) {
  const lines = [];
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: BENCH_BOT_TOKEN,
      SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
      SLACK_BOT_ID: BENCH_TEAM.botId,
      SLACK_BOT_USER_ID: BENCH_TEAM.botUserId,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk) => {
    text += chunk.toString();
    const parts = text.split('\n');
    text = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  let port;
  while (port === undefined) {
    if (child.exitCode !== null) throw new Error(`replica exited early (${child.exitCode}):\n${lines.join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`replica did not start listening:\n${lines.join('\n')}`);
    }
    const match = /listening on port (\d+)/.exec(lines.join('\n'));
    if (match) port = Number(match[1]);
    else await sleep(20);
  }
  // A fresh process's first request loads code and opens its pool, which on a busy machine can
  // exceed Slack's 3 s ack: one untimed command first, so the figures meet a warm replica.
  const sender = createSlackSender({ baseUrl: `http://127.0.0.1:${port}` });
  while ((await sender.command('help', { channel: 'C0WARMUP' })).status !== 200) {
    if (Date.now() > deadline) throw new Error(`replica did not answer a command:\n${lines.join('\n')}`);
    await sleep(200);
  }
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => lines.join('\n'),
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

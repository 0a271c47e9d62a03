import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { FAKE_BOT_TOKEN } from './fakeSlack.js';
import { REPO_ROOT, SIGNING_SECRET } from './startBot.js';
import { waitFor } from './waitFor.js';

/** The bot as its own process (`node dist/main.js`), so a test can kill -9 it mid-day. */
export interface BotProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBotProcess(env: Record<string, string>, options: { cwd?: string } = {}): Promise<BotProcess> {
  let output = '';
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      LOG_LEVEL: 'debug',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`bot exited early (${child.exitCode}):\n${output}`);
      // HTTP mode: "listening on port N"; Socket Mode: "starting in Socket Mode (/api/v1 and GET /healthz on port N)".
      const match = /(?:listening on port|GET \/healthz on port) (\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    },
    // A hang guard: a fresh node process loading the app can take over 15 s while the suite's other files hold both cores.
    { timeoutMs: 45_000, message: 'bot process did not start listening' },
  );
  return {
    child,
    port,
    output: () => output,
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

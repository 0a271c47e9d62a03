/**
 * Resident memory of bare Bolt (idle) or deployday (idle, then with 20 active 150-item runs).
 * Used in the scale bench's own process, one after another, and also as a fresh process per
 * case (`node --expose-gc bench/support/memoryProbe.js <bare|bare-verified|deployday> [db] [checklistsDir]`),
 * because RSS rarely shrinks once a process has touched memory: in a shared process each
 * later figure carries the high-water mark of the ones before it.
 */
import { fileURLToPath } from 'node:url';
import { startBareBolt, startDeployday } from './bots.js';
import { startBenchSlack } from './benchSlack.js';
import { settledRss } from './report.js';
import { createSlackSender } from './slackRequests.js';

export const ACTIVE_RUNS = 20;

export async function startRun(url, fake, channel) {
  const reply = await createSlackSender({ baseUrl: url }).command('start bench-release', {
    channel,
    responseUrl: fake.responseUrl(`start-${channel}`),
  });
  const runId = Number(/#(\d+)/.exec(reply.status === 200 ? (JSON.parse(reply.text).text ?? '') : '')?.[1]);
  if (!Number.isInteger(runId)) throw new Error(`/deploy start in ${channel} failed: ${reply.status} ${reply.text}`);
  return runId;
}

/** RSS of a bare Bolt app started and idle; `verifyToken`: after Bolt's default start-up auth.test (bots.js). */
export async function bareMemory(fake, verifyToken = false) {
  const bare = await startBareBolt({ fake, verifyToken });
  const idle = await settledRss();
  await bare.stop();
  return { idle };
}

/**
 * RSS of deployday idle, then with ACTIVE_RUNS runs started and posted. The fake's copies of the
 * posted messages are dropped before reading, so the figure is the bot's, not the fake's.
 */
export async function deploydayMemory(fake, options, channelPrefix) {
  const dd = await startDeployday({ fake, ...options });
  const idle = await settledRss();
  for (let i = 0; i < ACTIVE_RUNS; i += 1) await startRun(dd.url, fake, `${channelPrefix}${String(i).padStart(2, '0')}`);
  await dd.bot.sync.idle();
  // Forget the fake's messages and calls, so the figure is the bot's memory, not the fake's.
  fake.reset();
  const active = await settledRss();
  await dd.stop();
  return { idle, active };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [kind, databasePath, checklistsDir] = process.argv.slice(2);
  const fake = await startBenchSlack();
  const result = kind.startsWith('bare')
    ? await bareMemory(fake, kind === 'bare-verified')
    : await deploydayMemory(fake, { databasePath, checklistsDir }, 'C0PROBE');
  await fake.close();
  console.log(JSON.stringify(result));
  process.exit(0);
}

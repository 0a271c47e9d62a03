/**
 * coalescing: 200 clicks on one checklist message within 2 s, against a fake Slack that allows
 * 50 chat.update per minute per channel (429 + Retry-After beyond). A naive bot updates the
 * message once per click; deployday bumps a version inside the ack and its sync loop updates each
 * message at most once a second with the latest state. Runs at the production interval.
 *
 * Part 2 starts a burst with the channel's minute already spent, so the bot meets 429s: it must
 * wait out Retry-After and then converge at once.
 */
import { join } from 'node:path';
import { benchTempDir, startDeployday } from './support/bots.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { startBenchSlack, updateLog } from './support/benchSlack.js';
import { against, heading, line, loadAverage, ms, pollUntil, sleep, summarize } from './support/report.js';
import { checkboxClickBody, checkboxGroups, createSlackSender, seenMessage } from './support/slackRequests.js';

const CHANNEL = 'C0BENCHCOAL';
const CLICKS = 200;
const SPREAD_MS = 2_000;
const USERS = 20;
const UPDATES_PER_MINUTE = 50;
const CONVERGE_TARGET_MS = 3_000;

/** Values ticked in a message as the fake holds it now. */
function tickedIn(message) {
  const ticked = new Set();
  for (const block of message.blocks) {
    for (const el of [...(block.elements ?? []), block.accessory, block.element]) {
      if (el?.type === 'checkboxes') for (const o of el.initial_options ?? []) ticked.add(o.value);
    }
  }
  return ticked;
}

/**
 * `count` clicks spread over `spreadMs`, open loop: click i leaves at its slot unless the previous
 * click on the same box is still in flight (a person cannot untick a box before the tick shows).
 * Boxes are visited 7 apart over 47 of the 50, so a burst ends with a state unlike its start.
 */
async function clickBurst({ sender, fake, target, items, done, count, spreadMs, offset }) {
  const latencies = [];
  const statuses = {};
  const lastOnItem = new Map();
  const t0 = performance.now();
  let lastAckAt = t0;
  const clicks = [];
  for (let i = 0; i < count; i += 1) {
    const item = items[((offset + i) * 7) % 47];
    const click = (lastOnItem.get(item.value) ?? Promise.resolve()).then(async () => {
      const wait = t0 + (i * spreadMs) / count - performance.now();
      if (wait > 0) await sleep(wait);
      const checked = !done.get(item.value);
      const seen = seenMessage(target, (value) => done.get(value) === true);
      const body = checkboxClickBody({
        seen,
        blockId: item.blockId,
        value: item.value,
        checked,
        user: `U0COAL${i % USERS}`,
        channel: CHANNEL,
        responseUrl: fake.responseUrl(`c${offset + i}`),
      });
      const result = await sender.post(body);
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      latencies.push(result.ms);
      if (result.status === 200) done.set(item.value, checked);
      lastAckAt = Math.max(lastAckAt, performance.now());
    });
    lastOnItem.set(item.value, click);
    clicks.push(click);
  }
  await Promise.all(clicks);
  return { latencies, statuses, tookMs: lastAckAt - t0, lastClickAt: Date.now() - (performance.now() - lastAckAt) };
}

/** Resolves with the epoch ms at which the fake's copy of the message showed `done`, or null. */
async function convergence(fake, ts, done) {
  const expected = [...done]
    .filter(([, d]) => d)
    .map(([v]) => v)
    .sort()
    .join(',');
  const ok = await pollUntil(() => [...tickedIn(fake.message(CHANNEL, ts))].sort().join(',') === expected, { timeoutMs: 20_000, everyMs: 5 });
  return ok ? Date.now() : null;
}

export async function coalescingBench() {
  heading(`coalescing: ${CLICKS} clicks on one message within ${SPREAD_MS / 1000} s, chat.update limited to ${UPDATES_PER_MINUTE}/min/channel`);
  const fake = await startBenchSlack({ updatesPerMinutePerChannel: UPDATES_PER_MINUTE });
  const checklists = writeBenchChecklists('bench-release', 150);
  const tmp = benchTempDir();
  try {
    const deployday = await startDeployday({ fake, databasePath: join(tmp.dir, 'coalescing.db'), checklistsDir: checklists.dir });
    const sender = createSlackSender({ baseUrl: deployday.url });
    const started = await sender.command('start bench-release', { channel: CHANNEL, responseUrl: fake.responseUrl('start') });
    if (started.status !== 200) throw new Error(`/deploy start failed: ${started.status} ${started.text}`);
    await deployday.bot.sync.idle();

    // The first phase message: 50 items in 5 checkbox groups. The overview also changes per click.
    const posted = fake.messages(CHANNEL);
    const target = structuredClone(posted.find((m) => checkboxGroups(m).length > 0));
    const overviewTs = posted[0]?.ts;
    const items = checkboxGroups(target).flatMap((g) => g.values.map((value) => ({ blockId: g.blockId, value })));
    const done = new Map(items.map((i) => [i.value, false]));
    // Let the start-up updates pass, so they are not counted against the clicks.
    await sleep(1_200);

    // ---- Part 1: the burst, within the channel's budget.
    const logStart = updateLog(fake).length;
    const burst = await clickBurst({ sender, fake, target, items, done, count: CLICKS, spreadMs: SPREAD_MS, offset: 0 });
    const convergedAt = await convergence(fake, target.ts, done);
    await deployday.bot.sync.idle();
    const log = updateLog(fake).slice(logStart);

    const calls = log.length;
    const limited = log.filter((u) => u.status === 429).length;
    const perMessage = new Map();
    for (const u of log.filter((entry) => entry.status === 200)) perMessage.set(u.ts, [...(perMessage.get(u.ts) ?? []), u.at]);
    let minGap = Infinity;
    let busiest = 0;
    for (const times of perMessage.values()) {
      for (let k = 0; k < times.length; k += 1) {
        if (k > 0) minGap = Math.min(minGap, times[k] - times[k - 1]);
        // "At most one update per message per second": the most updates of one message in any 1 s window.
        busiest = Math.max(busiest, times.filter((t) => t >= times[k] && t < times[k] + 1_000).length);
      }
    }
    const targetUpdates = perMessage.get(target.ts)?.length ?? 0;
    const overviewUpdates = perMessage.get(overviewTs)?.length ?? 0;
    const ack = summarize(burst.latencies);
    line(
      'clicks',
      `${CLICKS} over ${ms(burst.tookMs)} by ${USERS} users; HTTP ${JSON.stringify(burst.statuses)}; ack p50 ${ms(ack.p50)}, p99 ${ms(ack.p99)}`,
    );
    line(
      'chat.update calls',
      `${calls} (${targetUpdates} on the clicked message, ${overviewUpdates} on the overview, ${calls - targetUpdates - overviewUpdates - limited} other, ${limited} refused)`,
    );
    line('calls per click (naive bot: 1)', `${(calls / CLICKS).toFixed(3)} → ratio to naive ${(calls / CLICKS).toFixed(3)}x`);
    line('429s received', String(limited));
    line(
      'most updates of one message in 1 s',
      against(`${busiest}; closest two updates of one message ${Number.isFinite(minGap) ? ms(minGap) : 'n/a'} apart`, '≤ 1', busiest <= 1),
    );
    const convergeMs = convergedAt === null ? null : convergedAt - burst.lastClickAt;
    line(
      'last click → message shows final state',
      convergeMs === null ? 'never (20 s)   MISSED' : against(ms(convergeMs), `≤ ${CONVERGE_TARGET_MS} ms`, convergeMs <= CONVERGE_TARGET_MS),
    );

    // ---- Part 2: the channel's minute already spent; Slack allows updates again 2 s from now.
    const blockedMs = 2_000;
    const log2Start = updateLog(fake).length;
    fake.exhaustRateLimit('chat.update', CHANNEL, blockedMs);
    const allowedAt = Date.now() + blockedMs;
    const burst2 = await clickBurst({ sender, fake, target, items, done, count: 40, spreadMs: 500, offset: CLICKS });
    const converged2At = await convergence(fake, target.ts, done);
    await deployday.bot.sync.idle();
    const log2 = updateLog(fake).slice(log2Start);
    const limited2 = log2.filter((u) => u.status === 429).length;
    line(
      'part 2: channel out of budget',
      `40 clicks over ${ms(burst2.tookMs)}, updates refused for ${blockedMs} ms; HTTP ${JSON.stringify(burst2.statuses)}`,
    );
    line('  429s received', `${limited2}; chat.update calls ${log2.length} (${log2.length - limited2} accepted)`);
    const afterAllowed = converged2At === null ? null : converged2At - allowedAt;
    line(
      '  Slack allows again → final state',
      afterAllowed === null
        ? 'never (20 s)   MISSED'
        : against(ms(Math.max(0, afterAllowed)), `≤ ${CONVERGE_TARGET_MS} ms`, afterAllowed <= CONVERGE_TARGET_MS),
    );
    line('machine', loadAverage());
    await deployday.stop();
    return { callsPerClick: calls / CLICKS, rateLimited: limited, convergeMs, afterAllowedMs: afterAllowed, rateLimitedPart2: limited2 };
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}

/**
 * coalescing: 200 clicks on one checklist message within 2 s, against a fake Slack that allows
 * 50 chat.update per minute per channel (429 + Retry-After beyond). A naive bot updates the
 * message once per click; deployday bumps a version inside the ack and its sync loop updates each
 * message at most once a second with the latest state. Runs at the production interval.
 */
import { join } from 'node:path';
import { benchTempDir, startDeployday } from './support/bots.js';
import { writeBenchChecklists } from './support/benchChecklist.js';
import { FakeSlackLite } from './support/fakeSlackLite.js';
import { against, heading, line, loadAverage, ms, pollUntil, summarize } from './support/report.js';
import { checkboxClickBody, checkboxGroups, createSlackSender, seenMessage } from './support/slackRequests.js';

const CHANNEL = 'C0BENCHCOAL';
const CLICKS = 200;
const SPREAD_MS = 2_000;
const USERS = 20;
const UPDATES_PER_MINUTE = 50;

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

export async function coalescingBench() {
  heading(`coalescing: ${CLICKS} clicks on one message within ${SPREAD_MS / 1000} s, chat.update limited to ${UPDATES_PER_MINUTE}/min/channel`);
  const fake = await FakeSlackLite.start({ updatesPerMinutePerChannel: UPDATES_PER_MINUTE });
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
    const logFrom = fake.updateLog.length;
    // Quiet the counters from the run's own start-up, then let the clicks in.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const logStart = fake.updateLog.length;
    if (logStart !== logFrom) line('note', `${logStart - logFrom} update(s) between start and the first click`);

    // Open loop: click i leaves at i × 10 ms, unless the previous click on the same item is still
    // in flight (a person cannot untick a box before the tick shows).
    const latencies = [];
    const statuses = {};
    const lastOnItem = new Map();
    const t0 = performance.now();
    let lastAckAt = 0;
    const clicks = [];
    for (let i = 0; i < CLICKS; i += 1) {
      // 47 of the 50 boxes, so the clicks end with some boxes ticked: the final state differs from the first.
      const item = items[(i * 7) % 47];
      const previous = lastOnItem.get(item.value) ?? Promise.resolve();
      const click = previous.then(async () => {
        const wait = t0 + (i * SPREAD_MS) / CLICKS - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const checked = !done.get(item.value);
        const seen = seenMessage(target, (value) => done.get(value) === true);
        const body = checkboxClickBody({ seen, blockId: item.blockId, value: item.value, checked, user: `U0COAL${i % USERS}`, channel: CHANNEL, responseUrl: fake.responseUrl(`c${i}`) });
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
    const clicksTookMs = lastAckAt - t0;
    const lastClickAt = Date.now() - (performance.now() - lastAckAt);

    const expected = [...done].filter(([, d]) => d).map(([v]) => v).sort().join(',');
    const converged = await pollUntil(
      () => [...tickedIn(fake.message(CHANNEL, target.ts))].sort().join(',') === expected,
      { timeoutMs: 20_000, everyMs: 5 },
    );
    const convergedMs = Date.now() - lastClickAt;
    // Let the overview settle too, then count every chat.update the clicks caused.
    await deployday.bot.sync.idle();
    const log = fake.updateLog.slice(logStart);
    await deployday.stop();

    const calls = log.length;
    const limited = log.filter((u) => u.status === 429).length;
    const applied = log.filter((u) => u.status === 200);
    const perMessage = new Map();
    for (const u of applied) perMessage.set(u.ts, [...(perMessage.get(u.ts) ?? []), u.at]);
    let minGap = Infinity;
    for (const times of perMessage.values()) for (let k = 1; k < times.length; k += 1) minGap = Math.min(minGap, times[k] - times[k - 1]);
    // "At most one update per message per second": the most updates of one message in any 1 s window.
    let busiest = 0;
    for (const times of perMessage.values()) {
      for (let k = 0; k < times.length; k += 1) busiest = Math.max(busiest, times.filter((t) => t >= times[k] && t < times[k] + 1_000).length);
    }
    const targetUpdates = perMessage.get(target.ts)?.length ?? 0;
    const overviewUpdates = perMessage.get(overviewTs)?.length ?? 0;
    const ack = summarize(latencies);

    line('clicks', `${CLICKS} over ${ms(clicksTookMs)} by ${USERS} users; HTTP ${JSON.stringify(statuses)}; ack p50 ${ms(ack.p50)}, p99 ${ms(ack.p99)}`);
    line('chat.update calls', `${calls} (${targetUpdates} on the clicked message, ${overviewUpdates} on the overview, ${calls - targetUpdates - overviewUpdates - limited} other)`);
    line('calls per click (naive bot: 1)', `${(calls / CLICKS).toFixed(3)} → ratio to naive ${(calls / CLICKS).toFixed(3)}x`);
    line('429s received', against(String(limited), '0 at 50/min', limited === 0));
    line(
      'most updates of one message in 1 s',
      against(`${busiest}; closest two updates of one message ${Number.isFinite(minGap) ? ms(minGap) : 'n/a'} apart`, '≤ 1', busiest <= 1),
    );
    line('last click → message shows final state', converged ? against(ms(convergedMs), '≤ 3000 ms', convergedMs <= 3_000) : 'never (20 s)   MISSED');
    line('machine', loadAverage());
    return { callsPerClick: calls / CLICKS, rateLimited: limited, convergedMs: converged ? convergedMs : null };
  } finally {
    await fake.close();
    tmp.remove();
    checklists.remove();
  }
}

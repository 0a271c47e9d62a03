/**
 * Issue 16: a checklist file is hostile input. A run of test/fixtures/hostile/hostile-release.md
 * (mentions, broadcasts and disguised links in titles, items, details, tables, headings, code)
 * is driven through the real bot against the strict fake Slack and fake PagerDuty: start, an
 * overdue reminder, an overdue page and its notice, a gate passed, status and schedule replies,
 * the end of the run. No message the channel ever got (any version of it) may notify anyone or
 * show a link whose label is another address than its target.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds } from '../../src/slack/ids.js';
import { assertTestCaTrusted, startFakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { REPO_ROOT, startBot, type RunningBot } from '../support/startBot.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, CAROL, CHANNEL, ackText, startRun, type Harness } from './checklistHarness.js';

const ROUTING_KEY = 'Rk7HostileChecklist00Integration';
const MINUTE = 60_000;
const WAIT = { timeoutMs: 6_000, intervalMs: 25 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(assertTestCaTrusted);

/** Every text the channel was sent: each version's `text` and blocks, posted or updated. */
function everythingSent(fake: FakeSlack): string[] {
  return fake.messages(CHANNEL).flatMap((m) => m.history.flatMap((v) => [v.text, JSON.stringify(v.blocks)]));
}

const LIVE_MENTION = /<!(?:channel|here|everyone)\b|<!subteam\^|<@(?!U0ALICE>|U0BOB>|U0CAROL>)/;

/** Links whose label reads as an address other than where they go. */
function disguisedLinks(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g)) {
    const [whole, target, label] = match as unknown as [string, string, string];
    if (/:\/\/|www\.|^[\w.-]+\.[a-z]{2,}(?:\/|$)|@/i.test(label) && label !== target) found.push(whole);
  }
  return found;
}

async function launch(): Promise<{ fake: FakeSlack; bot: RunningBot; h: Harness; advance(ms: number): void }> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY });
  cleanups.push(() => pd.close());
  const clock = { offset: 0 };
  const bot = await startBot({
    fake,
    checklistsDir: join(REPO_ROOT, 'test', 'fixtures', 'hostile'),
    env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl },
    clock: { now: () => Date.now() + clock.offset },
    pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
    pagerIntervalMs: 100,
  });
  cleanups.push(() => bot.stop().catch(() => undefined));
  return { fake, bot, h: { fake, bot, db: bot.bot.db, close: () => bot.stop() }, advance: (ms) => (clock.offset += ms) };
}

describe('a run of a hostile checklist', () => {
  it('never notifies anyone or disguises a link, in any message the channel gets', async () => {
    const w = await launch();
    // T-0 a minute ahead: a window that closed by the run's start is missed at start, never nudged (issue 9).
    const { runId } = await startRun(w.h, 'hostile-release in 1m');
    const channelGot = async (fragment: string): Promise<void> =>
      eventually(
        () =>
          expect(
            w.fake.messages(CHANNEL).some((m) => m.text.includes(fragment)),
            fragment,
          ).toBe(true),
        { ...WAIT, message: fragment },
      );

    // Prepare (T-30 minutes) closes at T-0, a minute from now: reminded then, paged after the grace.
    // Its Decide section closes with it, so one nudge names both ("2 sections are overdue").
    w.advance(MINUTE);
    await channelGot('are overdue');
    w.advance(16 * MINUTE);
    await channelGot('📟 Paged on-call');

    const gate = allItems((await w.bot.bot.runs.requireRun(runId)).checklist).find((i) => i.kind === 'gate')!;
    const value = `${runId}:${gate.id}`;
    const ts = w.fake.messages(CHANNEL).find((m) => JSON.stringify(m.blocks).includes(`"value":"${value}"`))!.ts;
    // The decision's window closed at T-0: a slip reopens it (and puts the moved-T-0 notice through the same test).
    ackText(await w.bot.slack.command('slip 30m', { user: ALICE }));
    await w.bot.slack.clickButton({ ts, actionId: ActionIds.gateGo, value, user: CAROL });
    await channelGot('Gate passed');

    const replies = [
      ackText(await w.bot.slack.command(`status ${runId}`, { user: ALICE })),
      ackText(await w.bot.slack.command(`schedule ${runId}`, { user: ALICE })),
    ];
    ackText(await w.bot.slack.command(`abort ${runId} stopping the drill`, { user: ALICE }));
    await channelGot('aborted');
    await w.bot.bot.sync.idle();

    const sent = [...everythingSent(w.fake), ...replies];
    // The hostile text did reach the channel, shown as text: the test is not passing on empty messages.
    expect(sent.join('\n')).toContain('&lt;!channel&gt;');
    expect(sent.join('\n')).toContain('<https://evil.example/phish>');
    for (const text of sent) {
      expect(text).not.toMatch(LIVE_MENTION);
      expect(disguisedLinks(text)).toEqual([]);
    }
  });
});

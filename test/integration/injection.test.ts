/**
 * Issue 16 (injection through typed text): whatever a person types (a page message, a rollback,
 * abort or waiver reason, a No-Go reason, a role name) must never reach Slack as a mass mention,
 * a user mention the bot did not mean, or a link disguised by its label. Every entry point gets a
 * catalogue of injection strings; every call the fake Slack records (posts, updates, ephemerals,
 * views, response_url posts) and every ack body is searched for what must never be there.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (paging is on, against the fake PagerDuty).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, BOB, CHANNEL, ackText, startHarness, startRun, type Harness } from './checklistHarness.js';

const ROUTING_KEY = 'Inj3ction0000Catalogue0000Test42';

const INJECTIONS = [
  '<!channel> pwned <https://evil.example|login here>',
  '<!here>',
  '<!everyone> hi',
  '<!subteam^S123> and <!subteam^S123|@oncall-team>',
  '<https://evil.example|https://good.example>',
  '<http://evil.example>',
  '<@U0ATTACK> <@U0ATTACK|boss>',
  '<!channel|channel> <!here|here>',
  '&lt;!channel&gt; &amp;lt;!here&amp;gt; &lt;https://evil.example|login&gt;',
  '<#C0OTHER|general> <mailto:a@evil.example|support>',
];

const MASS_MENTIONS = ['<!channel', '<!here', '<!everyone', '<!subteam^'];

let h: Harness | null = null;
let pd: FakePagerDuty | null = null;

beforeAll(assertTestCaTrusted);

afterEach(async () => {
  await h?.close();
  await pd?.close();
  h = null;
  pd = null;
});

/** Every string anywhere in a value (a call's arguments, a posted body). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** What must never appear in anything the bot sent, with the offending text. */
function violations(text: string): string[] {
  const found: string[] = [];
  for (const m of MASS_MENTIONS) if (text.includes(m)) found.push(`mass mention ${m}`);
  if (text.includes('<@U0ATTACK')) found.push('a mention of a user nobody recorded');
  for (const [, target, label] of text.matchAll(/<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>/g)) {
    if (/evil\.example/.test(target!)) found.push(`a link to ${target}`);
    if (label !== undefined && /^\s*(https?:\/\/|www\.)/i.test(label) && label.trim() !== target)
      found.push(`a link labelled ${label} going to ${target}`);
  }
  return found;
}

function everythingSent(fake: FakeSlack, acks: string[]): string[] {
  return [
    ...fake.calls.flatMap((call) => stringsIn(call.args)),
    ...fake.responses.flatMap((post) => stringsIn(post.body)),
    ...fake.ephemerals.flatMap((e) => stringsIn([e.text, e.blocks])),
    ...acks,
  ];
}

function buttonTs(fake: FakeSlack, actionId: string, value: string): string {
  const message = fake
    .messages(CHANNEL)
    .find((m) =>
      m.blocks.some(
        (b) =>
          Array.isArray(b['elements']) &&
          (b['elements'] as Array<Record<string, unknown>>).some((e) => e['action_id'] === actionId && e['value'] === value),
      ),
    );
  if (!message) throw new Error(`no ${actionId} button ${value}`);
  return message.ts;
}

describe('text a person types is never a mention or a disguised link', () => {
  it('escapes every injection string through the page, rollback, abort, finish waive, No-Go and role entry points', async () => {
    pd = await startFakePagerDuty({ routingKey: ROUTING_KEY });
    h = await startHarness({
      env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl },
      pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
      pagerIntervalMs: 100,
      // Twenty runs post into one channel and the fake Slack does not rate-limit posts here: at the usual
      // test pace (200 ms a post) the loop spent ~30 s queuing. What is sent is under test, not its pace.
      postPace: { burst: 3, intervalMs: 20 },
    });
    const harness = h;
    const acks: string[] = [];
    const command = async (text: string, user = ALICE): Promise<string> => {
      const answer = ackText(await harness.bot.slack.command(text, { user }));
      acks.push(answer);
      return answer;
    };

    for (const payload of INJECTIONS) {
      // Run one: a role named with it, a page with it, a No-Go with it (the rollback), then a waiver with it.
      const first = await startRun(harness, 'small-release', ALICE);
      await command(`role #${first.runId} "${payload}" <@${BOB}>`);
      await command(`roles #${first.runId}`);
      await command(`page #${first.runId} ${payload}`);
      const gate = allItems((await harness.bot.bot.runs.requireRun(first.runId)).checklist).find((i) => i.kind === 'gate')!;
      const value = `${first.runId}:${gate.id}`;
      const views = harness.fake.views.length;
      await harness.bot.slack.clickButton({
        ts: buttonTs(harness.fake, ActionIds.gateNoGo, value),
        actionId: ActionIds.gateNoGo,
        value,
        user: ALICE,
      });
      await eventually(() => expect(harness.fake.views.length).toBeGreaterThan(views));
      const submitted = await harness.bot.slack.viewSubmission({
        user: ALICE,
        callbackId: CallbackIds.noGoModal,
        values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: payload } },
      });
      acks.push(submitted.text);
      await command(`rollback #${first.runId} ${payload}`); // refused: already rolling back, naming the reason
      await command(`status #${first.runId}`);
      await command(`finish #${first.runId}`); // refused: items open
      await command(`finish #${first.runId} waive ${payload}`);
      await command(`export #${first.runId}`);

      // Run two: a rollback with it, then an abort with it.
      const second = await startRun(harness, 'small-release', ALICE);
      await command(`rollback #${second.runId} ${payload}`);
      await command(`abort #${second.runId} ${payload}`);
      await command(`runs`);
      await harness.bot.bot.sync.idle();
    }

    // The page notices come from the pager's worker once PagerDuty has each page, and again when it resolves.
    await eventually(
      () => {
        const texts = harness.fake.messages(CHANNEL).map((m) => m.text);
        // The hand pages, besides the pages the No-Gos and rollbacks raise; those resolve when their run ends,
        // a page by hand only when a person resolves it (issue 9), so it stays open here.
        const paged = texts.filter((t) => t.includes('Paged on-call')).length;
        const byHand = texts.filter((t) => t.includes('Paged on-call') && t.includes('Paged from Slack')).length;
        expect(paged).toBeGreaterThanOrEqual(INJECTIONS.length);
        expect(byHand).toBeGreaterThanOrEqual(1);
        expect(texts.filter((t) => t.includes('Page resolved')).length).toBe(paged - byHand);
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    await harness.bot.bot.sync.idle();

    const sent = everythingSent(harness.fake, acks);
    // The entry points were reached: each reason is shown (escaped) somewhere.
    expect(sent.some((t) => t.includes('&lt;!channel&gt; pwned &lt;https://evil.example|login here&gt;'))).toBe(true);
    const problems = sent.flatMap((text) => violations(text).map((v) => `${v} in: ${text.slice(0, 300)}`));
    expect(problems).toEqual([]);
  }, 120_000);
});

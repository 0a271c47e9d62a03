/**
 * Issue 10: the rollback branch is posted on standby from the start of a run and comes alive in the
 * same message when a rollback starts; a list of rollback triggers is shown during the run with a
 * Declare rollback button whose modal starts the rollback naming the condition seen. The real app
 * over signed requests, the strict fake Slack, real SQLite; the fixture is
 * test/fixtures/checklists/abort-triggers.md (no front matter: whoever starts the run is its lead).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import type { SlackBlock, StoredMessage } from '../support/fakeSlack.js';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, BOB, CHANNEL, ackText, auditRows, harnessPerTest, headerOf, optionsIn, startRun, type Harness } from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const open = harnessPerTest();
const ROUTING_KEY = 'Rk7TriggerDrill000Integration42x';
let pagerDuty: FakePagerDuty | null = null;

beforeAll(assertTestCaTrusted);
afterEach(async () => {
  await pagerDuty?.close();
  pagerDuty = null;
});

function messageWithHeader(h: Harness, fragment: string): StoredMessage {
  const found = h.fake.messages(CHANNEL).filter((m) => headerOf(m).includes(fragment));
  expect(found, `one message headed “${fragment}”`).toHaveLength(1);
  return found[0]!;
}

/** Every text in a message's blocks (sections, contexts), joined. */
function textOf(message: { blocks: SlackBlock[] }): string {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      const obj = value as Record<string, unknown>;
      if (typeof obj['text'] === 'string') texts.push(obj['text']);
      for (const [key, child] of Object.entries(obj)) if (key !== 'text' || typeof child !== 'string') walk(child);
    }
  };
  walk(message.blocks);
  return texts.join('\n');
}

/** Buttons, checkboxes and other controls anywhere in a message. */
function controlsIn(message: { blocks: SlackBlock[] }): Array<{ type: string; actionId: string }> {
  const out: Array<{ type: string; actionId: string }> = [];
  for (const block of message.blocks) {
    const elements = [...(Array.isArray(block['elements']) ? block['elements'] : []), block['accessory']] as Array<
      Record<string, unknown> | undefined
    >;
    for (const el of elements) {
      if (el && typeof el['action_id'] === 'string') out.push({ type: String(el['type']), actionId: el['action_id'] });
    }
  }
  return out;
}

async function rollbackActive(h: Harness, runId: number): Promise<boolean> {
  return ((await prepared(h.db, 'SELECT rollback_active FROM runs WHERE id = ?').get(runId)) as { rollback_active: number }).rollback_active === 1;
}

async function channelSays(h: Harness, fragment: string): Promise<StoredMessage> {
  let found: StoredMessage | undefined;
  await eventually(
    () => {
      found = h.fake.messages(CHANNEL).find((m) => m.text.includes(fragment));
      expect(found, fragment).toBeDefined();
    },
    { timeoutMs: 5_000 },
  );
  return found!;
}

/** Clicks Declare rollback on the trigger list headed `title`, as `user`. */
function clickDeclare(h: Harness, title: string, user: string) {
  const message = messageWithHeader(h, title);
  return h.bot.slack.clickButton({ ts: message.ts, actionId: ActionIds.declareRollback, user });
}

function submitDeclare(h: Harness, input: { user: string; picked: string[]; reason: string }) {
  return h.bot.slack.viewSubmission({
    user: input.user,
    callbackId: CallbackIds.declareRollbackModal,
    values: {
      [BlockIds.triggerPick(0)]: {
        [ActionIds.triggerConditionsInput]: {
          type: 'checkboxes',
          selected_options: input.picked.map((value) => ({ value, text: { type: 'plain_text', text: `condition ${value}` } })),
        },
      },
      [BlockIds.triggerReason]: { [ActionIds.triggerReasonInput]: input.reason },
    },
  });
}

describe('the rollback branch on standby', () => {
  it('is posted at the start of the run with its steps as plain text, their time boxes, and no controls', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    const standby = messageWithHeader(h, 'Roll back checkout');
    const text = textOf(standby);
    expect(text).toContain('Rollback: held until a No-Go or `/deploy rollback`');
    expect(text).toContain('Freeze the deploy pipeline (5 minutes) · ⏱ 5 min time box');
    expect(text).toContain('Redeploy build 811 (15 minutes) · ⏱ 15 min time box');
    expect(text).toContain('Confirm the pods are on build 811');
    expect(text).toContain('Tell support the rollback is done');
    expect(controlsIn(standby)).toEqual([]);
    expect(standby.text).toContain('rollback on standby, 4 steps');
    // Its steps are not work of the normal run: the overview counts only the run's own items.
    expect(await rollbackActive(h, runId)).toBe(false);
  });

  it('turns into the interactive rollback checklist in the same message when `/deploy rollback` is declared, and the channel is told', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    const before = messageWithHeader(h, 'Roll back checkout');
    const posts = h.fake.callsTo('chat.postMessage').length;

    expect(ackText(await h.bot.slack.command('rollback pods are crash looping'))).toContain(`Rollback declared on run #${runId}`);
    await h.bot.bot.sync.idle();

    const after = messageWithHeader(h, 'Roll back checkout');
    expect(after.ts).toBe(before.ts);
    expect(controlsIn(after).map((c) => c.actionId)).toContain(ActionIds.timerStart);
    expect(optionsIn(after).map((o) => o.text)).toContain('↳ Confirm the pods are on build 811');
    expect(textOf(after)).not.toContain('held until a No-Go');
    const notice = await channelSays(h, '⏪ *Rollback declared');
    expect(notice.text).toContain('pods are crash looping');
    expect(notice.text).toContain('The rollback steps posted on standby above are now live');
    // The branch was already posted: the rollback posts only its notice, never a second copy.
    const newPosts = h.fake.callsTo('chat.postMessage').slice(posts);
    expect(newPosts.filter((c) => JSON.stringify(c.args['blocks'] ?? '').includes('Roll back checkout'))).toEqual([]);
  });

  it('turns interactive the same way after a No-Go on a gate', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'small-release');
    const before = messageWithHeader(h, '· Rollback');
    expect(textOf(before)).toContain('Rollback: held until a No-Go');
    expect(controlsIn(before)).toEqual([]);
    const gate = h.fake.messages(CHANNEL).find((m) => controlsIn(m).some((c) => c.actionId === ActionIds.gateNoGo))!;
    await h.bot.slack.clickButton({ ts: gate.ts, actionId: ActionIds.gateNoGo, user: ALICE });
    await eventually(() => expect(h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.noGoModal)).toBeDefined());
    await h.bot.slack.viewSubmission({
      user: ALICE,
      callbackId: CallbackIds.noGoModal,
      values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: 'canary error rate doubled' } },
    });
    expect(await rollbackActive(h, runId)).toBe(true);
    await eventually(() => expect(controlsIn(h.fake.message(CHANNEL, before.ts)!).length).toBeGreaterThan(0), { timeoutMs: 5_000 });
    await channelSays(h, 'now live');
  });
});

describe('rollback triggers during the run', () => {
  it('are shown as conditions with a Declare rollback button, not checkboxes, after the phase they guard', async () => {
    const h = await open();
    await startRun(h, 'abort-triggers');
    const triggers = messageWithHeader(h, 'Abort Triggers');
    const text = textOf(triggers);
    for (const condition of [
      '5xx rate above 2% for five minutes',
      'p95 latency doubled against last week',
      'Checkout failures reported by support',
    ]) {
      expect(text).toContain(condition);
    }
    expect(text).toContain('measured on the checkout dashboard');
    expect(controlsIn(triggers)).toEqual([{ type: 'button', actionId: ActionIds.declareRollback }]);
    expect(optionsIn(triggers)).toEqual([]);

    // Posting order: the phase it guards, then the trigger lists, then the rollback branch on standby.
    const order = h.fake.messages(CHANNEL).map((m) => headerOf(m).replace(/^#\d+ · /, ''));
    const at = (title: string) => order.indexOf(title);
    expect(at('Release Day (T-0)')).toBeLessThan(at('Abort Triggers'));
    expect(at('Abort Triggers')).toBeLessThan(at('Rollback triggers'));
    expect(at('Rollback triggers')).toBeLessThan(at('Roll back checkout'));
  });

  it('Declare rollback opens a modal; submitting it starts the rollback with the condition in the audit row and the notice', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    const click = await clickDeclare(h, 'Abort Triggers', ALICE);
    expect(click.status).toBe(200);
    await eventually(() => expect(h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)).toBeDefined());
    const modal = h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)!;
    expect(JSON.stringify(modal.view['blocks'])).toContain('5xx rate above 2% for five minutes');

    const submitted = await submitDeclare(h, { user: ALICE, picked: ['0'], reason: 'error dashboard is red' });
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');
    expect(await rollbackActive(h, runId)).toBe(true);
    expect(await auditRows(h.db, runId, 'run.rollback')).toEqual([
      expect.objectContaining({
        actor: ALICE,
        detail: {
          reason: '“5xx rate above 2% for five minutes”: error dashboard is red',
          trigger: { list: 'Abort Triggers', conditions: ['5xx rate above 2% for five minutes'] },
        },
      }),
    ]);
    const notice = await channelSays(h, '⏪ *Rollback declared');
    expect(notice.text).toContain('Trigger seen (Abort Triggers): *5xx rate above 2% for five minutes*');
    expect(notice.text).toContain('error dashboard is red');

    await h.bot.bot.sync.idle();
    // The trigger list now says so instead of offering the button again; the branch is live.
    const triggers = messageWithHeader(h, 'Abort Triggers');
    expect(controlsIn(triggers)).toEqual([]);
    expect(textOf(triggers)).toContain('Rollback declared');
    expect(controlsIn(messageWithHeader(h, 'Roll back checkout')).length).toBeGreaterThan(0);
  });

  it('refuses Declare rollback to someone who is neither lead nor approver: an ephemeral reason, a denied audit row, no modal', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    const click = await clickDeclare(h, 'Abort Triggers', BOB);
    await eventually(() => {
      const post = h.fake.responses.find((r) => r.url === click.responseUrl);
      expect(post?.outcome).toBe('ephemeral');
      expect(String(post?.body['text'])).toContain(`Only the lead or an approver can do that on run #${runId}`);
    });
    expect(h.fake.views.filter((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)).toEqual([]);
    expect(await auditRows(h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, target: 'trigger:t0', detail: expect.objectContaining({ attempted: 'run.rollback' }) }),
    ]);
    expect(await rollbackActive(h, runId)).toBe(false);
  });

  it('answers a submission by someone not allowed (a form opened before their role was taken) on the form, audited, with no rollback', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    await clickDeclare(h, 'Abort Triggers', ALICE);
    await eventually(() => expect(h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)).toBeDefined());
    const submitted = await submitDeclare(h, { user: BOB, picked: ['1'], reason: 'latency looks bad' });
    expect(submitted.status).toBe(200);
    const body = JSON.parse(submitted.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors[BlockIds.triggerReason]).toContain('Only the lead or an approver');
    expect(await auditRows(h.db, runId, 'denied')).toEqual([expect.objectContaining({ actor: BOB, target: 'trigger:t0' })]);
    expect(await rollbackActive(h, runId)).toBe(false);
  });

  it('keeps the modal open with a reason when no condition is ticked or no reason given', async () => {
    const h = await open();
    const { runId } = await startRun(h, 'abort-triggers');
    await clickDeclare(h, 'Abort Triggers', ALICE);
    await eventually(() => expect(h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)).toBeDefined());
    const none = await submitDeclare(h, { user: ALICE, picked: [], reason: 'something is off' });
    expect(JSON.parse(none.text)).toEqual({ response_action: 'errors', errors: { [BlockIds.triggerPick(0)]: 'Tick the trigger you saw.' } });
    const blank = await submitDeclare(h, { user: ALICE, picked: ['2'], reason: '  ' });
    expect(JSON.parse(blank.text)).toEqual({ response_action: 'errors', errors: { [BlockIds.triggerReason]: 'Say what you saw in a few words.' } });
    expect(await rollbackActive(h, runId)).toBe(false);
    expect(await auditRows(h.db, runId, 'run.rollback')).toEqual([]);
  });
});

describe('the page of a rollback declared from a trigger', () => {
  it('names the condition seen', async () => {
    pagerDuty = await startFakePagerDuty({ routingKey: ROUTING_KEY });
    const h = await open({ env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pagerDuty.eventsUrl }, pagerIntervalMs: 100 });
    const { runId } = await startRun(h, 'abort-triggers');
    await clickDeclare(h, 'Rollback triggers', ALICE);
    await eventually(() => expect(h.fake.views.find((v) => v.view['callback_id'] === CallbackIds.declareRollbackModal)).toBeDefined());
    await submitDeclare(h, { user: ALICE, picked: ['1'], reason: 'forty orders waiting' });

    const key = `deployday:run-${runId}:rollback`;
    await eventually(() => expect(pagerDuty!.alerts.get(key)?.status).toBe('triggered'), { timeoutMs: 6_000 });
    const sent = pagerDuty.requests
      .filter((r) => r.path === '/v2/enqueue')
      .map((r) => JSON.parse(r.body) as { dedup_key: string; payload?: { summary?: string } })
      .find((e) => e.dedup_key === key);
    expect(sent?.payload?.summary).toBe(
      `Rollback declared on run #${runId} (Checkout Service Release): “Orders stuck in pending”: forty orders waiting`,
    );
  });
});

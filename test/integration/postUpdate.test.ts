import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import type { SlackBlock } from '../support/fakeSlack.js';
import { repoRoot, sharedSamplesDir } from '../support/sharedSamples.js';
import type { InteractionResponse } from '../support/slackClient.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, BOB, CHANNEL, type Harness, ackText, auditRows, harnessPerTest, startRun } from './checklistHarness.js';

const open = harnessPerTest();
const PEOPLE_DIR = path.join(repoRoot, 'test/fixtures/people');

/** T-0 is fixed (2026-12-02 15:30 UTC at the test's start), so the filled-in template reads the same every time. */
function fixedStart(): { now: () => number } {
  const offset = Date.parse('2026-12-02T15:30:00Z') - Date.now();
  return { now: () => Date.now() + offset };
}

/** Clicks the Post update button of the ephemeral `/deploy ref` reply, as `user` sees it. */
function clickPostUpdate(h: Harness, reply: InteractionResponse, user = ALICE): Promise<InteractionResponse> {
  const blocks = (reply.body as { blocks?: SlackBlock[] }).blocks ?? [];
  const actions = blocks.find((b) => b.type === 'actions') as { block_id: string; elements: Array<Record<string, unknown>> } | undefined;
  const button = actions?.elements.find((e) => e['action_id'] === ActionIds.postUpdate);
  if (!actions || !button) throw new Error('the reply has no Post update button');
  return h.bot.slack.blockAction({
    user,
    message: { ts: '1700000000.000100', text: String((reply.body as { text?: string }).text), blocks },
    container: { is_ephemeral: true },
    actions: [
      {
        type: 'button',
        action_id: ActionIds.postUpdate,
        block_id: actions.block_id,
        value: button['value'],
        text: button['text'],
        action_ts: '1700000001.000200',
      },
    ],
  });
}

function openedText(h: Harness): string {
  const view = h.fake.views.at(-1)!.view as { blocks: Array<{ block_id?: string; element?: { initial_value?: string } }> };
  return view.blocks.find((b) => b.block_id === BlockIds.updateText)?.element?.initial_value ?? '';
}

describe('communication templates: Post update', () => {
  it('opens a modal with the template filled in from the run, and posts the edited text to the channel naming the poster, audited', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: fixedStart() });
    const { runId } = await startRun(h, 'people-day');
    const reply = await h.bot.slack.command('ref status update');
    expect(ackText(reply)).toContain('[CHECKLIST]: the upgrade started at [T-0]');

    expect((await clickPostUpdate(h, reply)).status).toBe(200);
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const draft = openedText(h);
    expect(draft).toMatch(/^Ledger Service Upgrade: the upgrade started at 2026-12-02 15:3\d UTC\. Current status: in progress: 0 of 4 items done\./);
    // [URL] is the link to the run's overview message.
    expect(draft).toMatch(/\nFollow along in https:\/\/\S+\/archives\/C0DEPLOY\/p\d+\.$/);

    const edited = `${draft}\nAll good so far <!channel> & onward.`;
    const submit = await h.bot.slack.viewSubmission({
      user: ALICE,
      callbackId: CallbackIds.updateModal,
      values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: edited } },
    });
    expect(submit.status).toBe(200);
    expect(submit.text).toBe('');
    const posted = await eventually(() => expect(h.fake.findText(CHANNEL, 'posted by <@U0ALICE>')).toHaveLength(1)).then(
      () => h.fake.findText(CHANNEL, 'posted by <@U0ALICE>')[0]!,
    );
    expect(posted.text).toContain(`📣 *Status update* (run #${runId}) — posted by <@U0ALICE>\nLedger Service Upgrade: the upgrade started at`);
    expect(posted.text).toContain('All good so far &lt;!channel&gt; &amp; onward.');
    const audit = await auditRows(h.db, runId, 'update.post');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: ALICE, target: 'Status update', detail: { edited: true } });
  });

  it('refuses someone with no role on the run: an ephemeral reason, a denied audit row, no modal', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: fixedStart() });
    const { runId } = await startRun(h, 'people-day');
    const reply = await h.bot.slack.command('ref customer notice', { user: BOB });
    expect(ackText(reply)).toContain('Our ledger service will be briefly read-only');

    expect((await clickPostUpdate(h, reply, BOB)).status).toBe(200);
    await eventually(() =>
      expect(h.fake.responses.map((r) => String(r.body['text'] ?? '')).join('\n')).toContain('Only people with a role on run #'),
    );
    expect(h.fake.views).toHaveLength(0);
    expect((await auditRows(h.db, runId, 'denied')).map((r) => r.detail)).toContainEqual({ attempted: 'update.post', code: 'no_run_role' });
    expect(await auditRows(h.db, runId, 'update.post')).toHaveLength(0);
  });

  it('keeps the modal open with a clear error for an empty update or one over Slack’s limit, posting nothing', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: fixedStart() });
    const { runId } = await startRun(h, 'people-day');
    await clickPostUpdate(h, await h.bot.slack.command('ref status update'));
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const submit = (text: string) =>
      h.bot.slack.viewSubmission({
        user: ALICE,
        callbackId: CallbackIds.updateModal,
        values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: text } },
      });

    const empty = await submit('   \n ');
    expect(empty.body).toEqual({ response_action: 'errors', errors: { [BlockIds.updateText]: 'Write the update before posting it.' } });
    const long = await submit('x'.repeat(3_001));
    expect(long.body).toEqual({ response_action: 'errors', errors: { [BlockIds.updateText]: 'At most 3000 characters; this is 3001.' } });
    expect(await auditRows(h.db, runId, 'update.post')).toHaveLength(0);
    expect(h.fake.findText(CHANNEL, 'posted by')).toHaveLength(0);
  });

  it('keeps the modal open saying the form is not one it sent when its metadata or field type is forged, posting nothing', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR, clock: fixedStart() });
    const { runId } = await startRun(h, 'people-day');
    await clickPostUpdate(h, await h.bot.slack.command('ref status update'));
    await eventually(() => expect(h.fake.views).toHaveLength(1));

    const forgedMeta = await h.bot.slack.viewSubmission({
      user: ALICE,
      callbackId: CallbackIds.updateModal,
      privateMetadata: 'not-a-run',
      values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: 'Looks fine.' } },
    });
    expect(forgedMeta.body).toEqual({
      response_action: 'errors',
      errors: { [BlockIds.updateText]: 'This form is not one I recognise; close it and click Post update again.' },
    });
    const forgedType = await h.bot.slack.viewSubmission({
      user: ALICE,
      callbackId: CallbackIds.updateModal,
      values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: { type: 'plain_text_input', value: 42 } } },
    });
    expect(forgedType.body).toEqual({ response_action: 'errors', errors: { [BlockIds.updateText]: 'This form is not one I recognise.' } });
    expect(await auditRows(h.db, runId, 'update.post')).toHaveLength(0);
    expect(h.fake.findText(CHANNEL, 'posted by')).toHaveLength(0);
  });

  it('offers Post update on the shared sample’s fenced customer notices, and no button on a section that is not a template', async () => {
    const h = await open({ checklistsDir: sharedSamplesDir() });
    await startRun(h, 'timed-deployment-day');
    const notice = await h.bot.slack.command('ref pre-deployment notice');
    const blocks = (notice.body as { blocks?: SlackBlock[] }).blocks ?? [];
    expect(blocks.some((b) => b.type === 'actions')).toBe(true);
    const contacts = await h.bot.slack.command('ref emergency contacts');
    expect((contacts.body as { blocks?: unknown }).blocks).toBeUndefined();
  });
});

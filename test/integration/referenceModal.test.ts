import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { FakeWorkspace, type SlackBlock, type StoredMessage } from '../support/fakeSlack.js';
import { repoRoot } from '../support/sharedSamples.js';
import { LEGACY_VERIFICATION_TOKEN } from '../support/slackClient.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, BOB, CHANNEL, type Harness, auditRows, harnessPerTest, startRun } from './checklistHarness.js';

const open = harnessPerTest();
const PEOPLE_DIR = path.join(repoRoot, 'test/fixtures/people');

type Element = Record<string, unknown> & { action_id?: string };
type ModalView = { id: string; callback_id?: string; private_metadata?: string; blocks: SlackBlock[] };

/** The overview (the first message of the run) and its Reference control. */
function referenceControl(h: Harness, runId: number): { overview: StoredMessage; block: SlackBlock; element: Element } {
  const overview = h.fake.messages(CHANNEL).find((m) => m.blocks.some((b) => b.block_id === BlockIds.reference(runId)));
  if (!overview) throw new Error('no overview with a Reference control');
  const block = overview.blocks.find((b) => b.block_id === BlockIds.reference(runId))!;
  return { overview, block, element: (block['elements'] as Element[])[0]! };
}

/** Picks `title` in the overview's Reference menu, as `user`. */
async function pickReference(h: Harness, runId: number, title: string, user = ALICE, forgedValue?: string) {
  const { overview, block, element } = referenceControl(h, runId);
  const options = element['options'] as Array<{ text: { text: string }; value: string }>;
  const option = forgedValue ? { text: { type: 'plain_text', text: title }, value: forgedValue } : options.find((o) => o.text.text === title);
  if (!option) throw new Error(`no option ${title} in ${options.map((o) => o.text.text).join(', ')}`);
  return h.bot.slack.blockAction({
    user,
    message: overview,
    actions: [
      {
        type: 'static_select',
        action_id: ActionIds.referenceOpen,
        block_id: block.block_id,
        selected_option: option,
        action_ts: '1700000001.000200',
      },
    ],
  });
}

function textOf(view: ModalView): string {
  return view.blocks.map((b) => String((b['text'] as { text?: string } | undefined)?.text ?? '')).join('\n');
}

/** A click on a button inside an open modal, as Slack sends it: the view, no channel, no message. */
function clickInModal(h: Harness, view: ModalView, user: string, actionId: string): Promise<unknown> {
  const block = view.blocks.find((b) => b.type === 'actions' && (b['elements'] as Element[]).some((e) => e.action_id === actionId));
  if (!block) throw new Error(`no ${actionId} in the modal`);
  const button = (block['elements'] as Element[]).find((e) => e.action_id === actionId)!;
  const payload = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: FakeWorkspace.teamId },
    api_app_id: FakeWorkspace.appId,
    token: LEGACY_VERIFICATION_TOKEN,
    container: { type: 'view', view_id: view.id },
    trigger_id: h.fake.issueTriggerId(),
    team: { id: FakeWorkspace.teamId, domain: FakeWorkspace.domain },
    view,
    actions: [
      { type: 'button', action_id: actionId, block_id: block.block_id, value: button['value'], text: button['text'], action_ts: '1700000002.000300' },
    ],
  };
  return h.bot.slack.sendSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

describe('reference sections from the run’s overview', () => {
  it('lets anyone in the channel open a contacts table from the overview’s Reference menu, rendered as rows in a modal', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR });
    const { runId } = await startRun(h, 'people-day');
    const { element } = referenceControl(h, runId);
    expect(element['type']).toBe('static_select');
    const titles = (element['options'] as Array<{ text: { text: string } }>).map((o) => o.text.text);
    expect(titles).toEqual(expect.arrayContaining(['Key Contacts', 'Vendor Contacts', 'Escalation', 'Status update', 'Customer notice']));

    // BOB holds no role: reading is open to the channel.
    expect((await pickReference(h, runId, 'Vendor Contacts', BOB)).status).toBe(200);
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const opened = h.fake.views[0]!;
    expect(opened.via).toBe('views.open');
    const view = opened.view as unknown as ModalView;
    expect(view.callback_id).toBe(CallbackIds.referenceModal);
    const text = textOf(view);
    expect(text).toContain('Vendor Contacts');
    expect(text).toContain('*Role* · *Name* · *Phone* · *Email*');
    expect(text).toContain('Storage vendor · Ravi Pillai · +1-555-0190 · ravi@vendor.test');
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('opens a template with its Post update button, which opens the filled-in form on top and posts the update', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR });
    const { runId } = await startRun(h, 'people-day');
    await pickReference(h, runId, 'Status update');
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const reference = { ...(h.fake.views[0]!.view as unknown as ModalView), id: h.fake.views[0]!.id };
    expect(textOf(reference)).toContain('[CHECKLIST]: the upgrade started at [T-0]');

    await clickInModal(h, reference, ALICE, ActionIds.postUpdate);
    await eventually(() => expect(h.fake.views).toHaveLength(2));
    expect(h.fake.views[1]!.via).toBe('views.push');
    expect((h.fake.views[1]!.view as { callback_id?: string }).callback_id).toBe(CallbackIds.updateModal);

    const submit = await h.bot.slack.viewSubmission({
      user: ALICE,
      callbackId: CallbackIds.updateModal,
      values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: 'Cut-over under way; all green.' } },
    });
    expect(submit.status).toBe(200);
    await eventually(() => expect(h.fake.findText(CHANNEL, 'posted by <@U0ALICE>')).toHaveLength(1));
    expect(await auditRows(h.db, runId, 'update.post')).toHaveLength(1);
  });

  it('answers a Post update refused inside the modal with the reason on top and a denied audit row, no form', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR });
    const { runId } = await startRun(h, 'people-day');
    await pickReference(h, runId, 'Customer notice', BOB);
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const reference = { ...(h.fake.views[0]!.view as unknown as ModalView), id: h.fake.views[0]!.id };

    await clickInModal(h, reference, BOB, ActionIds.postUpdate);
    await eventually(() => expect(h.fake.views).toHaveLength(2));
    expect(textOf(h.fake.views[1]!.view as unknown as ModalView)).toContain('Only people with a role on run #');
    expect((h.fake.views[1]!.view as { callback_id?: string }).callback_id).not.toBe(CallbackIds.updateModal);
    expect((await auditRows(h.db, runId, 'denied')).map((r) => r.detail)).toContainEqual({ attempted: 'update.post', code: 'no_run_role' });
  });

  it('refuses a forged menu value naming a section the run does not have: an ephemeral reason, a denied audit row, no modal', async () => {
    const h = await open({ checklistsDir: PEOPLE_DIR });
    const { runId } = await startRun(h, 'people-day');
    await pickReference(h, runId, 'Nothing', BOB, `${runId}:999`);
    await eventually(() =>
      expect(h.fake.responses.map((r) => String(r.body['text'] ?? '')).join('\n')).toContain(`That section is not in run #${runId}’s checklist`),
    );
    expect(h.fake.views).toHaveLength(0);
    expect((await auditRows(h.db, runId, 'denied')).map((r) => r.detail)).toContainEqual({ attempted: 'reference.read', code: 'unknown_reference' });
  });

  it('splits a long reference section into several blocks of the modal, every line kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deployday-ref-'));
    const lines = Array.from({ length: 400 }, (_, i) => `- Runbook step ${i + 1}: check the dashboard panel number ${i + 1} and note what it reads`);
    writeFileSync(
      path.join(dir, 'long-ref.md'),
      ['# Long reference day', '', '## Work', '- [ ] Do the thing', '', '## Runbook', ...lines, '', '## Contacts', '- Lead: Ana', ''].join('\n'),
    );
    const h = await open({ checklistsDir: dir });
    const { runId } = await startRun(h, 'long-ref');
    await pickReference(h, runId, 'Runbook');
    await eventually(() => expect(h.fake.views).toHaveLength(1));
    const view = h.fake.views[0]!.view as unknown as ModalView;
    const sections = view.blocks.filter((b) => b.type === 'section').map((b) => String((b['text'] as { text: string }).text));
    expect(sections.length).toBeGreaterThan(5);
    for (const section of sections) expect(section.length).toBeLessThanOrEqual(3_000);
    const all = sections.join('\n');
    for (let i = 1; i <= 400; i += 1) expect(all).toContain(`Runbook step ${i}: check the dashboard panel number ${i} `);
  });

  it('shows a single reference section as one button', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'deployday-ref-'));
    writeFileSync(
      path.join(dir, 'one-ref.md'),
      ['# One reference', '', '## Work', '- [ ] Do the thing', '', '## Contacts', '- Lead: Ana', ''].join('\n'),
    );
    const h = await open({ checklistsDir: dir });
    const { runId } = await startRun(h, 'one-ref');
    const { element } = referenceControl(h, runId);
    expect(element['type']).toBe('button');
    expect((element['text'] as { text: string }).text).toBe('📖 Contacts');
  });
});

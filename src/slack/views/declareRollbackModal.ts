import type { KnownBlock, View } from '@slack/types';
import type { TriggerList } from '../../domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds, declareRollbackMetadata, parseDeclareRollbackMetadata } from '../ids.js';
import { formModal, truncate } from './blockKit.js';
import { checklistPlain, checklistTitle } from './checklistMrkdwn.js';
import { SlackLimits } from './slackLimits.js';

/** A modal holds at most 100 blocks: 9 groups of 10 conditions leave room for the text and the reason. */
const GROUPS_MAX = 9;
export const REASON_MAX = 500;
const NOT_OURS = 'This form is not one I recognise; close it and click Declare rollback again.';

/** The modal behind **Declare rollback**: which condition(s) were seen (checkboxes), and why. */
export function declareRollbackModal(input: { runId: number; channelId: string; trigger: TriggerList }): View {
  const { trigger } = input;
  const groups: KnownBlock[] = [];
  const shown = trigger.conditions.slice(0, GROUPS_MAX * SlackLimits.optionsPerCheckboxes);
  for (let start = 0; start < shown.length; start += SlackLimits.optionsPerCheckboxes) {
    const group = start / SlackLimits.optionsPerCheckboxes;
    const options = shown.slice(start, start + SlackLimits.optionsPerCheckboxes).map((condition, i) => ({
      text: { type: 'plain_text' as const, text: truncate(checklistPlain(condition.text), SlackLimits.optionText) || '(blank)' },
      value: String(start + i),
    }));
    groups.push({
      type: 'input',
      block_id: BlockIds.triggerPick(group),
      // Optional for Slack, checked by us: a condition in any group will do, not one in the first.
      optional: true,
      label: { type: 'plain_text', text: group === 0 ? 'Which trigger fired?' : 'More triggers' },
      element: { type: 'checkboxes', action_id: ActionIds.triggerConditionsInput, options },
    });
  }
  return formModal({
    callbackId: CallbackIds.declareRollbackModal,
    privateMetadata: declareRollbackMetadata(input.runId, trigger.id, input.channelId),
    title: 'Declare rollback',
    submit: 'Start the rollback',
    intro: `*Run #${input.runId}* · ${checklistTitle(trigger.title)}\nA rollback stops the deployment and opens the rollback steps, as \`/deploy rollback\` does.`,
    blocks: [
      ...groups,
      {
        type: 'input',
        block_id: BlockIds.triggerReason,
        label: { type: 'plain_text', text: 'What did you see?' },
        element: { type: 'plain_text_input', action_id: ActionIds.triggerReasonInput, multiline: true, min_length: 3, max_length: REASON_MAX },
      },
    ],
  });
}

export type DeclareRollbackSubmission =
  | { ok: true; runId: number; triggerId: string; channelId: string; conditions: number[]; reason: string }
  | { ok: false; blockId: string; error: string };

type ViewState = Record<string, Record<string, { value?: unknown; selected_options?: unknown }>>;

/** Reads a submitted Declare rollback modal; a form we did not send or an empty answer is an error to show on the form. */
export function parseDeclareRollbackSubmission(view: { private_metadata?: string; state?: { values?: ViewState } }): DeclareRollbackSubmission {
  const meta = parseDeclareRollbackMetadata(view.private_metadata ?? '');
  if (!meta) return { ok: false, blockId: BlockIds.triggerReason, error: NOT_OURS };
  const values = view.state?.values ?? {};
  const conditions: number[] = [];
  for (const [blockId, fields] of Object.entries(values)) {
    if (!blockId.startsWith('dd_trigger_pick:')) continue;
    const picked = fields[ActionIds.triggerConditionsInput]?.selected_options;
    if (picked === undefined || picked === null) continue;
    if (!Array.isArray(picked)) return { ok: false, blockId: BlockIds.triggerReason, error: NOT_OURS };
    for (const option of picked) {
      const value = (option as { value?: unknown } | null)?.value;
      if (typeof value !== 'string' || !/^\d{1,4}$/.test(value)) return { ok: false, blockId: BlockIds.triggerReason, error: NOT_OURS };
      conditions.push(Number(value));
    }
  }
  const rawReason = values[BlockIds.triggerReason]?.[ActionIds.triggerReasonInput]?.value;
  if (rawReason !== undefined && rawReason !== null && typeof rawReason !== 'string')
    return { ok: false, blockId: BlockIds.triggerReason, error: NOT_OURS };
  if (conditions.length === 0) return { ok: false, blockId: BlockIds.triggerPick(0), error: 'Tick the trigger you saw.' };
  const reason = (rawReason ?? '').trim();
  if (reason.length < 3) return { ok: false, blockId: BlockIds.triggerReason, error: 'Say what you saw in a few words.' };
  return { ok: true, ...meta, conditions, reason: reason.slice(0, REASON_MAX) };
}

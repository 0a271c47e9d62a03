import type { View } from '@slack/types';
import { ActionIds, BlockIds, CallbackIds, noGoMetadata, parseNoGoMetadata } from '../ids.js';
import { truncate } from './blockKit.js';
import { checklistInline } from './checklistMrkdwn.js';

/** The modal that asks why, before a No-Go is recorded. */
/** `itemText` is the gate item's checklist text (markdown). */
export function noGoModal(input: { runId: number; itemId: string; channelId: string; itemText: string }): View {
  return {
    type: 'modal',
    callback_id: CallbackIds.noGoModal,
    private_metadata: noGoMetadata(input.runId, input.itemId, input.channelId),
    title: { type: 'plain_text', text: 'No-Go' },
    submit: { type: 'plain_text', text: 'Record No-Go' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: truncate(
            `*Run #${input.runId}* · ${checklistInline(input.itemText)}\nA No-Go stops the deployment and starts the rollback checklist.`,
            2_900,
          ),
        },
      },
      {
        type: 'input',
        block_id: BlockIds.noGoReason,
        label: { type: 'plain_text', text: 'Why No-Go?' },
        element: {
          type: 'plain_text_input',
          action_id: ActionIds.noGoReasonInput,
          multiline: true,
          min_length: 3,
          max_length: 500,
        },
      },
    ],
  };
}

export type NoGoSubmission = { ok: true; runId: number; itemId: string; channelId: string; reason: string } | { ok: false; error: string };

export function parseNoGoSubmission(view: {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { value?: string | null }>> };
}): NoGoSubmission {
  const meta = parseNoGoMetadata(view.private_metadata ?? '');
  if (!meta) return { ok: false, error: 'This form is not one I recognise; close it and click No-Go again.' };
  const reason = view.state?.values?.[BlockIds.noGoReason]?.[ActionIds.noGoReasonInput]?.value?.trim() ?? '';
  if (reason.length < 3) return { ok: false, error: 'Say why in a few words.' };
  return { ok: true, ...meta, reason: reason.slice(0, 500) };
}

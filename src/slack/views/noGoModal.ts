import type { View } from '@slack/types';
import { ActionIds, BlockIds, CallbackIds, noGoMetadata, parseNoGoMetadata } from '../ids.js';
import { formModal } from './blockKit.js';
import { checklistInline } from './checklistMrkdwn.js';

/** The modal that asks why, before a No-Go is recorded. */
/** `itemText` is the gate item's checklist text (markdown). */
export function noGoModal(input: { runId: number; itemId: string; channelId: string; itemText: string }): View {
  return formModal({
    callbackId: CallbackIds.noGoModal,
    privateMetadata: noGoMetadata(input.runId, input.itemId, input.channelId),
    title: 'No-Go',
    submit: 'Record No-Go',
    intro: `*Run #${input.runId}* · ${checklistInline(input.itemText)}\nA No-Go stops the deployment and starts the rollback checklist.`,
    blocks: [
      {
        type: 'input',
        block_id: BlockIds.noGoReason,
        label: { type: 'plain_text', text: 'Why No-Go?' },
        element: { type: 'plain_text_input', action_id: ActionIds.noGoReasonInput, multiline: true, min_length: 3, max_length: 500 },
      },
    ],
  });
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

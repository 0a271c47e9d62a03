import type { KnownBlock, View } from '@slack/types';
import { UPDATE_MAX_CHARS } from '../../domain/commsTemplates.js';
import { ActionIds, BlockIds, CallbackIds, parseUpdateMetadata, templateRef, updateMetadata } from '../ids.js';
import { actionsBlock, button, contextBlock, formModal, sectionBlock } from './blockKit.js';
import { checklistTitle } from './checklistMrkdwn.js';
import { splitIntoParts } from './referenceText.js';

/** Section text limit in Block Kit (3,000), with room to spare. */
const SECTION_MAX = 2_900;

/** `/deploy ref <template>`: the section as the reply's text, split into section blocks, and a **Post update** button. */
export function templateReplyBlocks(text: string, runId: number, refIndex: number): KnownBlock[] {
  const parts = splitIntoParts(text, SECTION_MAX).slice(0, 45);
  return [
    ...parts.map((part) => sectionBlock(part)),
    actionsBlock(
      [button({ text: 'Post update', actionId: ActionIds.postUpdate, value: templateRef(runId, refIndex), style: 'primary' })],
      BlockIds.template(runId, refIndex),
    ),
  ];
}

/** The modal a Post update opens: the template with what the run knows filled in, editable. */
export function updateModal(input: { runId: number; refIndex: number; channelId: string; title: string; text: string }): View {
  const cut = input.text.length > UPDATE_MAX_CHARS;
  const intro = `*${checklistTitle(input.title)}* · run #${input.runId}\nWhat the run knows (T-0, title, status, link) is filled in; edit the rest. deployday posts it in the channel, naming you.`;
  return formModal({
    callbackId: CallbackIds.updateModal,
    privateMetadata: updateMetadata(input.runId, input.refIndex, input.channelId),
    title: 'Post update',
    submit: 'Post to channel',
    intro,
    blocks: [
      ...(cut
        ? [contextBlock([`⚠️ The template is longer than Slack lets one field hold (${UPDATE_MAX_CHARS} characters): only its start is here.`])]
        : []),
      {
        type: 'input',
        block_id: BlockIds.updateText,
        label: { type: 'plain_text', text: 'Message' },
        element: {
          type: 'plain_text_input',
          action_id: ActionIds.updateTextInput,
          multiline: true,
          max_length: UPDATE_MAX_CHARS,
          initial_value: input.text.slice(0, UPDATE_MAX_CHARS),
        },
      },
    ],
  });
}

export type UpdateSubmission = { ok: true; runId: number; refIndex: number; channelId: string; text: string } | { ok: false; error: string };

export function parseUpdateSubmission(view: {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { value?: string | null }>> };
}): UpdateSubmission {
  const meta = parseUpdateMetadata(view.private_metadata ?? '');
  if (!meta) return { ok: false, error: 'This form is not one I recognise; close it and click Post update again.' };
  const value = view.state?.values?.[BlockIds.updateText]?.[ActionIds.updateTextInput]?.value;
  if (value !== undefined && value !== null && typeof value !== 'string') return { ok: false, error: 'This form is not one I recognise.' };
  const text = (value ?? '').trim();
  if (text === '') return { ok: false, error: 'Write the update before posting it.' };
  if (text.length > UPDATE_MAX_CHARS) return { ok: false, error: `At most ${UPDATE_MAX_CHARS} characters; this is ${text.length}.` };
  return { ok: true, ...meta, text };
}

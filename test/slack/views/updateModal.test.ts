import { describe, expect, it } from 'vitest';
import { ActionIds, BlockIds, CallbackIds, parseTemplateRef, templateRef, updateMetadata } from '../../../src/slack/ids.js';
import { noticeText } from '../../../src/slack/views/noticeText.js';
import { parseUpdateSubmission, templateReplyBlocks, updateModal } from '../../../src/slack/views/updateModal.js';

const submitted = (metadata: string, value: unknown) => ({
  private_metadata: metadata,
  state: { values: { [BlockIds.updateText]: { [ActionIds.updateTextInput]: { value: value as string } } } },
});

describe('the Post update modal', () => {
  it('carries the run, template and channel, prefilled and editable within Slack’s 3,000 characters', () => {
    const view = updateModal({ runId: 4, refIndex: 7, channelId: 'C0DEPLOY', title: 'Status update', text: 'Hello [END]' });
    expect(view.callback_id).toBe(CallbackIds.updateModal);
    expect(view.private_metadata).toBe('4:7:C0DEPLOY');
    const input = view.blocks.find((b) => b.block_id === BlockIds.updateText) as unknown as { element: Record<string, unknown> };
    expect(input.element).toMatchObject({ action_id: ActionIds.updateTextInput, multiline: true, max_length: 3000, initial_value: 'Hello [END]' });
  });

  it('says so when a template is longer than one field holds, instead of cutting it silently', () => {
    const view = updateModal({ runId: 4, refIndex: 7, channelId: 'C0DEPLOY', title: 'Long', text: 'y'.repeat(3_500) });
    expect(JSON.stringify(view.blocks)).toContain('only its start is here');
  });

  it('reads a submission back, and refuses forged metadata, an empty text and an over-long one', () => {
    expect(parseUpdateSubmission(submitted(updateMetadata(4, 7, 'C0DEPLOY'), '  Done.  '))).toEqual({
      ok: true,
      runId: 4,
      refIndex: 7,
      channelId: 'C0DEPLOY',
      text: 'Done.',
    });
    expect(parseUpdateSubmission(submitted('4:7:not-a-channel', 'x')).ok).toBe(false);
    expect(parseUpdateSubmission(submitted(updateMetadata(4, 7, 'C0DEPLOY'), ''))).toEqual({
      ok: false,
      error: 'Write the update before posting it.',
    });
    expect(parseUpdateSubmission(submitted(updateMetadata(4, 7, 'C0DEPLOY'), 'z'.repeat(3_001))).ok).toBe(false);
  });

  it('puts the Post update button under the template, with a value that reads back', () => {
    const blocks = templateReplyBlocks('*Status update*\n```hi```', 4, 7);
    const actions = blocks.at(-1) as { type: string; block_id: string; elements: Array<{ value: string }> };
    expect(actions).toMatchObject({ type: 'actions', block_id: 'dd_template:4:7' });
    expect(parseTemplateRef(actions.elements[0]!.value)).toEqual({ runId: 4, refIndex: 7 });
    expect(parseTemplateRef(templateRef(4, 7))).toEqual({ runId: 4, refIndex: 7 });
    expect(parseTemplateRef('4:s1')).toBeNull();
  });
});

describe('the posted update', () => {
  it('names the poster and shows their text escaped: no mass mention, no disguised link', () => {
    const text = noticeText({
      kind: 'update_posted',
      runId: 4,
      by: 'U0DANA',
      title: 'Status <update>',
      text: 'All fine <!here> <https://x.test|bank> & done',
    });
    expect(text).toBe('📣 *Status &lt;update&gt;* (run #4) — posted by <@U0DANA>\nAll fine &lt;!here&gt; &lt;https://x.test|bank&gt; &amp; done');
  });
});

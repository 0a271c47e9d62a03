import { describe, it, expect } from 'vitest';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { noGoModal, parseNoGoSubmission } from '../../src/slack/views/noGoModal.js';

function submission(metadata: string | undefined, reason: string | null | undefined) {
  return {
    ...(metadata === undefined ? {} : { private_metadata: metadata }),
    state: { values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: { value: reason } } } },
  };
}

describe('parseNoGoSubmission', () => {
  it('reads the run, gate, channel and trimmed reason', () => {
    expect(parseNoGoSubmission(submission('12:s3.i17:C0DEPLOY1', '  checkout errors at 4%\n'))).toEqual({
      ok: true,
      runId: 12,
      itemId: 's3.i17',
      channelId: 'C0DEPLOY1',
      reason: 'checkout errors at 4%',
    });
  });

  it('reads back what the modal it belongs to wrote', () => {
    const view = noGoModal({ runId: 4, itemId: 's2.i5', channelId: 'G0PRIVATE', itemText: 'Go/No-Go' });
    expect(view.callback_id).toBe(CallbackIds.noGoModal);
    const parsed = parseNoGoSubmission(submission(view.private_metadata, 'db lag'));
    expect(parsed).toMatchObject({ ok: true, runId: 4, itemId: 's2.i5', channelId: 'G0PRIVATE' });
  });

  it('accepts direct-message channels', () => {
    expect(parseNoGoSubmission(submission('1:s0.i0:D0DIRECT1', 'why not')).ok).toBe(true);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['without a channel', '12:s3.i17'],
    ['with a section instead of an item', '12:s3:C0DEPLOY1'],
    ['with a user id for a channel', '12:s3.i17:U0PERSON1'],
    ['with a run id that is not a number', 'x:s3.i17:C0DEPLOY1'],
    ['with an overlong run id', `${'9'.repeat(13)}:s3.i17:C0DEPLOY1`],
    ['with trailing text', '12:s3.i17:C0DEPLOY1:extra'],
    ['with a lower-case channel', '12:s3.i17:c0deploy1'],
  ])('refuses metadata that is %s', (_what, metadata) => {
    expect(parseNoGoSubmission(submission(metadata, 'a good reason'))).toEqual({
      ok: false,
      error: 'This form is not one I recognise; close it and click No-Go again.',
    });
  });

  it.each([
    ['missing', undefined],
    ['null', null],
    ['blank', '    '],
    ['two characters after trimming', '  no '],
  ])('asks for a reason when it is %s', (_what, reason) => {
    expect(parseNoGoSubmission(submission('12:s3.i17:C0DEPLOY1', reason))).toEqual({ ok: false, error: 'Say why in a few words.' });
  });

  it('asks for a reason when the form has no state at all', () => {
    expect(parseNoGoSubmission({ private_metadata: '12:s3.i17:C0DEPLOY1' })).toEqual({ ok: false, error: 'Say why in a few words.' });
  });

  it('keeps at most 500 characters of the reason', () => {
    const parsed = parseNoGoSubmission(submission('12:s3.i17:C0DEPLOY1', 'x'.repeat(800)));
    expect(parsed.ok && parsed.reason.length).toBe(500);
  });
});

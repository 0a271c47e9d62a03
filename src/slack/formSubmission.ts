import type { App, Logger, ViewOutput } from '@slack/bolt';
import { errorText } from './replyWithError.js';

/** What a modal's parser makes of a submission: the fields, or why not (under `blockId` when given). */
export type ParsedForm<T> = ({ ok: true } & T) | { ok: false; error: string; blockId?: string };

/** Slack shows at most this much of an error under a field. */
const ERROR_MAX_CHARS = 150;

/**
 * Registers a modal's submission: parsed (a malformed one is "not one I recognise"), the submitter
 * checked, then `act` run with them (it audits and queues what the channel is told). A bad field
 * or a refusal is shown in the modal, which stays open with what was typed; a clean submission
 * closes it.
 */
export function registerFormSubmission<T>(
  app: App,
  form: {
    callbackId: string;
    /** The block a form-wide error (a refusal, a form we did not send) is shown under. */
    errorBlock: string;
    /** Said of a submission that is not a form the bot sent. */
    notOurs: string;
    parse: (view: ViewOutput) => ParsedForm<T>;
    /** Does the work; a thrown (domain) error is shown in the form. */
    act: (submission: T, userId: string, body: unknown) => Promise<unknown>;
    logger: Logger;
    /** Names the submission in the log when `act` fails unexpectedly. */
    logContext: string;
  },
): void {
  app.view(form.callbackId, async ({ ack, body, view }) => {
    const fail = (error: string, blockId = form.errorBlock) =>
      ack({ response_action: 'errors', errors: { [blockId]: error.slice(0, ERROR_MAX_CHARS) } });
    let submission: ParsedForm<T>;
    try {
      submission = form.parse(view);
    } catch {
      // Fields of the wrong type are not a form we sent; without this the submission went
      // unanswered and the modal closed as if it had been taken.
      submission = { ok: false, error: form.notOurs };
    }
    if (!submission.ok) {
      await fail(submission.error, submission.blockId);
      return;
    }
    // Checked before anything is audited: a submission without a user id is nobody's.
    const userId: unknown = (body as { user?: { id?: unknown } }).user?.id;
    if (typeof userId !== 'string' || userId === '') {
      await fail(form.notOurs);
      return;
    }
    try {
      await form.act(submission, userId, body);
      await ack();
    } catch (error) {
      await fail(errorText(error, form.logger, form.logContext));
    }
  });
}

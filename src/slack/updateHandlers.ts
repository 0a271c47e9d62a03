import type { App, Logger } from '@slack/bolt';
import type { Services } from '../service/createServices.js';
import { BlockIds, CallbackIds } from './ids.js';
import { errorText } from './replyWithError.js';
import { parseUpdateSubmission } from './views/updateModal.js';

/**
 * The Post update modal's submission: checked again (the poster may have lost their role since the
 * click), audited and queued as a channel notice the bot posts, naming the poster. A refusal or a
 * bad text is shown in the modal, which stays open with what was typed.
 */
export function registerUpdateSubmission(app: App, deps: { services: Services; logger: Logger }): void {
  app.view(CallbackIds.updateModal, async ({ ack, body, view }) => {
    const fail = (error: string) => ack({ response_action: 'errors', errors: { [BlockIds.updateText]: error.slice(0, 150) } });
    let submission: ReturnType<typeof parseUpdateSubmission>;
    try {
      submission = parseUpdateSubmission(view);
    } catch {
      submission = { ok: false, error: 'This form is not one I recognise; close it and click Post update again.' };
    }
    const userId: unknown = (body as { user?: { id?: unknown } }).user?.id;
    if (!submission.ok || typeof userId !== 'string' || userId === '') {
      await fail(submission.ok ? 'This form is not one I recognise; close it and click Post update again.' : submission.error);
      return;
    }
    try {
      deps.services.updates.post({
        userId,
        channelId: submission.channelId,
        runId: submission.runId,
        refIndex: submission.refIndex,
        text: submission.text,
      });
      await ack();
    } catch (error) {
      await fail(errorText(error, deps.logger, 'post update submit'));
    }
  });
}

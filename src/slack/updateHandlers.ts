import type { App, Logger } from '@slack/bolt';
import type { Services } from '../service/createServices.js';
import { BlockIds, CallbackIds } from './ids.js';
import { registerFormSubmission } from './formSubmission.js';
import { parseUpdateSubmission } from './views/updateModal.js';

/**
 * The Post update modal's submission: checked again (the poster may have lost their role since the
 * click), audited and queued as a channel notice the bot posts, naming the poster. A refusal or a
 * bad text is shown in the modal, which stays open with what was typed.
 */
export function registerUpdateSubmission(app: App, deps: { services: Services; logger: Logger }): void {
  registerFormSubmission(app, {
    callbackId: CallbackIds.updateModal,
    errorBlock: BlockIds.updateText,
    notOurs: 'This form is not one I recognise; close it and click Post update again.',
    parse: parseUpdateSubmission,
    act: async (submission, userId) =>
      await deps.services.updates.post({
        userId,
        channelId: submission.channelId,
        runId: submission.runId,
        refIndex: submission.refIndex,
        text: submission.text,
      }),
    logger: deps.logger,
    logContext: 'post update submit',
  });
}

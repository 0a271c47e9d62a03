import type { App, Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../service/createServices.js';
import { BlockIds, CallbackIds, parseTriggerRef } from './ids.js';
import { registerFormSubmission } from './formSubmission.js';
import { declareRollbackModal, parseDeclareRollbackSubmission } from './views/declareRollbackModal.js';

interface Deps {
  services: Services;
  foreground: WebClient;
  logger: Logger;
}

/**
 * **Declare rollback** under a list of rollback triggers: checks the clicker may declare one (the
 * rule of `/deploy rollback`; a refusal is audited and answered ephemerally by the caller) before
 * the modal opens, so nobody fills it in vain; the modal opens after the ack, within the trigger's
 * 3 seconds, on the foreground client (OAuth: the request's own, bound to its workspace).
 */
export async function declareRollbackClick(
  deps: Deps,
  actor: { userId: string; channelId: string },
  triggerId: string | undefined,
  action: Record<string, unknown>,
): Promise<{ after: () => Promise<void> }> {
  const ref = parseTriggerRef(String(action.value ?? ''));
  if (!ref) throw new DomainError('bad_value', { text: 'That button is not one I recognise.' });
  const trigger = await deps.services.ending.checkCanDeclare({ ...actor, runId: ref.runId, triggerId: ref.triggerId });
  return {
    after: async () => {
      if (typeof triggerId !== 'string')
        throw new DomainError('bad_payload', { text: 'That click came without a trigger id, so I could not open the form.' });
      await deps.foreground.views.open({
        trigger_id: triggerId,
        view: declareRollbackModal({ runId: ref.runId, channelId: actor.channelId, trigger }),
      });
    },
  };
}

/** The modal, submitted: the rollback starts as `/deploy rollback` would, or the form says why not. */
export function registerDeclareRollbackModal(app: App, deps: Omit<Deps, 'foreground'>): void {
  registerFormSubmission(app, {
    callbackId: CallbackIds.declareRollbackModal,
    errorBlock: BlockIds.triggerReason,
    notOurs: 'This form is not one I recognise; close it and click Declare rollback again.',
    parse: parseDeclareRollbackSubmission,
    act: async (submission, userId) =>
      await deps.services.ending.declareFromTrigger({
        userId,
        channelId: submission.channelId,
        runId: submission.runId,
        triggerId: submission.triggerId,
        conditions: submission.conditions,
        reason: submission.reason,
      }),
    logger: deps.logger,
    logContext: 'declare rollback submit',
  });
}

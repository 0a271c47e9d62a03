import type { App, Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../service/createServices.js';
import { BlockIds, CallbackIds, parseTriggerRef } from './ids.js';
import { errorText } from './replyWithError.js';
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
export function declareRollbackClick(
  deps: Deps,
  actor: { userId: string; channelId: string },
  triggerId: string | undefined,
  action: Record<string, unknown>,
): { after: () => Promise<void> } {
  const ref = parseTriggerRef(String(action.value ?? ''));
  if (!ref) throw new DomainError('bad_value', { text: 'That button is not one I recognise.' });
  const trigger = deps.services.ending.checkCanDeclare({ ...actor, runId: ref.runId, triggerId: ref.triggerId });
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
  app.view(CallbackIds.declareRollbackModal, async ({ ack, body, view }) => {
    let submission: ReturnType<typeof parseDeclareRollbackSubmission>;
    try {
      submission = parseDeclareRollbackSubmission(view);
    } catch {
      submission = {
        ok: false,
        blockId: BlockIds.triggerReason,
        error: 'This form is not one I recognise; close it and click Declare rollback again.',
      };
    }
    if (!submission.ok) {
      await ack({ response_action: 'errors', errors: { [submission.blockId]: submission.error } });
      return;
    }
    const userId: unknown = (body as { user?: { id?: unknown } }).user?.id;
    if (typeof userId !== 'string' || userId === '') {
      await ack({
        response_action: 'errors',
        errors: { [BlockIds.triggerReason]: 'This form is not one I recognise; close it and click Declare rollback again.' },
      });
      return;
    }
    try {
      deps.services.ending.declareFromTrigger({
        userId,
        channelId: submission.channelId,
        runId: submission.runId,
        triggerId: submission.triggerId,
        conditions: submission.conditions,
        reason: submission.reason,
      });
      await ack();
    } catch (error) {
      await ack({
        response_action: 'errors',
        errors: { [BlockIds.triggerReason]: errorText(error, deps.logger, 'declare rollback submit').slice(0, 150) },
      });
    }
  });
}

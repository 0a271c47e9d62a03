import type { PageService } from '../service/pageService.js';
import type { App, BlockAction, Logger, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../service/createServices.js';
import { ActionIds, BlockIds, CallbackIds, itemRef, parseItemRef, parseItemsBlockId, parseSectionsRef } from './ids.js';
import { registerFormSubmission } from './formSubmission.js';
import { errorText } from './replyWithError.js';
import { actorOf, teamOf } from './clickActor.js';
import { replyToClicker } from './clickerReply.js';
import { retryInBackground } from './retryInBackground.js';
import { diffCheckboxes } from './checkboxDiff.js';
import { noGoModal, parseNoGoSubmission } from './views/noGoModal.js';
import { confirmGoMessage } from './views/gateConfirm.js';
import type { KnownBlock } from '@slack/types';
import { registerUpdateSubmission } from './updateHandlers.js';
import { registerReferenceHandlers } from './referenceHandlers.js';
import { declareRollbackClick, registerDeclareRollbackModal } from './declareRollbackHandlers.js';

export interface ActionDeps {
  services: Services;
  /**
   * For views.open: a person is waiting, so it must not queue behind background updates. Absent
   * (OAuth mode: a token per workspace), the request's own client, bound to its workspace's token.
   */
  foreground?: WebClient;
  logger: Logger;
  /** Resolving a page by hand from its notice; absent, the Resolve button is answered as unknown. */
  pages?: Pick<PageService, 'resolveByHand'>;
  /** A link to a run's overview, for the `[URL]` of a communication template. */
  linkToRun?: (runId: number) => Promise<string | null>;
}

type Payload = BlockAction;

/**
 * Every click: work out what it means, persist it (in SQLite, in one commit with the other clicks
 * of the same event-loop turn: services.clicks), then ack, then
 * tell the clicker if something was refused. The message itself is re-rendered by the sync
 * loop, which also puts back a checkbox Slack ticked locally for a refused click.
 */
export function registerActionHandlers(app: App, deps: ActionDeps): void {
  const { queries: runs, items, gates, timeline } = deps.services;
  const { logger } = deps;

  const handle =
    (
      name: string,
      work: (
        body: Payload,
        action: Record<string, unknown>,
        client: WebClient,
      ) => Promise<void | { after?: () => Promise<void>; ask?: { text: string; blocks: KnownBlock[] } }>,
      options: { rerenderOnRefusal?: (body: Payload, action: Record<string, unknown>) => Promise<void> } = {},
    ) =>
    async ({
      ack,
      body,
      action,
      respond,
      client,
    }: {
      ack: () => Promise<void>;
      body: unknown;
      action: unknown;
      respond?: RespondFn;
      client: WebClient;
    }) => {
      let reply: string | null = null;
      let after: (() => Promise<void>) | undefined;
      let ask: { text: string; blocks: KnownBlock[] } | undefined;
      try {
        // Committed with the other clicks of this turn; resolves only once that commit is on disk.
        const result = await deps.services.clicks.run(() =>
          work(body as Payload, (action ?? {}) as Record<string, unknown>, deps.foreground ?? client),
        );
        after = result ? result.after : undefined;
        ask = result ? result.ask : undefined;
      } catch (error) {
        reply = errorText(error, logger, name);
        const rerender = options.rerenderOnRefusal?.bind(null, body as Payload, (action ?? {}) as Record<string, unknown>);
        // Not queued (the database did not answer): tried again until it does, so the box Slack shows ticked is put back.
        await rerender?.().catch(() =>
          retryInBackground(rerender, { onGiveUp: (e) => logger.warn(`${name}: a refused click's message was not rendered again: ${String(e)}`) }),
        );
      }
      await ack();
      if (reply) await replyToClicker(respond, { text: reply }, logger);
      if (ask) await replyToClicker(respond, ask, logger);
      if (after) {
        try {
          await after();
        } catch (error) {
          await replyToClicker(respond, { text: errorText(error, logger, `${name} (after ack)`) }, logger);
        }
      }
    };

  /** A refused checkbox click: Slack already shows the box ticked, so re-render to put it back. */
  const rerenderRun = async (body: Payload, action: Record<string, unknown>) => {
    const ref = parseItemsBlockId(String(action.block_id ?? '')) ?? parseItemRef(String(action.value ?? ''));
    if (!ref) return;
    await items.redraw({ ...actorOf(body), runId: ref.runId });
  };

  app.action(
    ActionIds.itemCheckboxes,
    handle(
      'checkbox click',
      async (body, action) => {
        const actor = actorOf(body);
        const ref = parseItemsBlockId(String(action.block_id ?? ''));
        if (!ref) throw new DomainError('bad_block_id', { text: 'That checklist message is not one I recognise.' });
        const changes = diffCheckboxes(body.message?.blocks, String(action.block_id), action.selected_options);
        if (changes.length === 0) return;
        // One click changes one box; if a stale view yields more, each is applied as a "set", never a toggle.
        for (const change of changes) await items.setItem({ ...actor, runId: ref.runId, itemId: change.itemId, done: change.done });
      },
      { rerenderOnRefusal: rerenderRun },
    ),
  );

  app.action(
    ActionIds.itemButton,
    handle('item button', async (body, action) => {
      const actor = actorOf(body);
      const ref = itemRefOf(action);
      // The button's label is what the clicker saw: "Done" sets done, "Undo" clears it.
      const label = String((action.text as { text?: string } | undefined)?.text ?? 'Done');
      await items.setItem({ ...actor, runId: ref.runId, itemId: ref.itemId, done: !/^undo/i.test(label) });
    }),
  );

  app.action(
    ActionIds.timerStart,
    handle('timer start', async (body, action) => {
      const actor = actorOf(body);
      const ref = itemRefOf(action);
      await items.startTimer({ ...actor, runId: ref.runId, itemId: ref.itemId });
    }),
  );

  app.action(
    ActionIds.gateGo,
    handle('gate go', async (body, action) => {
      const actor = actorOf(body);
      const ref = itemRefOf(action);
      try {
        await gates.voteGate({ ...actor, runId: ref.runId, itemId: ref.itemId, vote: 'go', reason: null });
      } catch (error) {
        // A Go over open items is a question back, not a refusal: it comes with its confirm button.
        if (error instanceof DomainError && error.code === 'confirm_go_open') return { ask: confirmGoMessage(error) };
        throw error;
      }
    }),
  );

  app.action(
    ActionIds.gateGoConfirm,
    handle('gate go confirmed', async (body, action) => {
      const actor = actorOf(body);
      const ref = itemRefOf(action);
      await gates.voteGate({ ...actor, runId: ref.runId, itemId: ref.itemId, vote: 'go', reason: null, confirmOpen: true });
    }),
  );

  app.action(
    ActionIds.gateNoGo,
    handle('gate no-go', async (body, action, client) => {
      const actor = actorOf(body);
      const ref = itemRefOf(action);
      // Check the vote is allowed before asking for a reason, so nobody types one in vain.
      await gates.checkCanVote({ ...actor, runId: ref.runId, itemId: ref.itemId });
      const triggerId = body.trigger_id;
      return {
        after: async () => {
          await client.views.open({
            trigger_id: triggerId,
            view: noGoModal({
              runId: ref.runId,
              itemId: ref.itemId,
              channelId: actor.channelId,
              itemText: await runs.itemText(ref.runId, ref.itemId),
            }),
          });
        },
      };
    }),
  );

  app.action(
    ActionIds.overdueAck,
    handle('overdue acknowledge', async (body, action) => {
      const actor = actorOf(body);
      const ref = parseSectionsRef(String(action.value ?? ''));
      if (!ref) throw new DomainError('bad_value', { text: 'That button is not one I recognise.' });
      await timeline.acknowledgeOverdue({ ...actor, runId: ref.runId, sectionIds: ref.sectionIds });
    }),
  );

  app.action(
    ActionIds.pageResolve,
    handle('page resolve', async (body, action) => {
      if (!deps.pages) throw new DomainError('Paging is off, so there is no page to resolve here.', 'paging_off');
      await deps.pages.resolveByHand({ ...actorOf(body), dedupKey: String(action.value ?? '') });
    }),
  );

  registerReferenceHandlers(app, deps);
  registerUpdateSubmission(app, deps);

  app.action(
    ActionIds.declareRollback,
    handle('declare rollback', (body, action, client) =>
      declareRollbackClick({ ...deps, foreground: client }, actorOf(body), body.trigger_id, action),
    ),
  );
  registerDeclareRollbackModal(app, deps);

  registerFormSubmission(app, {
    callbackId: CallbackIds.noGoModal,
    errorBlock: BlockIds.noGoReason,
    notOurs: 'This form is not one I recognise; close it and click No-Go again.',
    parse: parseNoGoSubmission,
    // A submission without a user id is refused before this: it cannot be anyone's vote.
    act: async (submission, userId, body) =>
      await gates.voteGate({
        userId,
        channelId: submission.channelId,
        teamId: teamOf(body),
        runId: submission.runId,
        itemId: submission.itemId,
        vote: 'no_go',
        reason: submission.reason,
      }),
    logger,
    logContext: 'no-go submit',
  });

  // Clicks on things we do not handle (old messages, future ids) are acked and ignored, never left to time out.
  const ours = new RegExp(`^(?!(${Object.values(ActionIds).join('|')})$)`);
  app.action(ours, async ({ ack, action }) => {
    await ack();
    logger.debug(`ignored action ${String((action as { action_id?: string }).action_id ?? '?')}`);
  });
}

export { itemRef };

/** The run and item a button names in its value; a value that names none is refused. */
function itemRefOf(action: Record<string, unknown>): { runId: number; itemId: string } {
  const ref = parseItemRef(String(action.value ?? ''));
  if (!ref) throw new DomainError('bad_value', { text: 'That button is not one I recognise.' });
  return ref;
}

import type { App, BlockAction, Logger, RespondFn } from '@slack/bolt';
import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../service/createServices.js';
import { actorOf, teamOf } from './clickActor.js';
import { replyToClicker } from './clickerReply.js';
import { ActionIds, CallbackIds, parseTemplateRef, parseUpdateMetadata } from './ids.js';
import { errorText } from './replyWithError.js';
import { referenceModal } from './views/referenceModal.js';
import { updateModal } from './views/updateModal.js';

export interface ReferenceDeps {
  services: Services;
  /** For views.open/push: a person is waiting (see ActionDeps.foreground). */
  foreground?: WebClient;
  logger: Logger;
  /** A link to a run's overview, for the `[URL]` of a communication template. */
  linkToRun?: (runId: number) => Promise<string | null>;
}

type Args = { ack: () => Promise<void>; body: unknown; action: unknown; respond?: RespondFn; client: WebClient };

/** Who clicked and from which channel: a click inside our reference modal names its channel in the modal's metadata. */
function clicker(body: BlockAction): { userId: string; channelId: string; teamId: string | null; inModal: boolean } {
  const view = (body as { view?: { callback_id?: unknown; private_metadata?: unknown } }).view;
  if (view?.callback_id === CallbackIds.referenceModal) {
    const meta = parseUpdateMetadata(String(view.private_metadata ?? ''));
    const userId = body.user?.id;
    if (!meta || typeof userId !== 'string' || userId === '') {
      throw new DomainError('bad_payload', { text: 'That click came without a user or channel, so I ignored it.' });
    }
    return { userId, channelId: meta.channelId, teamId: teamOf(body), inModal: true };
  }
  return { ...actorOf(body), inModal: false };
}

/** A refusal for a click inside a modal, where there is no message to answer under: a small modal on top. */
function refusalView(text: string): View {
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'Not done' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 2_900) || ' ' } }],
  };
}

/**
 * The overview's **Reference** control opens a section in a modal (anyone in the run's channel may
 * read), and a template's **Post update** (from `/deploy ref` or from that modal) opens the update
 * form, pushed on top when clicked inside the modal. Refusals are audited by the services.
 */
export function registerReferenceHandlers(app: App, deps: ReferenceDeps): void {
  const { services, logger } = deps;

  const opener =
    (name: string, work: (body: BlockAction, action: Record<string, unknown>, who: ReturnType<typeof clicker>) => Promise<View>) =>
    async ({ ack, body, action, respond, client }: Args) => {
      const payload = body as BlockAction;
      const web = deps.foreground ?? client;
      let view: View | undefined;
      let reason: string | undefined;
      let inModal = false;
      try {
        const who = clicker(payload);
        inModal = who.inModal;
        view = await work(payload, (action ?? {}) as Record<string, unknown>, who);
      } catch (error) {
        reason = errorText(error, logger, name);
      }
      await ack();
      const triggerId = payload.trigger_id;
      try {
        if (view) {
          await (inModal ? web.views.push({ trigger_id: triggerId, view }) : web.views.open({ trigger_id: triggerId, view }));
        } else if (reason !== undefined && inModal) {
          await web.views.push({ trigger_id: triggerId, view: refusalView(reason) });
        } else if (reason !== undefined) {
          await replyToClicker(respond, { text: reason }, logger);
        }
      } catch (error) {
        await replyToClicker(respond, { text: errorText(error, logger, `${name} (after ack)`) }, logger);
      }
    };

  app.action(
    ActionIds.referenceOpen,
    opener('reference open', async (_body, action, who) => {
      // A button carries its value; the menu, the option picked.
      const picked = (action.selected_option as { value?: unknown } | undefined)?.value ?? action.value;
      const ref = parseTemplateRef(String(picked ?? ''));
      if (!ref) throw new DomainError('bad_value', { text: 'That menu is not one I recognise.' });
      const { section, isTemplate } = await services.references.section({ ...who, ...ref });
      return referenceModal({ ...ref, channelId: who.channelId, section, isTemplate });
    }),
  );

  app.action(
    ActionIds.postUpdate,
    opener('post update', async (_body, action, who) => {
      const ref = parseTemplateRef(String(action.value ?? ''));
      if (!ref) throw new DomainError('bad_value', { text: 'That button is not one I recognise.' });
      // Refused here (audited) before a modal opens, so nobody drafts an update they cannot post.
      const draft = await services.updates.draft({ ...who, ...ref, link: (await deps.linkToRun?.(ref.runId)) ?? null });
      return updateModal({ ...ref, channelId: who.channelId, title: draft.template.title, text: draft.text });
    }),
  );
}

import type { App, BlockAction, Logger } from '@slack/bolt';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../service/createServices.js';
import { ActionIds, parseSlipSuggestionValue } from './ids.js';
import { errorText } from './replyWithError.js';
import { slackDayTime } from './views/slackDate.js';

/**
 * "Slip 25m" on the forecast's suggestion: the same as `/deploy slip 25m` by the clicker, with the
 * same permission check (lead or approver). Persist, ack, then answer the clicker. A suggestion
 * sent as a DM is clicked outside the run's channel, so the run's own channel stands in for it.
 */
export function registerSlipSuggestionHandler(app: App, deps: { services: Services; logger: Logger }): void {
  app.action(ActionIds.slipSuggested, async ({ ack, body, action, respond }) => {
    let reply: string;
    try {
      const click = body as BlockAction;
      const ref = parseSlipSuggestionValue(String((action as { value?: unknown }).value ?? ''));
      if (!ref || typeof click.user?.id !== 'string') throw new DomainError('That button is not one I recognise.', 'bad_value');
      const run = await deps.services.queries.requireRun(ref.runId);
      const from = click.channel?.id ?? click.container?.channel_id;
      const channelId = typeof from === 'string' && !from.startsWith('D') ? from : run.channelId;
      const moved = await deps.services.t0.slip({ userId: click.user.id, channelId, runId: run.id, minutes: ref.minutes });
      reply = `Run #${run.id} slipped ${ref.minutes} min: T-0 is now ${slackDayTime(moved.t0)}. The channel has the new schedule.`;
    } catch (error) {
      reply = errorText(error, deps.logger, 'slip suggestion');
    }
    await ack();
    if (typeof respond === 'function') {
      await respond({ response_type: 'ephemeral', replace_original: true, text: reply }).catch((e: unknown) =>
        deps.logger.warn('slip suggestion reply failed', e instanceof Error ? e.message : e),
      );
    }
  });
}

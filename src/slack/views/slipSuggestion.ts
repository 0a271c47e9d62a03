/**
 * The ephemeral note that tells the lead a window will be missed at the current pace, with a
 * button that runs `/deploy slip <minutes>` for them. Sent at most once per window.
 */
import type { SectionForecast } from '../../domain/forecast.js';
import { ActionIds, BlockIds, slipSuggestionValue } from '../ids.js';
import { actionsBlock, button, sectionBlock, truncate, type SlackMessage } from './blockKit.js';
import { checklistTitle } from './checklistMrkdwn.js';
import { slackTime } from './slackDate.js';

export function renderSlipSuggestion(runId: number, section: SectionForecast, minutes: number): SlackMessage {
  const title = truncate(checklistTitle(section.title), 80);
  const basis =
    section.basis === 'history' ? 'as long as it took in past runs' : section.basis === 'pace' ? 'at this run’s pace so far' : 'as things stand';
  const text = `⏱ Run #${runId}: *${title}* is projected to close ${slackTime(section.projectedClose!)} ${basis}, ${section.overrunMinutes} min after its planned ${slackTime(section.plannedClose!)}. Slip the run by ${minutes} min to keep every later window honest? (Same as \`/deploy slip ${minutes}m\`.)`;
  return {
    text: `Run #${runId}: ${section.title} is projected ${section.overrunMinutes} min late; slip ${minutes}m?`.slice(0, 300),
    blocks: [
      sectionBlock(text),
      actionsBlock(
        [button({ text: `Slip ${minutes}m`, actionId: ActionIds.slipSuggested, value: slipSuggestionValue(runId, minutes), style: 'primary' })],
        BlockIds.slipSuggestion(runId, section.sectionId),
      ),
    ],
  };
}

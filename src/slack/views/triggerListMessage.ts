/**
 * A list of rollback triggers during a run ("Abort Triggers": "5xx rate above 2%"): the conditions
 * the team watches, beside the phase they guard, and a **Declare rollback** button that asks which
 * condition was seen and why. Not checkboxes: a condition is never "done". Once a rollback is under
 * way or the run is over, the button gives way to a line saying so.
 */
import type { KnownBlock } from '@slack/types';
import type { TriggerList } from '../../domain/checklist.js';
import type { RunSnapshot } from '../../domain/run.js';
import { ActionIds, BlockIds, triggerRef } from '../ids.js';
import { actionsBlock, button, contextBlock, headerBlock, sectionBlock, truncate } from './blockKit.js';
import type { SlackMessage } from './blockKit.js';
import { checklistBlock, checklistInline, checklistPlain, escapeMrkdwn } from './checklistMrkdwn.js';

/** Blocks of conditions at most: with the header, notes and the button that stays far under Slack's 50. */
const CONDITION_BLOCKS_MAX = 40;
/** Per block, under Slack's 3000 for a section; 40 of them stay under our 9000 total only when short, see below. */
const TEXT_BUDGET = 8000;
const BLOCK_TEXT_MAX = 2800;
const NOTES_MAX = 600;
const REASON_MAX = 300;

export function conditionLine(condition: TriggerList['conditions'][number]): string {
  const details = condition.details.map((d) => `\n\u2003◦ ${checklistInline(d)}`).join('');
  return truncate(`• ${checklistInline(condition.text)}${details}`, 1000);
}

/** Lines packed into blocks; what does not fit is counted on a last line, never dropped silently. */
function conditionBlocks(lines: string[]): string[] {
  const chunks: string[] = [];
  let used = 0;
  let current = '';
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const next = current === '' ? line : `${current}\n${line}`;
    const room = used + next.length <= TEXT_BUDGET && (next.length <= BLOCK_TEXT_MAX || chunks.length + 1 < CONDITION_BLOCKS_MAX);
    if (!room) {
      const more = `_…and ${lines.length - i} more in the checklist file_`;
      chunks.push(current === '' ? more : `${current}\n${more}`);
      return chunks;
    }
    if (next.length > BLOCK_TEXT_MAX) {
      chunks.push(current);
      used += current.length;
      current = line;
    } else {
      current = next;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

export function renderTriggerList(input: { snapshot: RunSnapshot; trigger: TriggerList }): SlackMessage {
  const { snapshot, trigger } = input;
  const run = snapshot.run;
  const title = truncate(`#${run.id} · ${checklistPlain(trigger.title)}`, 150);
  const blocks: KnownBlock[] = [headerBlock(title)];
  blocks.push(sectionBlock('*Rollback triggers* — if one of these happens, declare a rollback:'));
  for (const chunk of conditionBlocks(trigger.conditions.map(conditionLine))) blocks.push(sectionBlock(chunk));
  const notes = trigger.notes.map(checklistBlock).filter((n) => n !== '');
  if (notes.length > 0) blocks.push(contextBlock([truncate(notes.join('\n'), NOTES_MAX)]));
  if (run.rollbackActive) {
    const reason = run.rollbackReason === null ? '' : `: ${truncate(escapeMrkdwn(run.rollbackReason), REASON_MAX)}`;
    blocks.push(contextBlock([`⏪ Rollback declared${reason}`]));
  } else if (run.status !== 'active') {
    blocks.push(contextBlock(['The run has ended.']));
  } else {
    blocks.push(
      actionsBlock(
        [button({ text: 'Declare rollback', actionId: ActionIds.declareRollback, value: triggerRef(run.id, trigger.id), style: 'danger' })],
        BlockIds.triggers(run.id, trigger.id),
      ),
    );
  }
  const count = trigger.conditions.length;
  return { text: truncate(`${escapeMrkdwn(title)} — ${count === 1 ? '1 rollback trigger' : `${count} rollback triggers`}`, 3000), blocks };
}

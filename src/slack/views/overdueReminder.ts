import type { KnownBlock } from '@slack/types';
import { ActionIds, BlockIds, sectionRef } from '../ids.js';
import { button, actionsBlock, sectionBlock } from './blockKit.js';

/**
 * The blocks of an overdue reminder: its text (from renderReminderText), and a button that stops
 * the nudges for that section. The text is also the message's fallback `text`.
 */
export function overdueReminderBlocks(runId: number, sectionId: string, text: string): KnownBlock[] {
  return [
    sectionBlock(text),
    actionsBlock(
      [button({ text: 'Acknowledge: stop nudging', actionId: ActionIds.overdueAck, value: sectionRef(runId, sectionId) })],
      BlockIds.overdue(runId, sectionId),
    ),
  ];
}

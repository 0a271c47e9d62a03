import type { KnownBlock } from '@slack/types';
import { ActionIds, BlockIds, sectionRef } from '../ids.js';
import { button, actionsBlock, sectionBlock } from './blockKit.js';

/**
 * The blocks of an overdue reminder: its text (from renderReminderText), and an Acknowledge button
 * ("someone is on it"): it stops the section's nudges and delays its page by the grace period. The text is also the message's fallback `text`.
 */
export function overdueReminderBlocks(runId: number, sectionId: string, text: string): KnownBlock[] {
  return [
    sectionBlock(text),
    actionsBlock(
      [button({ text: 'Acknowledge: I’m on it', actionId: ActionIds.overdueAck, value: sectionRef(runId, sectionId) })],
      BlockIds.overdue(runId, sectionId),
    ),
  ];
}

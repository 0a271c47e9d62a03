import type { KnownBlock } from '@slack/types';
import { ActionIds, BlockIds, sectionsRef } from '../ids.js';
import { button, actionsBlock, sectionBlock } from './blockKit.js';

/**
 * The blocks of an overdue reminder: its text (from renderReminderText), and an Acknowledge button
 * ("someone is on it"): it stops the nudges of the section (or of every section a shared nudge names)
 * and delays their page by the grace period. The text is also the message's fallback `text`.
 */
export function overdueReminderBlocks(runId: number, sectionIds: string | readonly string[], text: string): KnownBlock[] {
  const ids = typeof sectionIds === 'string' ? [sectionIds] : sectionIds;
  return [
    sectionBlock(text),
    actionsBlock(
      [button({ text: 'Acknowledge: I’m on it', actionId: ActionIds.overdueAck, value: sectionsRef(runId, ids) })],
      // A block id only has to be unique in its message; the first section keeps it short.
      BlockIds.overdue(runId, ids[0] ?? ''),
    ),
  ];
}

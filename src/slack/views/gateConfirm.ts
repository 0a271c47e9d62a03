import type { KnownBlock } from '@slack/types';
import type { DomainError } from '../../domain/errors.js';
import { ActionIds, BlockIds, itemRef } from '../ids.js';
import { actionsBlock, button, sectionBlock } from './blockKit.js';
import { domainErrorText } from './domainErrorText.js';

/**
 * The ephemeral question a Go over open items gets: the reason, and one button that records the
 * vote as "Go with N open". Not confirming is doing nothing, so there is no Cancel button.
 */
export function confirmGoMessage(error: DomainError): { text: string; blocks: KnownBlock[] } {
  const runId = Number(error.params.runId);
  const itemId = String(error.params.itemId);
  const open = Number(error.params.open);
  const text = domainErrorText(error);
  return {
    text,
    blocks: [
      sectionBlock(text),
      actionsBlock(
        [button({ text: `Go with ${open} open`, actionId: ActionIds.gateGoConfirm, value: itemRef(runId, itemId), style: 'primary' })],
        BlockIds.gateConfirm(runId, itemId),
      ),
    ],
  };
}

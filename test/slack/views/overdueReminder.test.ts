import { describe, it, expect } from 'vitest';
import type { ActionsBlock, Button } from '@slack/types';
import { ActionIds, BlockIds, parseSectionRef } from '../../../src/slack/ids.js';
import { overdueReminderBlocks } from '../../../src/slack/views/overdueReminder.js';
import { validateBlocks } from '../../support/blockKitRules.js';

describe('overdueReminderBlocks', () => {
  it('shows the reminder text and an Acknowledge button that names the run and section', () => {
    const blocks = overdueReminderBlocks(12, 's3', ':rotating_light: *#12 Release* · *Verify* is overdue.');
    expect(validateBlocks(blocks)).toEqual([]);
    expect(blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: ':rotating_light: *#12 Release* · *Verify* is overdue.' } });
    const actions = blocks[1] as ActionsBlock;
    expect(actions.block_id).toBe(BlockIds.overdue(12, 's3'));
    const ack = actions.elements[0] as Button;
    expect(ack.action_id).toBe(ActionIds.overdueAck);
    expect(parseSectionRef(ack.value ?? '')).toEqual({ runId: 12, sectionId: 's3' });
  });
});

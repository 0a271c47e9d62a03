/**
 * A click's ack carries only the click's own write. The escalation rules (PagerDuty paging) run
 * after the handler has acked, so a rule evaluation that fails cannot turn a recorded click into
 * an error reply, nor make Slack wait for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/waitFor.js';
import { ALICE, clickItem, itemRow, startHarness, startRun, type Harness } from './checklistHarness.js';

let h: Harness | null = null;

afterEach(async () => {
  await h?.close();
  h = null;
});

describe('paging rules run after the ack', () => {
  it('acks and records a click even when evaluating the paging rules throws, and logs the failure', async () => {
    h = await startHarness();
    const harness = h;
    const { runId } = await startRun(harness, 'small-release', ALICE);
    const evaluated: number[] = [];
    // The paging layer is the network edge here: its rule evaluation is made to fail, as a PagerDuty
    // state read or a broken rule would (evaluate is async since the store is: it fails by rejecting).
    harness.bot.bot.paging.evaluate = async (id: number) => {
      evaluated.push(id);
      throw new Error('escalation rules blew up');
    };

    const response = await clickItem(harness, 's0.i0', { user: ALICE });

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(await itemRow(harness.db, runId, 's0.i0')).toMatchObject({ done: 1, done_by: ALICE });
    // No refusal or error reached the clicker: the click was recorded and nothing went wrong for them.
    expect(harness.fake.responses).toEqual([]);
    // The rules did run for this click, after it had been answered.
    await eventually(() => expect(evaluated).toContain(runId));
    await eventually(() => expect(harness.bot.logs.some((line) => line.includes(`paging rules for run ${runId} failed`))).toBe(true));
  });
});

import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import type { StoredMessage } from '../support/fakeSlack.js';
import { waitFor } from '../support/waitFor.js';
import { prepared } from '../../src/store/db.js';
import { openTestDatabase } from '../support/testDatabase.js';

const CHANNEL = 'C0DEPLOY';

/** Every checkbox option of the run's phase messages: the block it sits in and its item id. */
function checkboxTargets(messages: StoredMessage[]): Array<{ ts: string; blockId: string; itemId: string }> {
  const targets: Array<{ ts: string; blockId: string; itemId: string }> = [];
  for (const message of messages) {
    for (const block of message.blocks) {
      const elements = Array.isArray(block['elements']) ? (block['elements'] as Array<Record<string, unknown>>) : [];
      for (const element of elements) {
        if (element['type'] !== 'checkboxes') continue;
        for (const option of element['options'] as Array<{ value: string }>) {
          targets.push({ ts: message.ts, blockId: String(block.block_id), itemId: option.value });
        }
      }
    }
  }
  return targets;
}

describe('kill -9 during a burst of clicks', () => {
  const open = botProcessPerTest();

  it('keeps every click that was acknowledged with HTTP 200, and records none twice', async () => {
    const bed = await open();
    const bot = await bed.start();
    const slack = bed.slack();
    expect((await slack.command('start burst-board', { channel: CHANNEL })).status).toBe(200);
    const targets = await waitFor(
      () => {
        const found = checkboxTargets(bed.fake.messages(CHANNEL));
        return found.length === 40 ? found : undefined;
      },
      { timeoutMs: 10_000 },
    );

    // 40 people each tick a different item, all at once; the process is killed while they land.
    const acked: string[] = [];
    const clicks = targets.map((target, i) =>
      slack
        .clickCheckbox({
          user: `U0USER${String(i).padStart(2, '0')}`,
          channel: CHANNEL,
          ts: target.ts,
          blockId: target.blockId,
          itemValue: target.itemId,
          checked: true,
        })
        .then((response) => {
          if (response.status === 200) acked.push(target.itemId);
        })
        .catch(() => undefined),
    );
    await waitFor(() => acked.length >= 5, { timeoutMs: 10_000 });
    await bot.kill9();
    await Promise.all(clicks);
    expect(acked.length).toBeGreaterThanOrEqual(5);
    if (process.env.DEBUG_BURST) console.log(`acked before the kill: ${acked.length} of ${targets.length}`);

    await bed.start();
    const status = await bed.slack().command('status', { channel: CHANNEL });
    expect(status.status).toBe(200);
    await bed.stop();

    const db = await openTestDatabase(bed.databasePath!);
    const done = new Set(
      ((await prepared(db, 'SELECT item_id FROM item_states WHERE done = 1').all()) as Array<{ item_id: string }>).map((r) => r.item_id),
    );
    const ticks = (await prepared(db, `SELECT target, COUNT(*) AS n FROM audit WHERE action = 'item.tick' GROUP BY target`).all()) as Array<{
      target: string;
      n: number;
    }>;
    await db.close();
    for (const itemId of acked) expect(done.has(itemId), `${itemId} was acknowledged but not recorded`).toBe(true);
    for (const row of ticks) expect(row.n, `${row.target} recorded twice`).toBe(1);
  }, 60_000);
});

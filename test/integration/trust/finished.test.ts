/**
 * Issue 9 — A finished or aborted run looks finished: controls are removed from every message of
 * the run, banners reflect the final state, late clicks get an ephemeral "run #N finished at …",
 * nothing is paged or nudged after the end, and `status` / `export` without `#N` in a channel whose
 * last run ended act on that run.
 *
 * Fixtures: gate-drill.md (a gate and a rollback phase), waive-drill.md, page-drill.md, nudge-drill.md.
 *
 * Choices assumed:
 * - "Removed or disabled": Slack has no disabled state, so the run's messages carry no buttons,
 *   checkboxes or selects once the run has ended.
 * - The late-click answer contains "#<run>" and "finished at" (or "aborted at" for an aborted run).
 */
import { describe, expect, it } from 'vitest';
import {
  BOB,
  CAROL,
  CHANNEL,
  HOUR,
  controlsIn,
  ephemeralsTo,
  openWorld,
  pageTriggers,
  reminderMessages,
  reminders,
  runMessages,
  runRow,
  tick,
  visibleText,
  waitFor,
} from './trustWorld.js';
import { ActionIds } from '../../../src/slack/ids.js';
import { prepared } from '../../../src/store/db.js';

describe('issue 9 · a finished or aborted run looks finished', () => {
  it('removes every control from every message of an aborted run and drops the "Rollback active" banner', async () => {
    const w = await openWorld();
    const { runId } = await w.start('gate-drill');
    await w.say(`role approver <@${CAROL}>`);
    await w.say('rollback the canary burns');
    await w.bot.bot.sync.idle();
    expect(runMessages(w).some((m) => /Rollback active/.test(visibleText(m)))).toBe(true);

    await w.say('abort rolled back by hand');
    expect((await runRow(w.db, runId)).status).toBe('aborted');
    await w.settle(400);

    for (const m of runMessages(w)) {
      expect(controlsIn(m), `message ${m.ts} of the ended run still has controls`).toEqual([]);
      expect(visibleText(m), `message ${m.ts} still shows an active rollback`).not.toMatch(/Rollback active/);
    }
  });

  it('answers a late click on a finished run with an ephemeral "run #N finished at …" and changes nothing', async () => {
    const w = await openWorld();
    const { runId } = await w.start('waive-drill');
    await tick(w, runId, 's0.i0');
    const before = runMessages(w).find((m) => m.blocks.some((b) => String(b.block_id ?? '').startsWith(`dd_items:${runId}:s0`)))!;
    await w.say('finish waive the rest was done by hand');
    await w.bot.bot.sync.idle();
    const since = Date.now();

    const block = before.blocks.find((b) => String(b.block_id ?? '').startsWith(`dd_items:${runId}:s0`))!;
    await w.bot.slack.clickCheckbox({
      ts: before.ts,
      blockId: String(block.block_id),
      itemValue: 's0.i1',
      checked: true,
      user: BOB,
      channel: CHANNEL,
      seenMessage: before,
    });

    const said = (await ephemeralsTo(w, BOB, since)).join('\n');
    expect(said).toMatch(new RegExp(`#${runId}\\b[^\\n]*finished at`, 'i'));
    const row = (await prepared(w.db, 'SELECT done, waived_reason FROM item_states WHERE run_id = ? AND item_id = ?').get(runId, 's0.i1')) as {
      done: number;
      waived_reason: string;
    };
    expect(row.done).toBe(0);
    expect(row.waived_reason).toMatch(/by hand/);
  });

  it('pages and nudges nothing after the run has ended', async () => {
    const w = await openWorld({ pagerDuty: true });
    const { runId } = await w.start('page-drill');
    await w.say('abort called off');
    const endedAt = w.now();
    const postsAtEnd = reminderMessages(w).length;
    w.advance(3 * HOUR);
    await w.settle(1_500);

    expect((await reminders(w.db, runId)).filter((r) => r.status === 'sent' && (r.sent_at ?? 0) > endedAt && r.kind !== 'notice')).toEqual([]);
    expect(reminderMessages(w).length - postsAtEnd, 'at most the "run ended" notice').toBeLessThanOrEqual(1);
    expect(pageTriggers(w.pd!)).toEqual([]);
  });

  it('takes the Acknowledge button off a nudge posted before the run ended, keeping what it said', async () => {
    const w = await openWorld();
    const { runId } = await w.start('nudge-drill');
    w.advance(HOUR + 30_000); // Warm-up closed at T+1h with its items open: a nudge with Acknowledge
    await waitFor(async () => (await reminders(w.db, runId)).find((r) => r.kind === 'overdue' && r.status === 'sent'), {
      timeoutMs: 5_000,
      message: 'the overdue nudge is sent',
    });
    const nudge = await waitFor(() => reminderMessages(w).find((m) => controlsIn(m).includes(`button:${ActionIds.overdueAck}`)), {
      timeoutMs: 3_000,
      message: 'the nudge offers Acknowledge',
    });

    await w.say('abort called off');
    expect((await runRow(w.db, runId)).status).toBe('aborted');
    await w.bot.bot.sync.idle();

    const after = reminderMessages(w).find((m) => m.ts === nudge.ts)!;
    expect(controlsIn(after), 'the ended run’s nudge still has controls').toEqual([]);
    expect(after.text).toBe(nudge.text);
    expect(visibleText(after)).toContain(nudge.text);
  });

  it('acts on the channel’s last ended run for `status` and `export` without #N', async () => {
    const w = await openWorld();
    const { runId } = await w.start('waive-drill');
    await w.say('finish waive done by hand');
    expect((await runRow(w.db, runId)).status).toBe('completed');

    const status = await w.say('status');
    expect(status).toMatch(new RegExp(`#${runId}\\b`));
    expect(status).toMatch(/finished|completed/i);
    const exported = await w.say('export');
    expect(exported).toMatch(new RegExp(`#${runId}\\b`));
    expect(exported).toMatch(/done by hand/);
  });
});

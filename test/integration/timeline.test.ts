import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionIds } from '../../src/slack/ids.js';
import { listReminders } from '../../src/store/reminders.js';
import { REPO_ROOT } from '../support/startBot.js';
import { eventually, waitFor } from '../support/waitFor.js';
import { ackText, ALICE, BOB, CHANNEL, harnessPerTest, startRun, type Harness } from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';
import { openTestDatabase } from '../support/testDatabase.js';

const MINUTE = 60_000;
const open = harnessPerTest();

/** A clock the test moves forward, so hours of a deployment day pass in a moment. */
/**
 * The bot's clock, running at real speed from a fixed morning (so no test meets the end-of-day stop
 * of overdue nudges by the hour it happens to run at) and moved forward by `advance`.
 */
function steppingClock(): { clock: { now(): number }; advance(ms: number): void } {
  const morning = Date.UTC(2026, 10, 23, 9, 0);
  const startedAt = Date.now();
  let offset = 0;
  return { clock: { now: () => morning + (Date.now() - startedAt) + offset }, advance: (ms) => (offset += ms) };
}

async function pendingSectionReminders(h: Harness, runId: number) {
  return (await listReminders(h.db, runId)).filter((r) => r.status === 'pending' && r.kind !== 'notice');
}

function channelTexts(h: Harness): string[] {
  return h.fake.messages(CHANNEL).map((m) => m.text);
}

const timedDir = join(REPO_ROOT, 'test', 'fixtures', 'timed');

describe('moving the deployment', () => {
  it('slips T-0 and every pending reminder by the same amount and tells the channel', async () => {
    const h = await open({ checklistsDir: timedDir });
    const { runId } = await startRun(h, 'slip-drill in 2h');
    const before = await pendingSectionReminders(h, runId);
    const t0Before = (await h.bot.bot.runs.requireRun(runId)).t0;
    expect(before.length).toBeGreaterThan(2);

    expect(ackText(await h.bot.slack.command('slip 45m'))).toContain(`Run #${runId}: T-0 is now`);
    const run = await h.bot.bot.runs.requireRun(runId);
    expect(run.t0 - t0Before).toBe(45 * MINUTE);
    const after = await pendingSectionReminders(h, runId);
    expect(after.map((r) => `${r.kind}:${r.sectionId}:${r.dueAt - 45 * MINUTE}`).sort()).toEqual(
      before.map((r) => `${r.kind}:${r.sectionId}:${r.dueAt}`).sort(),
    );
    // The old rows stay in the table, cancelled: nothing is deleted, nothing fires twice.
    expect((await listReminders(h.db, runId)).filter((r) => r.status === 'cancelled').length).toBe(before.length);
    await eventually(() => expect(channelTexts(h).some((t) => t.includes('moved run #') && t.includes('+45m'))).toBe(true), { timeoutMs: 5_000 });

    ackText(await h.bot.slack.command('slip -15m'));
    expect((await h.bot.bot.runs.requireRun(runId)).t0 - t0Before).toBe(30 * MINUTE);
    await eventually(() => expect(channelTexts(h).some((t) => t.includes('−15m'))).toBe(true), { timeoutMs: 5_000 });
  });

  it('reschedules to a new T-0 and shows the new windows in /deploy schedule', async () => {
    const h = await open({ checklistsDir: timedDir });
    const { runId } = await startRun(h, 'slip-drill in 2h');
    ackText(await h.bot.slack.command('reschedule 2031-05-06 14:00 confirm'));
    const run = await h.bot.bot.runs.requireRun(runId);
    expect(new Date(run.t0).toISOString()).toBe('2031-05-06T14:00:00.000Z');
    const schedule = ackText(await h.bot.slack.command('schedule'));
    // Warm-up (T-1 hour) now opens at 13:00 UTC on the new day, shown as a Slack date token.
    expect(schedule).toContain(`<!date^${Date.parse('2031-05-06T13:00:00Z') / 1000}^`);
    expect(schedule).toContain('Warm-up');
    expect(schedule).toContain('upcoming');
  });

  it('refuses a slip from someone who is neither lead nor approver, and says why', async () => {
    const h = await open({ checklistsDir: timedDir });
    const { runId } = await startRun(h, 'slip-drill in 2h', ALICE);
    const t0 = (await h.bot.bot.runs.requireRun(runId)).t0;
    const text = ackText(await h.bot.slack.command('slip 30m', { user: BOB }));
    expect(text).toContain('Only the lead or an approver');
    expect((await h.bot.bot.runs.requireRun(runId)).t0).toBe(t0);
  });

  it('answers a bad duration with the forms it accepts', async () => {
    const h = await open({ checklistsDir: timedDir });
    await startRun(h, 'slip-drill in 2h');
    expect(ackText(await h.bot.slack.command('slip soon'))).toMatch(/45m/);
  });
});

describe('timers', () => {
  it('says when a started monitoring timer is up', async () => {
    const time = steppingClock();
    const h = await open({ checklistsDir: timedDir, clock: time.clock });
    const { runId } = await startRun(h, 'slip-drill');
    const timer = h.fake
      .messages(CHANNEL)
      .flatMap((m) => m.blocks.map((b) => ({ ts: m.ts, block: b })))
      .find(({ block }) => String(block.block_id ?? '').startsWith(`dd_timer:${runId}:`));
    expect(timer, 'the monitoring item offers a timer').toBeDefined();
    const clicked = await h.bot.slack.clickButton({ ts: timer!.ts, actionId: 'dd_timer_start', user: BOB });
    expect(clicked.status).toBe(200);
    expect((await listReminders(h.db, runId)).some((r) => r.kind === 'timer_done' && r.status === 'pending')).toBe(true);
    time.advance(31 * MINUTE);
    await eventually(() => expect(channelTexts(h).some((t) => t.includes('Time is up') && t.includes('Monitor the error rate'))).toBe(true), {
      timeoutMs: 5_000,
    });
  });

  it('fires a rollback time box when it runs out, after a rollback is declared', async () => {
    const time = steppingClock();
    const h = await open({ checklistsDir: timedDir, clock: time.clock });
    const { runId } = await startRun(h, 'slip-drill');
    ackText(await h.bot.slack.command('rollback error rate above budget'));
    await eventually(() => expect(channelTexts(h).some((t) => t.includes('Rollback declared'))).toBe(true), { timeoutMs: 5_000 });
    // A rollback step's time box starts from its button (issue 9), not with the rollback.
    time.advance(6 * MINUTE);
    await h.bot.bot.sync.idle();
    expect(channelTexts(h).some((t) => t.includes('time box') && t.includes('run out'))).toBe(false);
    const start = await waitFor(() => timerButton(h, runId), { timeoutMs: 5_000, message: 'the time box button' });
    expect((await h.bot.slack.clickButton({ ts: start.ts, actionId: ActionIds.timerStart, value: start.value, user: ALICE })).status).toBe(200);
    time.advance(6 * MINUTE);
    await eventually(() => expect(channelTexts(h).some((t) => t.includes('time box') && t.includes('run out'))).toBe(true), { timeoutMs: 5_000 });
  });
});

describe('a restart that finds a claimed overdue nudge already in the channel', () => {
  it('records it as sent and still plans the next nudge', async () => {
    const { tempDir } = await import('../support/startBot.js');
    const dir = tempDir();
    const databasePath = join(dir.dir, 'deployday.db');
    // The Warm-up (T-1 hour) closes at T-0; with the clock moved past T-0 its first overdue nudge goes out.
    const time = steppingClock();
    const first = await open({ checklistsDir: timedDir, databasePath, clock: time.clock });
    const { runId } = await startRun(first, 'slip-drill in 2h');
    time.advance(2 * 60 * MINUTE + MINUTE);
    const nudge = await waitFor(async () => (await listReminders(first.db, runId)).find((r) => r.kind === 'overdue' && r.status === 'sent'), {
      timeoutMs: 5_000,
    });
    await first.bot.stop();
    // As a crash between posting and recording would leave it: claimed, with nothing planned after it.
    const raw = await openTestDatabase(databasePath);
    await prepared(raw, `UPDATE reminders SET status = 'claimed', sent_at = NULL WHERE id = ?`).run(nudge.id);
    await prepared(raw, `DELETE FROM reminders WHERE kind = 'overdue' AND id > ?`).run(nudge.id);
    await raw.close();

    const second = await open({ checklistsDir: timedDir, databasePath, fake: first.fake, clock: time.clock });
    const rows = (await listReminders(second.db, runId)).filter((r) => r.kind === 'overdue' && r.sectionId === nudge.sectionId);
    expect(rows.find((r) => r.id === nudge.id)?.status).toBe('sent');
    expect(rows.some((r) => r.status === 'pending' && r.repeat > nudge.repeat)).toBe(true);
    // Found in the channel, so not posted a second time.
    const posted = first.fake.messages(CHANNEL).filter((m) => m.metadata?.event_payload.key === nudge.key);
    expect(posted).toHaveLength(1);
    dir.remove();
  });
});

/** The Start button of the run's time-boxed rollback step ("If not recovered in 5 minutes"), once its message is posted. */
function timerButton(h: Harness, runId: number): { ts: string; value: string } | undefined {
  for (const message of h.fake.messages(CHANNEL)) {
    if (!JSON.stringify(message.blocks).includes('If not recovered')) continue;
    for (const block of message.blocks) {
      const elements = Array.isArray(block['elements']) ? (block['elements'] as Array<Record<string, unknown>>) : [];
      const accessory = block['accessory'] as Record<string, unknown> | undefined;
      for (const e of accessory ? [...elements, accessory] : elements) {
        if (e['action_id'] === ActionIds.timerStart && String(e['value']).startsWith(`${runId}:`))
          return { ts: message.ts, value: String(e['value']) };
      }
    }
  }
  return undefined;
}

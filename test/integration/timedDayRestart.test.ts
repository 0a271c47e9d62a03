import { describe, expect, it } from 'vitest';
import { botProcessPerTest } from '../support/botProcessPerTest.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { realDelay, waitFor } from '../support/waitFor.js';
import { prepared } from '../../src/store/db.js';
import { openTestDatabase } from '../support/testDatabase.js';

const CHANNEL = 'C0DEPLOY';
/** One real second is one minute of the deployment day. */
const SCALE = 60;
const MINUTE = 60_000;

interface ReminderRow {
  key: string;
  kind: string;
  due_at: number;
  status: string;
  late: number;
  outcome: string | null;
}

function reminderKeysInSlack(fake: FakeSlack): string[] {
  return fake
    .messages(CHANNEL)
    .map((m) => m.metadata)
    .filter((meta) => meta?.event_type === 'deployday_reminder')
    .map((meta) => String(meta!.event_payload.key));
}

describe('a short deployment day through the real bot, killed and restarted mid-day', () => {
  const open = botProcessPerTest();

  it('delivers every reminder exactly once across a kill -9 and restart', async () => {
    const epoch = Date.now();
    const bed = await open({ env: { DEPLOYDAY_CLOCK_SCALE: String(SCALE), DEPLOYDAY_CLOCK_EPOCH: String(epoch) } });
    const { fake } = bed;
    const virtualNow = () => epoch + (Date.now() - epoch) * SCALE;

    const bot = await bed.start();
    let slack = bed.slack();
    // T-0 eight minutes (eight real seconds) out: the run's first posts, paced to one a second per
    // channel like Slack's, are done before the first reminder falls due, so no announcement is
    // held back by the pacing until its moment has passed.
    const started = await slack.command('start short-day in 8m', { channel: CHANNEL });
    expect(started.status).toBe(200);
    expect(JSON.stringify(started.body)).toContain('Started run');
    const t0 = virtualNow() + 8 * MINUTE;

    // Let the day run until just after T-0, then pull the plug without warning.
    await waitFor(() => virtualNow() >= t0 + 0.5 * MINUTE, { timeoutMs: 15_000 });
    const sentBeforeKill = reminderKeysInSlack(fake).length;
    await bot.kill9();
    // Down for two minutes of the day: the Cut-over's "opened" and the Warm-up's first overdue nudge fall due meanwhile.
    await realDelay(2_000);
    await bed.start();
    slack = bed.slack();

    // Run on past the Soak's opening and a few overdue repeats.
    const horizon = t0 + 8 * MINUTE;
    await waitFor(() => virtualNow() >= horizon, { timeoutMs: 15_000 });
    await realDelay(1_500);
    const status = await slack.command('status', { channel: CHANNEL });
    expect(status.status).toBe(200);
    await bed.stop();

    const db = await openTestDatabase(bed.databasePath!);
    const rows = (await prepared(db, 'SELECT key, kind, due_at, status, late, outcome FROM reminders ORDER BY due_at, id').all()) as ReminderRow[];
    await db.close();

    if (process.env.DEBUG_DAY)
      console.log(
        rows.map((r) => `${new Date(r.due_at).toISOString().slice(11, 19)} ${r.status} late=${r.late} ${r.key} ${r.outcome ?? ''}`).join('\n'),
      );
    const inSlack = reminderKeysInSlack(fake);
    // Exactly once: no reminder key reached the channel twice.
    expect(inSlack.length).toBe(new Set(inSlack).size);
    // Every reminder the bot recorded as sent is in the channel, and nothing else is.
    const sent = rows.filter((r) => r.status === 'sent' && r.kind !== 'notice').map((r) => r.key);
    expect(new Set(inSlack.filter((k) => !k.includes(':notice:')))).toEqual(new Set(sent));
    // Nothing due before the horizon was lost: each is sent or deliberately skipped as stale.
    const dueByHorizon = rows.filter((r) => r.due_at <= horizon - MINUTE);
    for (const row of dueByHorizon) expect(['sent', 'skipped'], `${row.key} is ${row.status}`).toContain(row.status);
    const skipped = dueByHorizon.filter((r) => r.status === 'skipped');
    for (const row of skipped) expect(row.outcome, row.key).toMatch(/moment passed|no longer needed/);
    // The day really happened around the restart: reminders before the kill, late ones after it, and repeats.
    expect(sentBeforeKill).toBeGreaterThanOrEqual(2);
    const kinds = new Set(rows.filter((r) => r.status === 'sent').map((r) => r.kind));
    for (const kind of ['opens_soon', 'opened', 'overdue']) expect(kinds).toContain(kind);
    expect(rows.some((r) => r.status === 'sent' && r.late === 1)).toBe(true);
    expect(rows.filter((r) => r.kind === 'overdue' && r.status === 'sent').length).toBeGreaterThanOrEqual(3);
    // The checklist messages were posted once each, and not again after the restart.
    const runMessages = fake
      .messages(CHANNEL)
      .map((m) => m.metadata)
      .filter((meta) => meta?.event_type === 'deployday_message')
      .map((meta) => String(meta!.event_payload.key));
    expect(runMessages.length).toBe(new Set(runMessages).size);
  }, 60_000);
});

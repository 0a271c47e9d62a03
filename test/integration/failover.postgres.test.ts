/**
 * Issue 15's failover test: two replicas of the real bot (each `node dist/main.js`) on one
 * PostgreSQL, a timed day on the accelerated clock, clicks spread across both. One replica is
 * killed -9 while it posts a reminder, started again, and then the other is killed -9 while it
 * updates a checklist message. What must hold, read from the fakes' records and the database:
 * every acknowledged click is kept, every reminder is posted exactly once and within one poll
 * interval plus the lease of its due time (plus one post pace), every page is triggered once, and every message ends
 * showing the final state. The test prints the figures (lateness of each reminder, duplicates,
 * pages, who held what when it was killed).
 *
 * Needs `npm run build` first and NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POST_INTERVAL_MS } from '../../src/slack/channelPostPacer.js';
import { LEASE_MS } from '../../src/store/leases.js';
import { assertTestCaTrusted } from '../support/fakePagerDuty.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { type ReplicaSet, replicaSetPerTest } from '../support/replicaSet.js';
import {
  checklistTargets,
  doneItems,
  messagesShowState,
  type ReminderFigure,
  reminderFigures,
  reminderPosts,
  printFigures,
  virtualClock,
} from '../support/failoverDay.js';
import { waitFor } from '../support/waitFor.js';

const CHANNEL = 'C0FAILOVER';
/** One real second is half a minute of the deployment day. */
const SCALE = 30;
const MINUTE = 60_000;
/** The reminder poller claims every second (src/jobs/reminderPoller.ts, node-cron '* * * * * *'). */
const POLL_MS = 1_000;
/**
 * How long the fake holds the dying replica's call before answering it: long enough that the kill
 * lands while it is in flight, even on a machine busy with other test files.
 */
const HOLD_MS = 5_000;

beforeAll(assertTestCaTrusted);

describe('two replicas on one PostgreSQL, each killed -9 in turn during a timed day', () => {
  const open = replicaSetPerTest();

  it(
    'keeps every acknowledged click, posts each reminder once within a poll and a lease, pages once and converges every message',
    async () => {
      const epoch = Date.now();
      const set = await open({
        count: 2,
        checklists: 'test/fixtures/failover',
        env: { DEPLOYDAY_CLOCK_SCALE: String(SCALE), DEPLOYDAY_CLOCK_EPOCH: String(epoch) },
      });
      const clock = virtualClock(epoch, SCALE);
      await Promise.all([set.start(0), set.start(1)]);

      // T-0 eight minutes (sixteen real seconds) out: the run's five messages, paced like Slack's one a
      // second per channel, are posted before the first reminder falls due.
      const started = await set.slack(0).command('start failover-day in 8m', { channel: CHANNEL });
      expect(started.status).toBe(200);
      const runRow = await waitFor(async () => (await set.db.query('SELECT id, t0 FROM runs')).rows[0] as { id: string; t0: string } | undefined, {
        timeoutMs: 10_000,
      });
      const t0 = Number(runRow.t0);
      const targets = await waitFor(
        () => {
          const found = checklistTargets(set.fake.messages(CHANNEL));
          return found.size === 10 ? found : undefined;
        },
        { timeoutMs: 20_000, message: 'the run’s messages posted' },
      );

      const acked: Array<{ itemId: string; user: string; replica: number }> = [];
      let turn = 0;
      let clicks = 0;
      /** Ticks `title` on the next running replica in turn, once the day has reached T0 + `offsetMinutes`. */
      const tick = async (title: string, offsetMinutes: number, only?: number) => {
        await waitFor(() => clock.now() >= t0 + offsetMinutes * MINUTE, { timeoutMs: 120_000, intervalMs: 25 });
        const target = targets.get(title);
        if (!target) throw new Error(`no checkbox for ${title}`);
        const alive = set.alive();
        const replica = only ?? alive[turn++ % alive.length]!;
        const user = `U0CLICK${String(clicks++).padStart(2, '0')}`;
        const response = await set.slack(replica).clickCheckbox({
          user,
          channel: CHANNEL,
          ts: target.ts,
          blockId: target.blockId,
          itemValue: target.itemId,
          checked: true,
        });
        if (response.status === 200) acked.push({ itemId: target.itemId, user, replica });
        return response.status;
      };

      await tick('Scale up the new pool', -3);
      await tick('Flip the switch', -2);

      // First kill, once the T-1 "opens soon" is out: whichever replica posts a reminder due at T-0
      // dies with the post in flight (the fake holds it, then refuses it: it never reached the
      // channel). Its rows stay claimed under its lease until the lease runs out; then the survivor
      // takes them over, looks for them in the channel, and posts them.
      await waitFor(async () => clock.now() >= t0 - 0.5 * MINUTE && (await reminderStatus(set, 'opens_soon', t0 - MINUTE)) === 'sent', {
        timeoutMs: 60_000,
        intervalMs: 25,
        message: 'the Cut-over’s "opens soon" posted',
      });
      set.fake.failNext('chat.postMessage', 1, { delayMs: HOLD_MS, status: 500 });
      const heldPost = await waitFor(() => set.fake.callsTo('chat.postMessage').find((call) => call.status === 0), {
        timeoutMs: 60_000,
        intervalMs: 5,
        message: 'a reminder post in flight at T-0',
      });
      const heldKey = String((heldPost.args['metadata'] as { event_payload: { key: string } }).event_payload.key);
      const holder = (await set.db.query('SELECT leased_by FROM reminders WHERE key = $1', [heldKey])).rows[0] as { leased_by: string | null };
      const firstVictim = set.holderOf(holder.leased_by ?? '') ?? 0;
      const heldKeys = (
        (await set.db.query('SELECT key FROM reminders WHERE leased_by = $1 AND status = $2', [holder.leased_by, 'claimed'])).rows as Array<{
          key: string;
        }>
      ).map((r) => r.key);
      const killedAt = Date.now();
      await set.kill9(firstVictim);
      const survivor = 1 - firstVictim;
      const restarting = set.start(firstVictim);

      // The survivor carries the day alone meanwhile, and takes the held rows over after the lease.
      await tick('Drain the old pool', 1, survivor);
      await restarting;
      await waitFor(
        async () => {
          const rows = (await set.db.query('SELECT status FROM reminders WHERE key = ANY($1)', [heldKeys])).rows as Array<{ status: string }>;
          return rows.every((r) => r.status !== 'claimed');
        },
        { timeoutMs: LEASE_MS + 30_000, intervalMs: 50, message: 'the dead replica’s reminders taken over' },
      );
      const takenOverAfterMs = Date.now() - killedAt;

      // Second kill: the other replica dies while it updates the messages of a click it acknowledged
      // (the fake holds the next two chat.update calls, a tick's message and the overview, then
      // refuses them). A message's lease is the dead replica's until it runs out; a click on the same
      // message on the restarted replica meanwhile must still reach the message after that.
      set.fake.failNext('chat.update', 2, { delayMs: HOLD_MS, status: 500 });
      expect(await tick('Say hello in the channel', 11, survivor)).toBe(200);
      const heldUpdates = async () => {
        const held = set.fake.callsTo('chat.update').filter((call) => call.status === 0 && call.args['channel'] === CHANNEL);
        const rows = (
          await set.db.query('SELECT message_key, ts, leased_by FROM run_messages WHERE ts = ANY($1)', [held.map((call) => String(call.args['ts']))])
        ).rows as Array<{ message_key: string; leased_by: string | null }>;
        return rows.map((row) => ({ message: row.message_key, holder: set.holderOf(row.leased_by ?? '') }));
      };
      await waitFor(async () => (await heldUpdates()).length > 0, { timeoutMs: 10_000, intervalMs: 5, message: 'a message update in flight' });
      // Both held calls may not be the survivor's (the other replica's scan can take the overview): wait a moment for one that is.
      await waitFor(async () => (await heldUpdates()).some((h) => h.holder === survivor), { timeoutMs: 1_500, intervalMs: 5 }).catch(() => undefined);
      const secondKillHeld = await heldUpdates();
      await set.kill9(survivor);
      await tick('Post the plan', 12, firstVictim);
      await tick('Watch the canary', 15);
      await tick('Compare the latencies', 15.5);
      await tick('Confirm the error rate', 17);
      await tick('Watch the graphs', 19);
      await tick('Tell support', 19);

      // The day runs on to T+20; then everything due by then must be done with.
      const horizon = t0 + 20 * MINUTE;
      await waitFor(() => clock.now() >= horizon, { timeoutMs: 60_000 });
      await waitFor(
        async () => {
          const unsettled = await set.db.query(
            `SELECT (SELECT COUNT(*) FROM reminders WHERE due_at <= $1 AND status IN ('pending', 'claimed')) +
                  (SELECT COUNT(*) FROM pager_outbox WHERE status IN ('pending', 'sending')) +
                  (SELECT COUNT(*) FROM run_messages WHERE synced_version < version) AS n`,
            [horizon],
          );
          return Number(unsettled.rows[0].n) === 0;
        },
        { timeoutMs: LEASE_MS + 20_000, intervalMs: 100, message: 'reminders, pages and messages settled' },
      );
      await set.stopAll();

      // Every acknowledged click is kept: its audit row, once, and the item done.
      const ticks = (await set.db.query(`SELECT actor, target FROM audit WHERE action = 'item.tick'`)).rows as Array<{
        actor: string;
        target: string;
      }>;
      const done = await doneItems(set.db);
      for (const click of acked) {
        expect(
          ticks.filter((t) => t.actor === click.user && t.target === click.itemId),
          `${click.itemId} by ${click.user} on replica ${click.replica}`,
        ).toHaveLength(1);
        expect(done.has(click.itemId), `${click.itemId} acknowledged but not done`).toBe(true);
      }
      expect(acked.length).toBe(10);
      expect(new Set(acked.map((c) => c.replica))).toEqual(new Set([0, 1]));

      // Every reminder posted exactly once, and on time: within one poll interval plus the lease of
      // its due time (plus one pace of Slack's one post a second per channel, when several fall due together).
      const rows = (await set.db.query('SELECT key, kind, due_at, status, sent_at, outcome FROM reminders ORDER BY due_at, id')).rows as Array<{
        key: string;
        kind: string;
        due_at: string;
        status: string;
        sent_at: string | null;
        outcome: string | null;
      }>;
      const posts = reminderPosts(set.fake, CHANNEL);
      const keysInSlack = posts.map((p) => p.key);
      expect(keysInSlack.length, 'a reminder posted twice').toBe(new Set(keysInSlack).size);
      const dueByHorizon = rows.filter((r) => Number(r.due_at) <= horizon);
      for (const row of dueByHorizon) {
        expect(['sent', 'skipped', 'cancelled'], `${row.key} is ${row.status}`).toContain(row.status);
        if (row.status === 'skipped') expect(row.outcome, `${row.key} skipped`).toMatch(/no longer needed/);
      }
      expect(new Set(keysInSlack)).toEqual(new Set(rows.filter((r) => r.status === 'sent').map((r) => r.key)));
      const figures: ReminderFigure[] = reminderFigures(rows, posts, clock);
      // The bound, one poll interval plus the lease: the poller wakes at a due time and when a
      // dead replica's lease ends, not at its next beat. The pace allows for Slack's one post a
      // second per channel when several reminders fall due together (the taken-over rows meet the
      // survivor's own posts of that moment).
      const boundMs = POLL_MS + LEASE_MS + DEFAULT_POST_INTERVAL_MS;
      for (const figure of figures) expect(figure.lateRealMs, `${figure.key} late`).toBeLessThanOrEqual(boundMs);
      // The rows the first victim held were taken over and posted (they were still true then).
      for (const key of heldKeys) expect(rows.find((r) => r.key === key)?.status, key).toBe('sent');

      // Every page once: one incident and one trigger per page the bot opened.
      const pages = (await set.db.query('SELECT dedup_key, state FROM pages')).rows as Array<{ dedup_key: string; state: string }>;
      expect(pages.length).toBeGreaterThanOrEqual(2);
      for (const page of pages) {
        const alert = set.pager.alerts.get(page.dedup_key);
        expect(alert, `${page.dedup_key} never reached PagerDuty`).toBeDefined();
        expect(
          alert!.events.filter((e) => e.action === 'trigger'),
          `${page.dedup_key} triggered more than once`,
        ).toHaveLength(1);
      }
      expect(set.pager.incidentsOpened).toBe(pages.length);

      // The messages converged: each shows exactly the items done, whichever replica took the click.
      const runMessages = (await set.db.query('SELECT message_key, ts, version, synced_version FROM run_messages')).rows as Array<{
        message_key: string;
        ts: string;
        version: number;
        synced_version: number;
      }>;
      for (const message of runMessages) expect(message.synced_version, message.message_key).toBe(message.version);
      expect(messagesShowState(set.fake, CHANNEL, done)).toEqual([]);

      printFigures({
        scale: SCALE,
        boundMs,
        figures,
        firstKill: { replica: firstVictim, heldKeys, takenOverAfterMs },
        secondKill: { replica: survivor, held: secondKillHeld },
        duplicates: keysInSlack.length - new Set(keysInSlack).size,
        pages: pages.map((p) => ({
          key: p.dedup_key,
          state: p.state,
          triggers: set.pager.alerts.get(p.dedup_key)?.events.filter((e) => e.action === 'trigger').length ?? 0,
        })),
        clicks: acked.length,
      });
    },
    240_000 + POSTGRES_START_TIMEOUT,
  );
});

/** The status of the run's reminder of `kind` due at `dueAt`. */
async function reminderStatus(set: ReplicaSet, kind: string, dueAt: number): Promise<string | undefined> {
  const rows = (await set.db.query('SELECT status, due_at FROM reminders WHERE kind = $1', [kind])).rows as Array<{ status: string; due_at: string }>;
  return rows.find((r) => Number(r.due_at) === dueAt)?.status;
}

/**
 * Issue 15 in Socket Mode: two replicas of the real bot (each `node dist/main.js` with
 * SLACK_APP_TOKEN) on one PostgreSQL, side by side with no load balancer. Each opens its own link to
 * the fake Slack, which spreads envelopes over the links as Slack does. What must hold, read from the
 * fake's records and the database: both links carry envelopes; clicks on one message, arriving on
 * both replicas at once, are each acked once within 3 s, each kept, and the message ends showing
 * them; after a kill -9 of one replica its link closes, the next envelopes go to the survivor and
 * are acked, nothing acked before is lost, and the reminders due after the kill are posted once.
 *
 * Needs `npm run build` first and NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checklistTargets, doneItems, messagesShowState, reminderPosts, virtualClock } from '../support/failoverDay.js';
import { assertTestCaTrusted } from '../support/fakePagerDuty.js';
import { POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { type ReplicaSet, replicaSetPerTest } from '../support/replicaSet.js';
import type { SlackClient } from '../support/slackClient.js';
import { waitFor } from '../support/waitFor.js';

const CHANNEL = 'C0SOCKETS';
/** One real second is a minute of the deployment day: T-0 "in 14m" is 14 s after the start. */
const SCALE = 60;
const MINUTE = 60_000;

beforeAll(assertTestCaTrusted);

interface Click {
  title: string;
  itemId: string;
  user: string;
  checked: boolean;
}

describe('two Socket Mode replicas on one PostgreSQL, one killed -9 mid-day', () => {
  const open = replicaSetPerTest();

  it(
    'spreads envelopes over both links, acks every click once and keeps it, and carries on with the survivor after a kill',
    async () => {
      const epoch = Date.now();
      const set = await open({
        count: 2,
        transport: 'socket',
        checklists: 'test/fixtures/socketReplicas',
        env: { DEPLOYDAY_CLOCK_SCALE: String(SCALE), DEPLOYDAY_CLOCK_EPOCH: String(epoch) },
      });
      const clock = virtualClock(epoch, SCALE);
      const socket = set.fake.socket;
      await Promise.all([set.start(0), set.start(1)]);
      const links = [set.connectionOf(0), set.connectionOf(1)];
      expect(new Set(links).size, 'each replica opened a link of its own').toBe(2);
      expect(socket.liveConnectionIds().sort()).toEqual([...links].sort());
      // The warm-ups went to each replica on purpose; from here on, the fake (Slack) picks the link.
      const warmUps = socket.envelopes.length;
      const slack = set.spread();

      const started = await slack.command('start socket-day in 14m', { channel: CHANNEL });
      expect(started.status).toBe(200);
      const run = await waitFor(async () => (await set.db.query('SELECT id, t0 FROM runs')).rows[0] as { id: string; t0: string } | undefined, {
        timeoutMs: 10_000,
        message: 'the run started',
      });
      const t0 = Number(run.t0);
      const targets = await waitFor(
        () => {
          const found = checklistTargets(set.fake.messages(CHANNEL));
          return found.size === 6 ? found : undefined;
        },
        { timeoutMs: 20_000, message: 'the run’s messages posted' },
      );

      // The four Checks, ticked at once by four people on the one message: Slack spreads them over both links.
      const checks = ['Open the dashboard', 'Warm the caches', 'Check the queue', 'Read the runbook'];
      const before = socket.envelopes.length;
      const ticked = await clickAll(
        slack,
        targets,
        checks.map((title, i) => ({ title, user: `U0TICK${i}`, checked: true })),
      );
      const concurrent = socket.envelopes.slice(before);
      expect(new Set(concurrent.map((e) => e.connection)), 'the concurrent clicks on one message reached both replicas').toEqual(new Set(links));
      expect(new Set(concurrent.map((e) => (e.payload['container'] as { message_ts: string }).message_ts)).size, 'all on one message').toBe(1);
      expect(new Set(socket.envelopes.slice(warmUps).map((e) => e.connection)), 'both links carried envelopes').toEqual(new Set(links));
      await expectKept(set, ticked);
      await settled(set);
      expect(messagesShowState(set.fake, CHANNEL, await doneItems(set.db))).toEqual([]);

      // kill -9 the replica on the first link. Nothing of it is in flight: its messages are synced, no reminder is due yet.
      const victim = 0;
      const survivor = 1;
      const killedAt = clock.now();
      expect(killedAt, 'the kill must come before the Switch’s "opens soon" (the machine was too slow for this day)').toBeLessThan(t0 - 2 * MINUTE);
      const killedRealAt = Date.now();
      await set.kill9(victim);
      const closed = await waitFor(() => socket.connectionLog.find((c) => c.id === links[victim])?.closedAt, {
        timeoutMs: 5_000,
        message: 'the dead replica’s link closed',
      });
      expect(socket.liveConnectionIds()).toEqual([links[survivor]]);
      // Nothing acked before the kill is lost.
      await expectKept(set, ticked);

      // The next envelopes all go to the survivor and are acked: a tick on the Switch, an untick on the Checks.
      const afterKill = socket.envelopes.length;
      const moved = await clickAll(slack, targets, [
        { title: 'Flip the switch', user: 'U0AFTER0', checked: true },
        { title: 'Read the runbook', user: 'U0AFTER1', checked: false },
      ]);
      const status = await slack.command('status', { channel: CHANNEL });
      expect(status.status).toBe(200);
      expect(socket.envelopes.slice(afterKill).map((e) => e.connection)).toEqual(socket.envelopes.slice(afterKill).map(() => links[survivor]));
      // What came after is kept too (the runbook's tick is undone by its untick).
      await expectKept(set, [...ticked.filter((c) => c.title !== 'Read the runbook'), ...moved]);

      // The day runs past T-0: the Switch's "opens soon" and "open now" and the Checks' "overdue" (one is
      // open again), all due after the kill, fall to the survivor alone.
      const horizon = t0 + MINUTE;
      await waitFor(() => clock.now() >= horizon, { timeoutMs: 30_000, message: 'T+1 on the bots’ clock' });
      await settled(set, horizon);
      await set.stopAll();

      // Every envelope the fake sent was acked once, on its own link, within Slack's 3 s (the fake's 'ok').
      for (const envelope of socket.envelopes) {
        const acks = socket.acks.filter((a) => a.envelopeId === envelope.envelopeId);
        expect(acks, `${envelope.type} ${envelope.envelopeId}`).toHaveLength(1);
        expect(acks[0]).toMatchObject({ outcome: 'ok', connection: envelope.connection });
      }
      expect(socket.acks.filter((a) => a.outcome !== 'ok')).toEqual([]);

      // Each reminder posted exactly once; those due after the kill by the survivor, the only one left.
      const rows = (await set.db.query('SELECT key, kind, due_at, status, outcome FROM reminders ORDER BY due_at, id')).rows as Array<{
        key: string;
        kind: string;
        due_at: string;
        status: string;
      }>;
      const posted = reminderPosts(set.fake, CHANNEL).map((p) => p.key);
      expect(posted.length, 'a reminder posted twice').toBe(new Set(posted).size);
      expect(new Set(posted)).toEqual(new Set(rows.filter((r) => r.status === 'sent').map((r) => r.key)));
      const dueAfterKill = rows.filter((r) => Number(r.due_at) > killedAt && Number(r.due_at) <= horizon);
      expect(dueAfterKill.map((r) => [r.kind, r.status]).sort()).toEqual([
        ['opened', 'sent'],
        ['opens_soon', 'sent'],
        ['overdue', 'sent'],
      ]);

      // The messages converged on the final state, whichever replica took each click.
      const unsynced = await set.db.query('SELECT message_key FROM run_messages WHERE synced_version < version');
      expect(unsynced.rows).toEqual([]);
      const done = await doneItems(set.db);
      expect([...done].sort()).toEqual(
        ['Open the dashboard', 'Warm the caches', 'Check the queue', 'Flip the switch'].map((t) => targets.get(t)!.itemId).sort(),
      );
      expect(messagesShowState(set.fake, CHANNEL, done)).toEqual([]);

      console.info(
        `[figure] Socket Mode replicas: ${socket.envelopes.length} envelopes over links ${links.join(' and ')}, all acked once; ` +
          `the kill at T${((killedAt - t0) / MINUTE).toFixed(1)} min, its link closed ${closed - killedRealAt} ms after; ` +
          `${posted.length} reminders, none twice`,
      );
    },
    120_000 + POSTGRES_START_TIMEOUT,
  );
});

/** Clicks every box at once (as different people) through `slack`, and returns the clicks the bot acked. */
async function clickAll(slack: SlackClient, targets: ReturnType<typeof checklistTargets>, clicks: Array<Omit<Click, 'itemId'>>): Promise<Click[]> {
  const acked = await Promise.all(
    clicks.map(async (click) => {
      const target = targets.get(click.title);
      if (!target) throw new Error(`no checkbox for ${click.title}`);
      const response = await slack.clickCheckbox({
        user: click.user,
        channel: CHANNEL,
        ts: target.ts,
        blockId: target.blockId,
        itemValue: target.itemId,
        checked: click.checked,
      });
      expect(response.status, `${click.title} by ${click.user}`).toBe(200);
      return { ...click, itemId: target.itemId };
    }),
  );
  return acked;
}

/** Each acked click has its one audit row by its clicker, and the item shows the click's state. */
async function expectKept(set: ReplicaSet, clicks: Click[]): Promise<void> {
  const audit = (await set.db.query(`SELECT actor, action, target FROM audit WHERE action IN ('item.tick', 'item.untick')`)).rows as Array<{
    actor: string;
    action: string;
    target: string;
  }>;
  const done = await doneItems(set.db);
  for (const click of clicks) {
    const action = click.checked ? 'item.tick' : 'item.untick';
    expect(
      audit.filter((a) => a.actor === click.user && a.target === click.itemId && a.action === action),
      `${action} of ${click.title} by ${click.user}`,
    ).toHaveLength(1);
    expect(done.has(click.itemId), `${click.title} shown ${click.checked ? 'done' : 'open'}`).toBe(click.checked);
  }
}

/** Waits until every message is synced and every reminder due by `horizon` (if given) is done with. */
async function settled(set: ReplicaSet, horizon?: number): Promise<void> {
  await waitFor(
    async () => {
      const open = await set.db.query(
        `SELECT (SELECT COUNT(*) FROM run_messages WHERE synced_version < version OR leased_by IS NOT NULL) +
                (SELECT COUNT(*) FROM reminders WHERE due_at <= $1 AND status IN ('pending', 'claimed')) AS n`,
        [horizon ?? 0],
      );
      return Number(open.rows[0].n) === 0;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'messages synced and reminders due settled' },
  );
}

/**
 * Slack misbehaving for a while in the middle of a run: first down (503 to everything), then so slow
 * that calls outlive the web client's timeout (and still land, late), then rate limiting (429). People
 * keep clicking throughout. Every click must be acknowledged well inside Slack's 3 s, be in the audit
 * trail, and once Slack is back the messages must show exactly what SQLite holds; reminders that fell
 * due during the outage must arrive after it, once each.
 */
import { describe, expect, it } from 'vitest';
import { ActionIds } from '../../src/slack/ids.js';
import type { FakeSlack } from '../support/fakeSlack.js';
import { eventually, realDelay } from '../support/waitFor.js';
import { listRunMessages } from '../../src/store/runMessages.js';
import {
  ALICE,
  BOB,
  CAROL,
  CHANNEL,
  ackText,
  auditRows,
  checkboxOf,
  clickItem,
  optionsIn,
  startHarness,
  startRun,
  type Harness,
} from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const MINUTE = 60_000;
/**
 * Longer than the background web client's 5 s timeout (src/slack/webClients.ts): the bot gives up,
 * and the fake still carries the call out, late — after the bot's retry, for an update.
 */
const SLOW_MS = 7_000;
/**
 * How late the bots here expect Slack may still carry out a call they gave up on (20 s in production):
 * longer than the 2 s by which the fake outlives the client's timeout, so the proof is the same.
 */
const LATE_LANDING_MS = 4_000;

/**
 * A bot and fake Slack for one test, closed when it ends (stopping waits for calls Slack still holds).
 * Takes the test's own onTestFinished: the tests run concurrently.
 */
async function openHarness(
  onTestFinished: (fn: () => Promise<void>, timeout?: number) => void,
  options: Parameters<typeof startHarness>[0] = {},
): Promise<Harness> {
  const h = await startHarness({ lateLandingMs: LATE_LANDING_MS, ...options });
  onTestFinished(async () => {
    h.fake.setDown(false);
    await h.close();
  }, 30_000);
  return h;
}

interface Ack {
  what: string;
  status: number;
}

/** The run's messages as the fake stores them (reminders and notices excluded). */
function runMessages(fake: FakeSlack, runId: number) {
  return fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'deployday_message' && m.metadata.event_payload['run_id'] === runId);
}

/** Item → ticked, for every checkbox of the run's messages, as the people in the channel see them. */
function shownInSlack(fake: FakeSlack, runId: number): Record<string, boolean> {
  const shown: Record<string, boolean> = {};
  for (const message of runMessages(fake, runId)) {
    const ticked = new Set(Object.values(fake.checkboxesState(CHANNEL, message.ts)).flat());
    for (const option of optionsIn(message)) shown[option.value] = ticked.has(option.value);
  }
  return shown;
}

/** The same items, as SQLite holds them (template state included). */
async function heldInDatabase(h: Harness, runId: number, items: string[]): Promise<Record<string, boolean>> {
  const snapshot = await h.bot.bot.runs.snapshot(runId);
  return Object.fromEntries(items.map((id) => [id, snapshot.items[id]?.done === true && !snapshot.items[id]?.waivedReason]));
}

/** What a person reads in a message: every text in its blocks and every ticked box (Slack's added defaults left out). */
function contentOf(text: unknown, blocks: unknown): string {
  const parts: unknown[] = [text];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (typeof record['text'] === 'string') parts.push(record['text']);
      if (Array.isArray(record['initial_options'])) parts.push((record['initial_options'] as Array<{ value?: unknown }>).map((o) => o.value));
      Object.values(record).forEach(walk);
    }
  };
  walk(blocks);
  return JSON.stringify(parts);
}

/** Run messages that do not show the last update the bot sent them (an older one landed after it). */
function staleMessages(fake: FakeSlack, runId: number): string[] {
  const stale: string[] = [];
  for (const message of runMessages(fake, runId)) {
    const updates = fake.callsTo('chat.update').filter((c) => c.args['ts'] === message.ts);
    const last = updates[updates.length - 1];
    if (last && contentOf(last.args['text'], last.args['blocks']) !== contentOf(message.text, message.blocks)) {
      stale.push(`${message.ts} (${String(message.metadata?.event_payload['key'])}) shows an older update than the last one sent`);
    }
  }
  return stale;
}

function reminderKeysInSlack(fake: FakeSlack): string[] {
  return fake
    .messages(CHANNEL)
    .filter((m) => m.metadata?.event_type === 'deployday_reminder')
    .map((m) => String(m.metadata!.event_payload['key']));
}

interface ReminderRow {
  key: string;
  kind: string;
  status: string;
  due_at: number;
}

async function reminders(h: Harness, runId: number): Promise<ReminderRow[]> {
  return (await prepared(h.db, 'SELECT key, kind, status, due_at FROM reminders WHERE run_id = ? ORDER BY id').all(runId)) as ReminderRow[];
}

// The two tests spend most of their time waiting out Slack's slowness: they wait side by side.
describe.concurrent('a Slack outage in the middle of a run', () => {
  it('acks every click through 503s, timeouts and 429s, loses none, and converges once Slack is back', async ({ onTestFinished }) => {
    const clock = { offset: 0 };
    const h = await openHarness(onTestFinished, { clock: { now: () => Date.now() + clock.offset } });
    // T-0 a minute ahead: a window that closed by the run's start is missed at start, never nudged (issue 9).
    const { runId } = await startRun(h, 'small-release in 1m');
    // "Before" closes at T-0, a minute from now: its first overdue nudge goes out then; wait for it.
    clock.offset += MINUTE;
    await eventually(async () => expect((await reminders(h, runId)).some((r) => r.kind === 'overdue' && r.status === 'sent')).toBe(true), {
      timeoutMs: 4_000,
    });
    await h.bot.bot.sync.idle();
    const gateTs = checkboxOf(h.fake, 's1.i0').ts;

    const acks: Ack[] = [];
    const acked = async <T extends { status: number }>(what: string, send: () => Promise<T>): Promise<T> => {
      const response = await send();
      acks.push({ what, status: response.status });
      return response;
    };

    // ---- 1. Slack is down: every API call (and response_url post) answers 503.
    h.fake.setDown(true);
    await acked('tick s0.i0', () => clickItem(h, 's0.i0', { user: ALICE }));
    // The canary is done before the Go: a Go over open items would only ask to confirm.
    await acked('tick s1.i0', () => clickItem(h, 's1.i0', { user: BOB }));
    await acked('gate go', () => h.bot.slack.clickButton({ ts: gateTs, actionId: ActionIds.gateGo, value: `${runId}:s1.i1`, user: ALICE }));
    await acked('refused sign-off', () => clickItem(h, 's4.i0', { user: BOB }));
    await acked('/deploy status', () => h.bot.slack.command('status', { user: BOB }));
    // The next overdue nudge for "Before" (s0.i1 is still open) falls due while Slack is down.
    clock.offset += 15 * MINUTE;
    await eventually(() => expect(h.fake.calls.filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(3), { timeoutMs: 5_000 });
    await realDelay(1_500);

    // ---- 2. Slack is back but too slow: the first update, and two reminder posts, outlive the client's
    // timeout and are carried out anyway, late; one reminder is rate limited on the way.
    h.fake.setDown(false);
    h.fake.failNext('chat.update', 1, { delayMs: SLOW_MS });
    h.fake.failNext('chat.postMessage', 1, { status: 429, retryAfter: 1 });
    h.fake.failNext('chat.postMessage', 2, { delayMs: SLOW_MS });
    await acked('tick s2.i0', () => clickItem(h, 's2.i0', { user: CAROL }));
    await eventually(() => expect(h.fake.callsTo('chat.update').filter((c) => c.status === 0)).toHaveLength(1), { timeoutMs: 8_000 });

    // ---- 3. Then rate limited (the updates that follow the timed-out one meet these).
    h.fake.failNext('chat.update', 3, { status: 429, retryAfter: 2 });
    await acked('untick s0.i2', () => clickItem(h, 's0.i2', { user: ALICE, checked: false }));
    await acked('tick s2.i2', () => clickItem(h, 's2.i2', { user: CAROL }));
    await acked('/deploy schedule', () => h.bot.slack.command('schedule', { user: CAROL }));

    // Every round trip was answered, whatever Slack was doing (how fast is measured in bench/).
    expect(acks.map((a) => `${a.what}: ${a.status}`)).toEqual(acks.map((a) => `${a.what}: 200`));

    // Nothing lost: every accepted click is in the audit, the refused one as a refusal.
    expect((await auditRows(h.db, runId, 'item.tick')).map((r) => r.target).sort()).toEqual(['s0.i0', 's1.i0', 's2.i0', 's2.i2']);
    expect((await auditRows(h.db, runId, 'item.untick')).map((r) => r.target)).toEqual(['s0.i2']);
    expect(await auditRows(h.db, runId, 'gate.go')).toEqual([expect.objectContaining({ actor: ALICE, target: 's1.i1' })]);
    expect(await auditRows(h.db, runId, 'denied')).toEqual([expect.objectContaining({ actor: BOB, target: 's4.i0' })]);

    // Once Slack is back, and every late call has landed, the messages show what SQLite holds.
    const items = Object.keys(shownInSlack(h.fake, runId));
    expect(items).toEqual(expect.arrayContaining(['s0.i0', 's0.i1', 's0.i2', 's1.i0', 's2.i0', 's2.i2']));
    await eventually(() => expect(h.fake.calls.filter((c) => c.status === 0).map((c) => `${c.method} ${c.at}`)).toEqual([]), {
      timeoutMs: 6 * SLOW_MS,
      intervalMs: 100,
    });
    await eventually(
      async () => {
        await h.bot.bot.sync.idle();
        expect(shownInSlack(h.fake, runId)).toEqual(await heldInDatabase(h, runId, items));
        expect(staleMessages(h.fake, runId)).toEqual([]);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // …and stay that way: nothing stale arrives afterwards, and every message (the overview's counts
    // included) shows the last thing the bot sent it, not an older update that landed late.
    await realDelay(1_500);
    await h.bot.bot.sync.idle();
    expect(shownInSlack(h.fake, runId)).toEqual(await heldInDatabase(h, runId, items));
    expect(staleMessages(h.fake, runId)).toEqual([]);
    expect(shownInSlack(h.fake, runId)).toMatchObject({ 's0.i0': true, 's0.i1': false, 's0.i2': false, 's1.i0': true, 's2.i0': true, 's2.i2': true });

    // Reminders due during the outage were delivered after it, each exactly once (two got no answer in
    // time and landed late: each is looked for in the channel before it would be posted again).
    const dueDuringOutage = [`r${runId}:notice:gate-passed:s1.i1`, expect.stringMatching(new RegExp(`^r${runId}:s0:overdue:1@`))];
    await eventually(
      async () => {
        const rows = await reminders(h, runId);
        expect(rows.filter((r) => r.status === 'sent').map((r) => r.key)).toEqual(expect.arrayContaining(dueDuringOutage));
        expect(rows.filter((r) => r.status === 'claimed' || (r.status === 'pending' && r.due_at <= Date.now() + clock.offset))).toEqual([]);
      },
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    const sent = (await reminders(h, runId)).filter((r) => r.status === 'sent');
    const inSlack = reminderKeysInSlack(h.fake);
    for (const row of sent)
      expect(
        inSlack.filter((k) => k === row.key),
        `${row.key} in Slack`,
      ).toHaveLength(1);
    expect(new Set(inSlack).size).toBe(inSlack.length);
    expect(h.fake.findText(CHANNEL, 'Gate passed')).toHaveLength(1);

    // All three kinds of failure really happened, to message updates and to reminders alike.
    const failed = (method: string, status: number) => h.fake.callsTo(method).filter((c) => c.status === status).length;
    expect(failed('chat.update', 503)).toBeGreaterThan(0);
    expect(failed('chat.update', 429)).toBe(3);
    expect(failed('chat.postMessage', 503)).toBeGreaterThan(0);
    expect(failed('chat.postMessage', 429)).toBe(1);
    expect(h.bot.logs.filter((l) => /aborted due to timeout/.test(l)).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('posts a checklist message once when Slack carries out a post it gave no answer to', async ({ onTestFinished }) => {
    const h = await openHarness(onTestFinished);
    // The run's first message (its overview) is posted after the client has given up on the call.
    h.fake.failNext('chat.postMessage', 1, { delayMs: SLOW_MS });
    const text = ackText(await h.bot.slack.command('start small-release', { user: ALICE }));
    const runId = Number(/Started run \*#(\d+)\*/.exec(text)?.[1]);

    await eventually(
      async () => expect((await listRunMessages(h.db, runId)).every((m) => m.ts !== null && m.syncedVersion >= m.version)).toBe(true),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );
    // Whatever Slack was still holding has landed by now.
    await eventually(() => expect(h.fake.calls.filter((c) => c.status === 0)).toEqual([]), { timeoutMs: 30_000, intervalMs: 100 });
    await h.bot.bot.sync.idle();
    // Each of the run's messages is in the channel once, in order, and the late one shows the latest state.
    const expected = (await listRunMessages(h.db, runId)).map((m) => m.key);
    expect(runMessages(h.fake, runId).map((m) => m.metadata?.event_payload['key'])).toEqual(expected);
    expect((await listRunMessages(h.db, runId)).map((m) => m.ts)).toEqual(runMessages(h.fake, runId).map((m) => m.ts));
    expect(staleMessages(h.fake, runId)).toEqual([]);
    expect(h.bot.logs.some((l) => l.includes('message overview had reached Slack after all'))).toBe(true);
  }, 90_000);
});

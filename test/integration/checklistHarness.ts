/**
 * Shared plumbing for the end-to-end checklist tests: a fake Slack plus the real bot, and
 * small readers for what a test asserts on (the run's rows in SQLite, the messages in the fake).
 */
import { afterEach } from 'vitest';
import { startFakeSlack, type FakeSlack, type SlackBlock, type StoredMessage } from '../support/fakeSlack.js';
import { DEFAULT_CHANNEL, type InteractionResponse, type SeenMessage } from '../support/slackClient.js';
import { startBot, type RunningBot, type StartBotOptions, type Transport } from '../support/startBot.js';
import type { Clock } from '../../src/service/clock.js';
import { prepared, type Db } from '../../src/store/db.js';

export const CHANNEL = DEFAULT_CHANNEL;
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const CAROL = 'U0CAROL';

/**
 * Real time that a test can hold still for a moment, so that everything one request does reads
 * the same instant (e.g. a run started "now" whose first window closes exactly at T-0).
 */
export function holdableClock(): { clock: Clock; hold(): void; release(): void } {
  let held: number | null = null;
  return {
    clock: { now: () => held ?? Date.now() },
    hold: () => {
      held = Date.now();
    },
    release: () => {
      held = null;
    },
  };
}

export interface Harness {
  fake: FakeSlack;
  bot: RunningBot;
  db: Db;
  /** Stops the bot then the fake; safe to call twice. */
  close(): Promise<void>;
}

export async function startHarness(options: Omit<StartBotOptions, 'fake'> & { fake?: FakeSlack } = {}): Promise<Harness> {
  const fake = options.fake ?? (await startFakeSlack());
  const bot = await startBot({ ...options, fake });
  let closed = false;
  return {
    fake,
    bot,
    db: bot.bot.db,
    async close() {
      if (closed) return;
      closed = true;
      await bot.stop().catch(() => undefined);
      await fake.close();
    },
  };
}

/** The text of an ephemeral command ack; fails the test when the ack is not an ephemeral JSON answer. */
export function ackText(response: InteractionResponse): string {
  if (response.status !== 200) throw new Error(`expected HTTP 200, got ${response.status}: ${response.text}`);
  const body = response.body as { response_type?: unknown; text?: unknown };
  if (body?.response_type !== 'ephemeral') throw new Error(`expected an ephemeral answer, got ${response.text}`);
  return String(body.text);
}

/** Starts a run with a signed `/deploy start …` and waits until its messages are all posted. */
export async function startRun(h: Harness, args = 'small-release', user = ALICE): Promise<{ runId: number; text: string }> {
  const response = await h.bot.slack.command(`start ${args}`, { user });
  const text = ackText(response);
  const match = /Started run \*#(\d+)\*/.exec(text);
  if (!match) throw new Error(`the start was not acknowledged: ${text}`);
  await h.bot.bot.sync.idle();
  return { runId: Number(match[1]), text };
}

/** Every checkbox option in a message's blocks, with the block that holds it. */
export function optionsIn(message: { blocks: SlackBlock[] }): Array<{ blockId: string; value: string; text: string; description: string | null }> {
  const out: Array<{ blockId: string; value: string; text: string; description: string | null }> = [];
  for (const block of message.blocks) {
    const elements = [...(Array.isArray(block['elements']) ? block['elements'] : []), block['accessory'], block['element']];
    for (const el of elements as Array<Record<string, unknown> | undefined>) {
      if (el?.['type'] !== 'checkboxes' || !Array.isArray(el['options'])) continue;
      for (const option of el['options'] as Array<{ value: string; text: { text: string }; description?: { text: string } }>) {
        out.push({ blockId: String(block.block_id), value: option.value, text: option.text.text, description: option.description?.text ?? null });
      }
    }
  }
  return out;
}

/** Where an item's checkbox is: the message ts and the block id to click. */
export function checkboxOf(fake: FakeSlack, itemId: string, channel = CHANNEL): { ts: string; blockId: string; message: StoredMessage } {
  for (const message of fake.messages(channel)) {
    const option = optionsIn(message).find((o) => o.value === itemId);
    if (option) return { ts: message.ts, blockId: option.blockId, message };
  }
  throw new Error(`no checkbox for item ${itemId} in ${channel}`);
}

/** Whether the item's box is ticked in the message as the fake Slack shows it now. */
export function isTicked(fake: FakeSlack, itemId: string, channel = CHANNEL): boolean {
  const { ts, blockId } = checkboxOf(fake, itemId, channel);
  return (fake.checkboxesState(channel, ts)[blockId] ?? []).includes(itemId);
}

/** Ticks (or unticks) an item's checkbox, as `user` would on the message they see. */
export function clickItem(
  h: Harness,
  itemId: string,
  opts: { user?: string; checked?: boolean; seenMessage?: SeenMessage; channel?: string } = {},
): Promise<InteractionResponse> {
  const { ts, blockId } = checkboxOf(h.fake, itemId);
  return h.bot.slack.clickCheckbox({
    ts,
    blockId,
    itemValue: itemId,
    checked: opts.checked ?? true,
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.seenMessage ? { seenMessage: opts.seenMessage } : {}),
    ...(opts.channel ? { channel: opts.channel } : {}),
  });
}

export interface ItemRow {
  done: number;
  done_by: string | null;
  done_at: number | null;
  waived_reason: string | null;
}

export async function itemRow(db: Db, runId: number, itemId: string): Promise<ItemRow | undefined> {
  return (await prepared(db, 'SELECT done, done_by, done_at, waived_reason FROM item_states WHERE run_id = ? AND item_id = ?').get(runId, itemId)) as
    | ItemRow
    | undefined;
}

export interface AuditRow {
  id: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export async function auditRows(db: Db, runId: number | null, action?: string): Promise<AuditRow[]> {
  // `run_id IS ?` (NULL-safe equality) is SQLite's alone; IS NOT DISTINCT FROM says the same on both engines.
  const rows = (await prepared(
    db,
    `SELECT id, actor, action, target, detail_json FROM audit WHERE run_id IS NOT DISTINCT FROM ? ${action ? 'AND action = ?' : ''} ORDER BY id`,
  ).all(...(action ? [runId, action] : [runId]))) as Array<{
    id: number;
    actor: string;
    action: string;
    target: string | null;
    detail_json: string | null;
  }>;
  return rows.map((r) => ({
    id: r.id,
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null,
  }));
}

export async function runStatus(db: Db, runId: number): Promise<string | undefined> {
  return ((await prepared(db, 'SELECT status FROM runs WHERE id = ?').get(runId)) as { status: string } | undefined)?.status;
}

/**
 * Posts anyone in the channel could see, other than the timeline's reminders and notices (those
 * run on their own clock and may land at any moment after a start): the run's messages, any
 * other chat.postMessage, and in-channel response_url posts.
 */
export function publicPostCount(fake: FakeSlack): number {
  const posts = fake
    .callsTo('chat.postMessage')
    .filter((c) => (c.args['metadata'] as { event_type?: string } | undefined)?.event_type !== 'deployday_reminder');
  return posts.length + fake.responses.filter((r) => r.outcome === 'in_channel').length;
}

/** The chat.update calls that reached a message (accepted or not). */
export function updatesOf(fake: FakeSlack, ts: string): number {
  return fake.callsTo('chat.update').filter((c) => c.args['ts'] === ts).length;
}

/** The text of the header block of a message. */
export function headerOf(message: { blocks: SlackBlock[] }): string {
  const header = message.blocks.find((b) => b.type === 'header') as { text?: { text?: string } } | undefined;
  return header?.text?.text ?? '';
}

/**
 * One harness per test: returns `open(options)` for the test to start it (over `transport`), and
 * closes whatever was opened after each test.
 */
export function harnessPerTest(transport: Transport = 'http'): (options?: Parameters<typeof startHarness>[0]) => Promise<Harness> {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });
  return async (options = {}) => (harness = await startHarness({ transport, ...options }));
}

/**
 * Clicks "Go with N open" on the confirmation `user` was shown after a Go over open items (issue 9),
 * waiting for it to arrive; returns the click's response.
 */
export async function confirmGo(h: Harness, user: string): Promise<InteractionResponse> {
  const hasConfirm = (blocks: SlackBlock[]) => JSON.stringify(blocks).includes('"dd_gate_go_confirm"');
  const deadline = Date.now() + 4_000;
  let asked = [...h.fake.ephemerals].reverse().find((e) => e.user === user && hasConfirm(e.blocks));
  while (!asked && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    asked = [...h.fake.ephemerals].reverse().find((e) => e.user === user && hasConfirm(e.blocks));
  }
  if (!asked) throw new Error(`${user} was not asked to confirm a Go`);
  return h.bot.slack.clickButton({
    ts: asked.message_ts,
    actionId: 'dd_gate_go_confirm',
    user,
    seenMessage: { ts: asked.message_ts, text: asked.text, blocks: asked.blocks },
  });
}

/**
 * Plumbing for the issue-9 tests ("a run the team can trust on the day"). Only outside surfaces:
 * signed Slack requests to the real bot (test/support), what the strict fakes received, the SQLite
 * tables read with plain SQL, and the CLI through bin/. Nothing from src/service or src/slack.
 *
 * Time: the app's clock is real time plus an offset the test moves forward (as in
 * test/integration/timeline.test.ts and paging.test.ts); the reminder poller re-checks every second
 * of real time, so a jump of hours is seen within about a second.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startFakePagerDuty, type FakeAlert, type FakePagerDuty } from '../../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack, type SlackBlock, type StoredMessage } from '../../support/fakeSlack.js';
import type { InteractionResponse } from '../../support/slackClient.js';
import { REPO_ROOT, startBot, type RunningBot } from '../../support/startBot.js';
import { realDelay, waitFor } from '../../support/waitFor.js';
import { prepared, type Db } from '../../../src/store/db.js';

export const CHANNEL = 'C0DEPLOY';
export const ALICE = 'U0ALICE'; // starts every run: the lead
export const BOB = 'U0BOB'; // holds no role
export const CAROL = 'U0CAROL';
export const DAVE = 'U0DAVE';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export const TRUST_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'trust');
export const EXAMPLE_CHECKLISTS = join(REPO_ROOT, 'checklists');

const ROUTING_KEY = 'Tr9stDrillRoutingKey0000000000ab';
const API_TOKEN = 'trust9-rest-token-for-the-fake';

export interface World {
  fake: FakeSlack;
  pd: FakePagerDuty | null;
  bot: RunningBot;
  db: Db;
  /** Moves the app's clock forward (the fakes keep real time). */
  advance(ms: number): void;
  now(): number;
  /** A signed `/deploy …` from `user` (default: the lead). */
  cmd(text: string, user?: string): Promise<InteractionResponse>;
  /** The text of the answer to a command: the ephemeral JSON body, or whatever came back. */
  say(text: string, user?: string): Promise<string>;
  /** `/deploy start …`, waits for the run's messages; returns the run id and the start reply. */
  start(args: string, user?: string): Promise<{ runId: number; reply: string }>;
  /** Lets the poller, the pager outbox and the message sync catch up with the clock. */
  settle(ms?: number): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

export async function openWorld(opts: { checklistsDir?: string; pagerDuty?: boolean; startOffsetMs?: number } = {}): Promise<World> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  let pd: FakePagerDuty | null = null;
  if (opts.pagerDuty) {
    pd = await startFakePagerDuty();
    const p = pd;
    cleanups.push(() => p.close());
  }
  let offset = opts.startOffsetMs ?? 0;
  const now = () => Date.now() + offset;
  const bot = await startBot({
    fake,
    checklistsDir: opts.checklistsDir ?? TRUST_FIXTURES,
    clock: { now },
    messageIntervalMs: 20,
    pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
    pagerIntervalMs: 100,
    env: pd
      ? { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl, PAGERDUTY_API_TOKEN: API_TOKEN, PAGERDUTY_API_URL: pd.apiUrl }
      : {},
  });
  cleanups.push(() => bot.stop().catch(() => undefined));
  const cmd = (text: string, user = ALICE) => bot.slack.command(text, { user, channel: CHANNEL });
  const world: World = {
    fake,
    pd,
    bot,
    db: bot.bot.db,
    advance: (ms) => {
      offset += ms;
      // Don't wait for the poller's next second when the app lets us run a pass now (see settle).
      const poller = (bot.bot as unknown as { poller?: { tick?: () => Promise<void> } }).poller;
      if (typeof poller?.tick === 'function') void poller.tick().catch(() => undefined);
    },
    now,
    cmd,
    say: async (text, user) => replyText(await cmd(text, user)),
    async start(args, user = ALICE) {
      const reply = await world.say(`start ${args}`, user);
      const match = /run \*?#(\d+)\*?/i.exec(reply);
      if (!match) throw new Error(`the start was not acknowledged: ${reply}`);
      await bot.bot.sync.idle();
      return { runId: Number(match[1]), reply };
    },
    async settle(ms = 1_300) {
      // The bot's poller runs every real second. When the app exposes it (today: bot.bot.poller),
      // one pass is run at once instead of waiting for the next second; otherwise wait it out.
      const poller = (bot.bot as unknown as { poller?: { tick?: () => Promise<void> } }).poller;
      if (typeof poller?.tick === 'function') {
        await poller.tick();
        await realDelay(Math.min(ms, 250)); // the pager outbox and message sync run on their own short timers
        await poller.tick();
      } else {
        await realDelay(ms);
      }
      await bot.bot.sync.idle();
    },
  };
  return world;
}

/** Whatever text a command or click answered with: its JSON text, or the response_url posts made for it. */
export function replyText(response: InteractionResponse): string {
  const body = response.body as { text?: unknown } | string;
  if (typeof body === 'object' && body && typeof body.text === 'string') return body.text;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Ephemeral feedback a user got after an interaction (chat.postEphemeral or a response_url post). */
export async function ephemeralsTo(w: World, user: string, since = 0): Promise<string[]> {
  await realDelay(150);
  const viaApi = w.fake.ephemerals.filter((e) => e.user === user && e.at >= since).map((e) => `${e.text} ${blocksText(e.blocks)}`);
  const viaUrl = w.fake.responses.filter((r) => r.at >= since && r.outcome === 'ephemeral').map((r) => JSON.stringify(r.body));
  return [...viaApi, ...viaUrl];
}

/** Every string of a message's blocks, joined: what a reader sees. */
export function blocksText(blocks: SlackBlock[]): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) if (k === 'text' || k === 'elements' || k === 'fields' || k === 'accessory' || k === 'options') walk(x);
    }
  };
  walk(blocks);
  return out.join('\n');
}

export function visibleText(m: { text: string; blocks: SlackBlock[] }): string {
  return `${m.text}\n${blocksText(m.blocks)}`;
}

/** The run's own messages (overview and phases), as they stand now. */
export function runMessages(w: World): StoredMessage[] {
  return w.fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'deployday_message');
}

/** Reminders (nudges, notices) the bot posted to the channel. */
export function reminderMessages(w: World): StoredMessage[] {
  return w.fake.messages(CHANNEL).filter((m) => m.metadata?.event_type === 'deployday_reminder');
}

export function overview(w: World): StoredMessage {
  const m = runMessages(w)[0];
  if (!m) throw new Error('no run message in the channel');
  return m;
}

export interface ButtonRef {
  ts: string;
  actionId: string;
  value: string | undefined;
  text: string;
  blockId: string;
}

/** Every button in a message. */
export function buttonsIn(m: { ts: string; blocks: SlackBlock[] }): ButtonRef[] {
  const out: ButtonRef[] = [];
  for (const block of m.blocks) {
    const els = [...(Array.isArray(block['elements']) ? block['elements'] : []), block['accessory']] as Array<Record<string, unknown> | undefined>;
    for (const el of els) {
      if (el?.['type'] !== 'button') continue;
      out.push({
        ts: m.ts,
        actionId: String(el['action_id']),
        value: el['value'] as string | undefined,
        text: String((el['text'] as { text?: string })?.text ?? ''),
        blockId: String(block.block_id),
      });
    }
  }
  return out;
}

/** Every interactive element (buttons, checkboxes, selects) in a message. */
export function controlsIn(m: { blocks: SlackBlock[] }): string[] {
  const out: string[] = [];
  for (const block of m.blocks) {
    const els = [...(Array.isArray(block['elements']) ? block['elements'] : []), block['accessory'], block['element']] as Array<
      Record<string, unknown> | undefined
    >;
    for (const el of els) {
      const type = String(el?.['type'] ?? '');
      if (['button', 'checkboxes', 'static_select', 'multi_static_select', 'overflow', 'radio_buttons'].includes(type))
        out.push(`${type}:${String(el?.['action_id'])}`);
    }
  }
  return out;
}

/** The button for a gate (Go or No-Go) of a run, wherever it is. */
export function gateButton(w: World, runId: number, itemId: string, actionId: string): ButtonRef | undefined {
  for (const m of w.fake.messages(CHANNEL)) {
    const b = buttonsIn(m).find((x) => x.actionId === actionId && x.value === `${runId}:${itemId}`);
    if (b) return b;
  }
  return undefined;
}

/** The first message (run message or notice) holding a button whose text matches. */
export function buttonByText(w: World, pattern: RegExp): ButtonRef | undefined {
  for (const m of w.fake.messages(CHANNEL)) {
    const b = buttonsIn(m).find((x) => pattern.test(x.text));
    if (b) return b;
  }
  return undefined;
}

export function clickButton(w: World, b: ButtonRef, user: string): Promise<InteractionResponse> {
  return w.bot.slack.clickButton({
    ts: b.ts,
    actionId: b.actionId,
    ...(b.value !== undefined ? { value: b.value } : {}),
    blockId: b.blockId,
    user,
    channel: CHANNEL,
  });
}

/** Ticks an item's checkbox as `user`. */
export async function tick(w: World, runId: number, itemId: string, user = ALICE): Promise<void> {
  for (const m of w.fake.messages(CHANNEL)) {
    for (const block of m.blocks) {
      const el = [...(Array.isArray(block['elements']) ? block['elements'] : []), block['accessory']].find(
        (e) => (e as Record<string, unknown> | undefined)?.['type'] === 'checkboxes',
      ) as { options?: Array<{ value: string }> } | undefined;
      if (el?.options?.some((o) => o.value === itemId) && String(block.block_id).startsWith(`dd_items:${runId}:`)) {
        await w.bot.slack.clickCheckbox({ ts: m.ts, blockId: String(block.block_id), itemValue: itemId, checked: true, user, channel: CHANNEL });
        await w.bot.bot.sync.idle();
        return;
      }
    }
  }
  throw new Error(`no checkbox for ${itemId} in run #${runId}`);
}

// ---------------------------------------------------------------- SQL readers

export interface Audit {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

export async function audit(db: Db, runId: number): Promise<Audit[]> {
  const rows = (await prepared(db, 'SELECT id, at, actor, action, target, detail_json FROM audit WHERE run_id = ? ORDER BY id').all(runId)) as Array<{
    id: number;
    at: number;
    actor: string;
    action: string;
    target: string | null;
    detail_json: string | null;
  }>;
  return rows.map((r) => ({ ...r, detail: r.detail_json ? (JSON.parse(r.detail_json) as Record<string, unknown>) : null }));
}

export async function votes(db: Db, runId: number): Promise<Array<{ item_id: string; user_id: string; vote: string; reason: string | null }>> {
  return (await prepared(db, 'SELECT item_id, user_id, vote, reason FROM gate_votes WHERE run_id = ? ORDER BY id').all(runId)) as never;
}

export async function runRow(db: Db, runId: number): Promise<{ status: string; t0: number }> {
  return (await prepared(db, 'SELECT status, t0 FROM runs WHERE id = ?').get(runId)) as never;
}

export interface Reminder {
  key: string;
  kind: string;
  section_id: string | null;
  due_at: number;
  status: string;
  sent_at: number | null;
}

export async function reminders(db: Db, runId: number): Promise<Reminder[]> {
  return (await prepared(db, 'SELECT key, kind, section_id, due_at, status, sent_at FROM reminders WHERE run_id = ? ORDER BY due_at, id').all(
    runId,
  )) as Reminder[];
}

/** Triggers that reached the fake PagerDuty, oldest first. */
export function pageTriggers(pd: FakePagerDuty): Array<{ dedupKey: string; alert: FakeAlert; severity: string; summary: string }> {
  const out: Array<{ dedupKey: string; alert: FakeAlert; severity: string; summary: string }> = [];
  for (const [dedupKey, alert] of pd.alerts) {
    for (const e of alert.events)
      if (e.action === 'trigger') out.push({ dedupKey, alert, severity: e.severity ?? alert.severity, summary: e.summary ?? alert.summary });
  }
  return out;
}

/** Waits for `ms` of real time while the poller and pager run. */
export async function pause(ms: number): Promise<void> {
  await realDelay(ms);
}

export { waitFor };

// ---------------------------------------------------------------- CLI

/**
 * A hang guard for one CLI run, below vitest's 60 s test and hook timeouts so a hang is reported as the CLI's.
 * Not a budget: three runs started together while other test files hold both cores took over 20 s.
 */
const CLI_TIMEOUT_MS = 45_000;

export function cli(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'deployday.js'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: CLI_TIMEOUT_MS,
  });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The same, without blocking: several CLI runs can start together (each takes seconds to load). */
export function cliAsync(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'deployday.js'), ...args],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: CLI_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
        resolve({ code, out: `${stdout ?? ''}${stderr ?? ''}` });
      },
    );
  });
}

/**
 * Paging end to end: signed Slack requests into the real app, the strict fake Slack for what the
 * channel sees, and the fake PagerDuty (HTTPS, test CA) for what on-call gets. Time-based rules
 * (overdue past grace, rollback time boxes) are driven by moving the app's clock forward; the
 * reminder poller re-checks them every second, and the outbox worker sends from its own timer.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { prepared } from '../../src/store/db.js';
import { listOutbox } from '../../src/store/outbox.js';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import type { InteractionResponse } from '../support/slackClient.js';
import { REPO_ROOT, TRANSPORTS, startBot, tempDir, type RunningBot, type Transport } from '../support/startBot.js';
import { eventually, realDelay, waitFor } from '../support/waitFor.js';
import { ALICE, BOB, CAROL, CHANNEL, ackText, auditRows, clickItem, isTicked, runStatus, startRun, type Harness } from './checklistHarness.js';
import { openTestDatabase } from '../support/testDatabase.js';

const ROUTING_KEY = 'Rk7PagingDrill0000Integration42x';
const API_TOKEN = 'u+pagingDrillRestToken-93kd';
const MINUTE = 60_000;
/** Long enough for the poller's once-a-second rule check and a few worker ticks. */
const PAGE_WAIT = { timeoutMs: 6_000, intervalMs: 25 };

/** Our own drill checklist: a section holding only a gate (for a missed decision), and an on-call policy. */
const PAGING_DRILL = `---
timezone: UTC
escalationPolicy: PDRILL01
escalation:
  - Release on-call
  - Platform lead
roles:
  approver: ${CAROL}
---
# Paging Drill

## Decide (T-30 minutes)
- [ ] Go/No-Go with the release owners

## Ship
- [ ] Roll the build out to every region
- [ ] Post the release note

## Rollback
- [ ] Point traffic back at the old build
`;

interface World {
  fake: FakeSlack;
  pd: FakePagerDuty;
  bot: RunningBot;
  h: Harness;
  checklistsDir: string;
  /** Moves the app's clock (not the fakes'): time-based rules see the future. */
  advance(ms: number): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
const bots: RunningBot[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Every bot of every test, whatever it did: no log line may carry a PagerDuty secret.
  for (const bot of bots.splice(0)) expectNoSecrets(bot.logs);
});

beforeAll(assertTestCaTrusted);

function expectNoSecrets(lines: string[]): void {
  for (const line of lines) {
    expect(line).not.toContain(ROUTING_KEY);
    expect(line).not.toContain(API_TOKEN);
  }
}

function checklistsDir(): string {
  const temp = tempDir('deployday-paging-checklists-');
  cleanups.push(temp.remove);
  copyFileSync(join(REPO_ROOT, 'test', 'fixtures', 'checklists', 'small-release.md'), join(temp.dir, 'small-release.md'));
  writeFileSync(join(temp.dir, 'paging-drill.md'), PAGING_DRILL);
  return temp.dir;
}

function pagerDutyEnv(pd: FakePagerDuty): Record<string, string> {
  return {
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: pd.eventsUrl,
    PAGERDUTY_API_TOKEN: API_TOKEN,
    PAGERDUTY_API_URL: pd.apiUrl,
    LOG_LEVEL: 'debug',
  };
}

async function launch(input: {
  fake: FakeSlack;
  pd: FakePagerDuty;
  checklistsDir: string;
  clock: { offset: number };
  databasePath?: string;
  pagerDuty?: boolean;
  transport?: Transport;
}): Promise<RunningBot> {
  const bot = await startBot({
    fake: input.fake,
    ...(input.transport ? { transport: input.transport } : {}),
    checklistsDir: input.checklistsDir,
    ...(input.databasePath ? { databasePath: input.databasePath } : {}),
    env: input.pagerDuty === false ? { LOG_LEVEL: 'debug' } : pagerDutyEnv(input.pd),
    clock: { now: () => Date.now() + input.clock.offset },
    pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
    pagerIntervalMs: 100,
  });
  bots.push(bot);
  cleanups.push(() => bot.stop().catch(() => undefined));
  return bot;
}

async function world(options: { pagerDuty?: boolean; databasePath?: string; transport?: Transport } = {}): Promise<World> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: API_TOKEN });
  cleanups.push(() => pd.close());
  const dir = checklistsDir();
  const clock = { offset: 0 };
  const bot = await launch({ fake, pd, checklistsDir: dir, clock, ...options });
  return {
    fake,
    pd,
    bot,
    h: harnessOf(fake, bot),
    checklistsDir: dir,
    advance: (ms) => {
      clock.offset += ms;
    },
  };
}

function harnessOf(fake: FakeSlack, bot: RunningBot): Harness {
  return { fake, bot, db: bot.bot.db, close: () => bot.stop() };
}

/**
 * Runs the escalation rules at the app clock's new time at once (a reminder poller pass re-checks them
 * when it ends) instead of waiting up to a second for the next pass, then gives the page outbox's worker
 * (a 100 ms tick) a few turns to send whatever the rules queued: after this, "nothing was paged" is seen.
 */
async function rulesChecked(w: World): Promise<void> {
  await w.bot.bot.poller.tick();
  await realDelay(400);
}

// ---- what PagerDuty saw ----

interface SeenEvent {
  dedupKey: string;
  action: string;
  severity: string | undefined;
  summary: string | undefined;
  links: Array<{ href: string; text?: string }>;
  routingKey: string;
  outcome: number | 'refused';
}

function enqueued(pd: FakePagerDuty, dedupKey?: string): SeenEvent[] {
  return pd.requests
    .filter((r) => r.path === '/v2/enqueue')
    .map((r) => {
      const body = JSON.parse(r.body) as {
        dedup_key: string;
        event_action: string;
        routing_key: string;
        payload?: { severity?: string; summary?: string };
        links?: Array<{ href: string; text?: string }>;
      };
      return {
        dedupKey: body.dedup_key,
        action: body.event_action,
        severity: body.payload?.severity,
        summary: body.payload?.summary,
        links: body.links ?? [],
        routingKey: body.routing_key,
        outcome: r.outcome,
      };
    })
    .filter((e) => dedupKey === undefined || e.dedupKey === dedupKey);
}

async function alertReaches(pd: FakePagerDuty, dedupKey: string, status: 'triggered' | 'resolved'): Promise<void> {
  await eventually(() => expect(pd.alerts.get(dedupKey)?.status).toBe(status), { ...PAGE_WAIT, message: `${dedupKey} ${status}` });
}

// ---- what the channel saw ----

async function channelShows(fake: FakeSlack, ...fragments: string[]): Promise<void> {
  await eventually(
    () => {
      const texts = fake.messages(CHANNEL).map((m) => m.text);
      for (const fragment of fragments)
        expect(
          texts.some((t) => t.includes(fragment)),
          fragment,
        ).toBe(true);
    },
    { ...PAGE_WAIT, message: `channel shows ${fragments.join(' / ')}` },
  );
}

/** The message holding a button, by action id and value. */
function buttonMessage(fake: FakeSlack, actionId: string, value: string): string {
  for (const message of fake.messages(CHANNEL)) {
    const found = message.blocks.some(
      (b) =>
        Array.isArray(b['elements']) &&
        (b['elements'] as Array<Record<string, unknown>>).some((e) => e['action_id'] === actionId && e['value'] === value),
    );
    if (found) return message.ts;
  }
  throw new Error(`no ${actionId} button with value ${value} in ${CHANNEL}`);
}

async function itemId(bot: RunningBot, runId: number, text: string): Promise<string> {
  const item = allItems((await bot.bot.runs.requireRun(runId)).checklist).find((i) => i.text.includes(text));
  if (!item) throw new Error(`no item “${text}”`);
  return item.id;
}

async function vote(w: World, runId: number, gateId: string, choice: 'go' | 'no_go', user: string): Promise<InteractionResponse> {
  const actionId = choice === 'go' ? ActionIds.gateGo : ActionIds.gateNoGo;
  const value = `${runId}:${gateId}`;
  return acked(() => w.bot.slack.clickButton({ ts: buttonMessage(w.fake, actionId, value), actionId, value, user }));
}

/** Runs a Slack round trip (command, click, submission) and checks it was acked (how fast is measured in bench/). */
async function acked<T extends { status: number }>(send: () => Promise<T>): Promise<T> {
  const response = await send();
  expect(response.status).toBe(200);
  return response;
}

async function command(w: World, text: string, user = ALICE): Promise<InteractionResponse> {
  return acked(() => w.bot.slack.command(text, { user }));
}

async function pageStates(bot: RunningBot, runId: number): Promise<Array<[string, string]>> {
  return (await bot.bot.pages.pagesOf(runId)).map((p) => [p.reason, p.state]);
}

describe('pages the escalation rules raise, each with its resolve', () => {
  it('pages once for a phase overdue past its grace, and resolves when its items are ticked', async () => {
    const w = await world();
    // T-0 a minute ahead: a window that closed at or before the run's start is "missed at start" and never paged (issue 9).
    const { runId } = await startRun(w.h, 'small-release in 1m');
    const key = `deployday:run-${runId}:overdue:s0`;

    // Before (T-1 hour) closes at T-0, a minute from now; the default grace is 15 minutes.
    w.advance(15 * MINUTE);
    await rulesChecked(w);
    expect(enqueued(w.pd)).toEqual([]);

    w.advance(2 * MINUTE);
    await alertReaches(w.pd, key, 'triggered');
    const [trigger] = enqueued(w.pd, key);
    expect(trigger).toMatchObject({ action: 'trigger', severity: 'warning', outcome: 202, routingKey: ROUTING_KEY });
    expect(trigger!.summary).toContain(`run #${runId} (Small Release)`);
    expect(trigger!.summary).toContain('“Before (T-1 hour)” is 16 min overdue');
    expect(trigger!.summary).toContain('2 items open (first: Announce the window in #releases)');
    expect(trigger!.links).toEqual([
      { href: expect.stringMatching(/^https:\/\/deploy-test\.slack\.com\/archives\/C[A-Z0-9]+\/p\d+$/), text: `Run #${runId} in Slack` },
    ]);
    await channelShows(w.fake, '📟 Paged on-call through PagerDuty', '“Before (T-1 hour)” is 16 min overdue');

    await acked(() => clickItem(w.h, 's0.i0', { user: BOB }));
    await realDelay(300);
    expect(w.pd.alerts.get(key)?.status).toBe('triggered');
    await acked(() => clickItem(w.h, 's0.i1', { user: BOB }));
    await alertReaches(w.pd, key, 'resolved');
    await channelShows(w.fake, '✅ Page resolved');

    expect(w.pd.incidentsOpened).toBe(1);
    expect(enqueued(w.pd).map((e) => [e.dedupKey, e.action])).toEqual([
      [key, 'trigger'],
      [key, 'resolve'],
    ]);
    expect(await auditRows(w.h.db, runId, 'page.trigger')).toEqual([expect.objectContaining({ actor: 'deployday', target: 'overdue:s0' })]);
    expect(await auditRows(w.h.db, runId, 'page.resolve')).toEqual([expect.objectContaining({ target: 'overdue:s0' })]);
  });

  it('pages a missed Go/No-Go instead of an overdue phase; the closed gate takes no vote until the run is slipped, then an approver’s Go resolves it', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'paging-drill in 1m');
    const gate = await itemId(w.bot, runId, 'Go/No-Go');
    const key = `deployday:run-${runId}:gate_missed:${gate}`;

    w.advance(17 * MINUTE);
    await alertReaches(w.pd, key, 'triggered');
    const [trigger] = enqueued(w.pd, key);
    expect(trigger).toMatchObject({ severity: 'warning' });
    expect(trigger!.summary).toContain('Go/No-Go “Go/No-Go with the release owners” missed');
    expect(trigger!.summary).toContain(`run #${runId} (Paging Drill)`);
    expect(enqueued(w.pd).map((e) => e.dedupKey)).toEqual([key]);

    // Its window is over (issue 9): a Go now is refused and audited; moving the run reopens the decision.
    await vote(w, runId, gate, 'go', CAROL);
    expect(await auditRows(w.h.db, runId, 'gate.go')).toEqual([]);
    expect(await auditRows(w.h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: CAROL, detail: expect.objectContaining({ code: 'gate_closed' }) }),
    ]);
    ackText(await command(w, 'slip 30m'));
    await vote(w, runId, gate, 'go', CAROL);
    await alertReaches(w.pd, key, 'resolved');
    expect(await auditRows(w.h.db, runId, 'gate.go')).toEqual([
      expect.objectContaining({ actor: CAROL, detail: expect.objectContaining({ outcome: 'passed' }) }),
    ]);
    await channelShows(w.fake, '📟 Paged on-call', '✅ Page resolved');
    expect(w.pd.incidentsOpened).toBe(1);
  });

  // The No-Go modal is a core scenario: the click, views.open and the submission over both transports.
  it.each(TRANSPORTS)(
    'pages a No-Go from the modal at once, posts the rollback branch, and resolves when the run is finished with waivers (over %s)',
    async (transport) => {
      const w = await world({ transport });
      const { runId } = await startRun(w.h);
      const gate = await itemId(w.bot, runId, 'Go/No-Go decision');
      const key = `deployday:run-${runId}:no_go:${gate}`;

      await vote(w, runId, gate, 'no_go', ALICE);
      await eventually(() => expect(w.fake.views.find((v) => v.view['callback_id'] === CallbackIds.noGoModal)).toBeDefined());
      const submitted = await acked(() =>
        w.bot.slack.viewSubmission({
          user: ALICE,
          callbackId: CallbackIds.noGoModal,
          values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: 'canary error rate doubled' } },
        }),
      );
      expect(submitted.text).toBe('');

      await alertReaches(w.pd, key, 'triggered');
      const [trigger] = enqueued(w.pd, key);
      expect(trigger).toMatchObject({ severity: 'critical' });
      expect(trigger!.summary).toContain('No-Go on “Go/No-Go decision recorded”');
      expect(trigger!.summary).toContain('canary error rate doubled');
      // The No-Go is the rollback's page: no second 'rollback' page for the same event.
      expect(enqueued(w.pd).map((e) => e.dedupKey)).toEqual([key]);
      await channelShows(w.fake, '⏪ *Rollback declared', '📟 Paged on-call');
      await eventually(() => expect(w.fake.findText(CHANNEL, 'Switch traffic back').length).toBeGreaterThan(0));

      expect(ackText(await command(w, 'finish waive rolled back to the last release'))).toContain(`Run #${runId} finished: rolled back`);
      await alertReaches(w.pd, key, 'resolved');
      expect(await pageStates(w.bot, runId)).toEqual([[`no_go:${gate}`, 'resolved']]);
      expect(w.pd.incidentsOpened).toBe(1);
    },
  );

  it('pages a declared rollback, then its time box running out from the click that started it, and resolves both on abort', async () => {
    const w = await world();
    const { runId } = await startRun(w.h);
    const rollbackKey = `deployday:run-${runId}:rollback`;

    expect(ackText(await command(w, 'rollback canary is dropping requests'))).toContain('Rollback declared');
    await alertReaches(w.pd, rollbackKey, 'triggered');
    const [rollback] = enqueued(w.pd, rollbackKey);
    expect(rollback).toMatchObject({ severity: 'critical' });
    expect(rollback!.summary).toBe(`Rollback declared on run #${runId} (Small Release): canary is dropping requests`);

    const box = await itemId(w.bot, runId, 'If not recovered in 5 minutes');
    const boxKey = `deployday:run-${runId}:timebox:${box}`;
    // A rollback step's time box starts when someone clicks its button (issue 9), not with the rollback.
    w.advance(10 * MINUTE);
    await rulesChecked(w);
    expect(enqueued(w.pd, boxKey)).toEqual([]);
    await eventually(() => expect(buttonMessage(w.fake, ActionIds.timerStart, `${runId}:${box}`)).toBeTruthy());
    await acked(() =>
      w.bot.slack.clickButton({
        ts: buttonMessage(w.fake, ActionIds.timerStart, `${runId}:${box}`),
        actionId: ActionIds.timerStart,
        value: `${runId}:${box}`,
        user: ALICE,
      }),
    );
    w.advance(4 * MINUTE);
    await rulesChecked(w);
    expect(enqueued(w.pd, boxKey)).toEqual([]);

    w.advance(2 * MINUTE);
    await alertReaches(w.pd, boxKey, 'triggered');
    const [timebox] = enqueued(w.pd, boxKey);
    expect(timebox).toMatchObject({ severity: 'critical' });
    expect(timebox!.summary).toContain('Rollback time box (5 min) ran out on “If not recovered in 5 minutes:”');
    expect(timebox!.summary).toContain('2 steps still open');

    expect(ackText(await command(w, 'abort giving up for today'))).toContain(`Run #${runId} aborted`);
    await alertReaches(w.pd, rollbackKey, 'resolved');
    await alertReaches(w.pd, boxKey, 'resolved');
    expect(await runStatus(w.h.db, runId)).toBe('aborted');
    expect((await pageStates(w.bot, runId)).map(([, state]) => state)).toEqual(['resolved', 'resolved']);
    expect(w.pd.incidentsOpened).toBe(2);
  });

  it('refuses a gate vote from someone who is not an approver, tells them why, audits it, and pages nobody', async () => {
    const w = await world();
    const { runId } = await startRun(w.h);
    const gate = await itemId(w.bot, runId, 'Go/No-Go decision');

    await vote(w, runId, gate, 'go', BOB);
    await eventually(() =>
      expect(w.fake.responses.map((r) => String(r.body['text'] ?? ''))).toContainEqual(
        expect.stringContaining('Only lead or approver can vote on this gate'),
      ),
    );
    const refusal = w.fake.responses.find((r) => String(r.body['text']).includes('Only lead or approver'));
    expect(refusal?.outcome).toBe('ephemeral');
    expect(await auditRows(w.h.db, runId, 'denied')).toEqual([
      expect.objectContaining({ actor: BOB, target: gate, detail: { attempted: 'gate.go', code: 'not_approver' } }),
    ]);
    expect(await auditRows(w.h.db, runId, 'gate.go')).toEqual([]);

    await rulesChecked(w);
    // Pages only: the change event for "Go opened" (a notice, not a page) may be sent meanwhile,
    // later since the start also posts the rollback branch on standby (issue 10).
    expect(w.pd.requests.filter((r) => r.path === '/v2/enqueue')).toEqual([]);
    expect(await pageStates(w.bot, runId)).toEqual([]);
  });
});

describe('delivery when PagerDuty misbehaves', () => {
  it('rides out 500s and refused connections without slowing acks, and opens exactly one incident', async () => {
    const w = await world();
    const { runId } = await startRun(w.h);
    w.pd.failNext(3, { status: 500 }, '/v2/enqueue');

    expect(ackText(await command(w, 'page the canary looks wrong'))).toContain('Paging on-call');
    const [page] = await w.bot.bot.pages.pagesOf(runId);
    const key = page!.dedupKey;
    await eventually(() => expect(enqueued(w.pd, key).filter((e) => e.outcome === 500).length).toBeGreaterThanOrEqual(2), PAGE_WAIT);

    await w.pd.setDown(true);
    await eventually(async () => expect((await listOutbox(w.h.db, key))[0]?.lastError).toMatch(/ECONNREFUSED/), PAGE_WAIT);
    await channelShows(w.fake, '⏳ PagerDuty is not answering');
    // People keep working while PagerDuty is away: every ack is still quick.
    await command(w, 'status');
    await acked(() => clickItem(w.h, 's0.i0', { user: BOB }));
    expect(w.pd.alerts.size).toBe(0);

    await w.pd.setDown(false);
    await alertReaches(w.pd, key, 'triggered');
    await channelShows(w.fake, '📟 Paged on-call through PagerDuty');
    await realDelay(500);
    expect(w.pd.incidentsOpened).toBe(1);
    expect(w.pd.alerts.get(key)?.events).toHaveLength(1);
    expect(enqueued(w.pd, key).filter((e) => e.outcome === 202)).toHaveLength(1);
    expect(await listOutbox(w.h.db, key)).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  /** A bot on its own database file pages while PagerDuty is down, fails to send once, and is stopped. */
  async function stoppedWithPageQueued(text: string): Promise<{ w: World; key: string; databasePath: string }> {
    const temp = tempDir('deployday-paging-db-');
    cleanups.push(temp.remove);
    const databasePath = join(temp.dir, 'deployday.sqlite');
    const w = await world({ databasePath });
    const { runId } = await startRun(w.h);

    await w.pd.setDown(true);
    expect(ackText(await command(w, `page ${text}`))).toContain('Paging on-call');
    const key = (await w.bot.bot.pages.pagesOf(runId))[0]!.dedupKey;
    await eventually(async () => expect((await listOutbox(w.h.db, key))[0]?.lastError).toMatch(/ECONNREFUSED/), PAGE_WAIT);
    await w.bot.stop();
    return { w, key, databasePath };
  }

  it('delivers, exactly once, a page a stopped bot left in the outbox, from a new bot on the same database', async () => {
    const { w, key, databasePath } = await stoppedWithPageQueued('stopping the bot mid-page');

    await w.pd.setDown(false);
    const second = await launch({ fake: w.fake, pd: w.pd, checklistsDir: w.checklistsDir, clock: { offset: 0 }, databasePath });
    await alertReaches(w.pd, key, 'triggered');
    await realDelay(500);
    expect(w.pd.incidentsOpened).toBe(1);
    expect(enqueued(w.pd, key)).toEqual([expect.objectContaining({ action: 'trigger', outcome: 202 })]);
    expect(await listOutbox(second.bot.db, key)).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('re-sends at once, not after the two-minute lease, a page a crash left mid-send', async () => {
    const { w, key, databasePath } = await stoppedWithPageQueued('crash while sending');
    // What a crash between claiming the row and recording PagerDuty's answer leaves behind.
    const db = await openTestDatabase(databasePath);
    await prepared(db, `UPDATE pager_outbox SET status = 'sending', claimed_at = ? WHERE dedup_key = ?`).run(Date.now(), key);
    await db.close();

    await w.pd.setDown(false);
    const second = await launch({ fake: w.fake, pd: w.pd, checklistsDir: w.checklistsDir, clock: { offset: 0 }, databasePath });
    // Released at start: left to its lease, the row would wait 2 minutes, far past this wait.
    await alertReaches(w.pd, key, 'triggered');
    await eventually(async () => expect(await listOutbox(second.bot.db, key)).toEqual([expect.objectContaining({ status: 'sent' })]));
    expect(second.logs.some((l) => l.includes('were mid-send when deployday stopped'))).toBe(true);
  });

  it('tells the channel when PagerDuty refuses a page (400), never re-sends it, and pages again only when the condition comes back', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'small-release in 1m');
    const key = `deployday:run-${runId}:overdue:s0`;
    w.pd.failNext(
      1,
      {
        status: 400,
        body: { status: 'invalid event', message: 'Event object is invalid', errors: ["'routing_key' is not a known integration key"] },
      },
      '/v2/enqueue',
    );

    w.advance(17 * MINUTE);
    await channelShows(w.fake, '⚠️ PagerDuty refused the page (400', "'routing_key' is not a known integration key");
    // The rules still want this page and are re-checked every second: it must stay refused through two checks.
    await rulesChecked(w);
    await rulesChecked(w);
    expect(enqueued(w.pd, key)).toEqual([expect.objectContaining({ action: 'trigger', outcome: 400 })]);
    expect(w.pd.incidentsOpened).toBe(0);
    expect(await listOutbox(w.h.db, key)).toEqual([expect.objectContaining({ status: 'failed', lastStatus: 400 })]);
    expect(w.fake.findText(CHANNEL, 'PagerDuty refused the page')).toHaveLength(1);

    // Cleared, the refused page is closed without a word to PagerDuty (it never opened there)…
    await acked(() => clickItem(w.h, 's0.i0', { user: BOB }));
    await acked(() => clickItem(w.h, 's0.i1', { user: BOB }));
    await eventually(async () => expect(await pageStates(w.bot, runId)).toEqual([['overdue:s0', 'resolved']]));
    expect(enqueued(w.pd, key)).toHaveLength(1);

    // …so when the phase falls behind again, on-call is paged.
    await eventually(() => expect(isTicked(w.fake, 's0.i1')).toBe(true));
    await acked(() => clickItem(w.h, 's0.i1', { user: BOB, checked: false }));
    await alertReaches(w.pd, key, 'triggered');
    expect(enqueued(w.pd, key).map((e) => e.outcome)).toEqual([400, 202]);
    expect(w.pd.incidentsOpened).toBe(1);
  });
});

describe('paging and on-call by hand', () => {
  it('pages from /deploy page and leaves that page open when the run ends, until someone resolves it from its notice', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'paging-drill');

    const ack = ackText(await command(w, 'page database failover is stuck'));
    expect(ack).toBe(`Paging on-call for run #${runId} now. The channel will see when PagerDuty has it, and when it resolves.`);
    const [page] = await w.bot.bot.pages.pagesOf(runId);
    expect(page?.dedupKey).toMatch(new RegExp(`^deployday:run-${runId}:manual:\\d+$`));
    await alertReaches(w.pd, page!.dedupKey, 'triggered');
    const [trigger] = enqueued(w.pd, page!.dedupKey);
    expect(trigger).toMatchObject({
      severity: 'critical',
      summary: `Paged from Slack by Test alice on run #${runId} (Paging Drill): database failover is stuck`,
    });
    expect(await auditRows(w.h.db, runId, 'page.trigger')).toEqual([expect.objectContaining({ actor: ALICE })]);

    // Nothing in the run's state clears a page made by hand, not even the run ending (issue 9): a person resolves it.
    await command(w, 'abort handled by the database team');
    await rulesChecked(w);
    expect(w.pd.alerts.get(page!.dedupKey)?.status).toBe('triggered');
    await eventually(() => expect(buttonMessage(w.fake, ActionIds.pageResolve, page!.dedupKey)).toBeTruthy());
    await acked(() =>
      w.bot.slack.clickButton({
        ts: buttonMessage(w.fake, ActionIds.pageResolve, page!.dedupKey),
        actionId: ActionIds.pageResolve,
        value: page!.dedupKey,
        user: ALICE,
      }),
    );
    await alertReaches(w.pd, page!.dedupKey, 'resolved');
    await channelShows(w.fake, '✅ Page resolved', 'database failover is stuck');
  });

  it('folds ten /deploy page in a row from a member with no role into one incident, naming the open page to each later requester, and audits all ten', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'paging-drill');

    const acks: string[] = [];
    for (let n = 1; n <= 10; n++) acks.push(ackText(await command(w, `page spam ${n}`, BOB)));
    expect(acks[0]).toBe(`Paging on-call for run #${runId} now. The channel will see when PagerDuty has it, and when it resolves.`);
    for (const ack of acks.slice(1)) {
      expect(ack).toContain(`On-call is already paged for this channel: <@${BOB}>’s page “spam 1”, opened <!date^`);
      expect(ack).toContain('Your request was added to that page, not sent as a new one');
    }
    const pages = await w.bot.bot.pages.pagesOf(runId);
    expect(pages).toHaveLength(1);
    await alertReaches(w.pd, pages[0]!.dedupKey, 'triggered');
    await realDelay(500);
    expect(w.pd.incidentsOpened).toBe(1);
    expect(enqueued(w.pd).filter((e) => e.action === 'trigger')).toHaveLength(1);

    const requests = await auditRows(w.h.db, runId, 'page.request');
    expect(requests).toHaveLength(10);
    expect(requests.every((r) => r.actor === BOB)).toBe(true);
    expect(requests.map((r) => r.detail?.['message'])).toEqual(Array.from({ length: 10 }, (_, i) => `spam ${i + 1}`));
    expect(requests.map((r) => r.detail?.['outcome'])).toEqual(['sent', ...Array<string>(9).fill('folded')]);
    expect(requests.slice(1).every((r) => r.detail?.['into'] === pages[0]!.dedupKey)).toBe(true);
  });

  it('lets anyone in the channel page again once five minutes have passed since the open manual page', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'paging-drill');
    ackText(await command(w, 'page first', BOB));
    w.advance(4 * MINUTE);
    expect(ackText(await command(w, 'page second', ALICE))).toContain('Your request was added to that page');
    w.advance(MINUTE + 1_000);
    expect(ackText(await command(w, 'page third', ALICE))).toBe(
      `Paging on-call for run #${runId} now. The channel will see when PagerDuty has it, and when it resolves.`,
    );
    const manual = (await w.bot.bot.pages.pagesOf(runId)).filter((p) => p.reason.startsWith('manual:'));
    expect(manual).toHaveLength(2);
    for (const page of manual) await alertReaches(w.pd, page.dedupKey, 'triggered');
    expect((await auditRows(w.h.db, runId, 'page.request')).map((r) => r.detail?.['outcome'])).toEqual(['sent', 'folded', 'sent']);
  });

  it('holds one member to one manual page per five minutes across channels, folding the next into their open page', async () => {
    const w = await world();
    await startRun(w.h, 'paging-drill');
    const other = 'C0OTHERCH';
    ackText(await w.bot.slack.command('start paging-drill', { user: ALICE, channel: other }));
    ackText(await command(w, 'page here first', BOB));
    const folded = ackText(await acked(() => w.bot.slack.command('page and there too', { user: BOB, channel: other })));
    expect(folded).toContain(`On-call is already paged for you: <@${BOB}>’s page “here first”, opened <!date^`);
    // Somebody else in that channel is not held by Bob's limit.
    expect(ackText(await acked(() => w.bot.slack.command('page a real problem', { user: CAROL, channel: other })))).toMatch(
      /^Paging on-call for run #2 now/,
    );
  });

  it('answers /deploy oncall with PagerDuty’s on-call levels in order, asking afresh every time', async () => {
    const w = await world();
    await startRun(w.h, 'paging-drill');
    w.pd.setOncalls([
      { escalationPolicyId: 'PDRILL01', level: 2, userName: 'Bruno Costa', scheduleName: 'Release secondary' },
      { escalationPolicyId: 'PDRILL01', level: 1, userName: 'Ana Lima', scheduleName: 'Release primary', end: '2030-01-15T17:00:00Z' },
      { escalationPolicyId: 'POTHER99', level: 1, userName: 'Somebody Else' },
    ]);

    const first = await command(w, 'oncall');
    expect(ackText(first)).toBe('Asking PagerDuty who is on call for policy `PDRILL01`…');
    const answer = await followUp(w.fake, first.responseUrl);
    expect(answer).toContain('*On call now for run #1* (policy `PDRILL01`, from the checklist)');
    expect(answer).not.toContain('Somebody Else');
    const ana = answer.indexOf('• Level 1: *Ana Lima* (Release primary) until <!date^');
    const bruno = answer.indexOf('• Level 2: *Bruno Costa* (Release secondary)');
    expect(ana).toBeGreaterThan(-1);
    expect(bruno).toBeGreaterThan(ana);

    w.pd.setOncalls([{ escalationPolicyId: 'PDRILL01', level: 1, userName: 'Chen Wei' }]);
    const second = await command(w, 'oncall');
    const again = await followUp(w.fake, second.responseUrl);
    expect(again).toContain('• Level 1: *Chen Wei*');
    expect(again).not.toContain('Ana Lima');

    const lookups = w.pd.requests.filter((r) => r.path === '/oncalls');
    expect(lookups).toHaveLength(2);
    expect(lookups.every((r) => r.headers.authorization === `Token token=${API_TOKEN}`)).toBe(true);
    expect(lookups.every((r) => r.query.getAll('escalation_policy_ids[]').join() === 'PDRILL01')).toBe(true);
  });

  it('explains how to turn paging on when PagerDuty is not configured, and says so at start', async () => {
    const w = await world({ pagerDuty: false });
    await startRun(w.h);
    expect(ackText(await command(w, 'page is anyone there'))).toMatch(/^Paging is off: set PAGERDUTY_ROUTING_KEY to the integration key/);
    expect(ackText(await command(w, 'oncall'))).toMatch(/^On-call lookups are off: set PAGERDUTY_API_TOKEN/);
    expect(w.bot.logs.some((l) => /INFO .*paging is off: set PAGERDUTY_ROUTING_KEY/.test(l))).toBe(true);

    w.advance(30 * MINUTE);
    await rulesChecked(w);
    // Change events ("Go opened", /v2/change/enqueue) may go out meanwhile: they page nobody.
    expect(w.pd.requests.filter((r) => r.path === '/v2/enqueue')).toEqual([]);
    expect(await prepared(w.bot.bot.db, 'SELECT COUNT(*) AS n FROM pager_outbox').get()).toEqual({ n: 0 });
  });

  it('refuses to start with a PagerDuty events URL pdjs cannot honour, naming the setting', async () => {
    const fake = await startFakeSlack();
    cleanups.push(() => fake.close());
    await expect(
      startBot({
        fake,
        checklistsDir: checklistsDir(),
        env: { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: 'https://proxy.example/pagerduty' },
      }),
    ).rejects.toThrow(/PAGERDUTY_EVENTS_URL must be an origin[\s\S]*no path/);
  });

  it('never writes the routing key or the API token to a log line, through pages, failures, lookups and resolves', async () => {
    const w = await world();
    const { runId } = await startRun(w.h, 'paging-drill');
    w.pd.setOncalls([{ level: 1, userName: 'Ana Lima' }]);
    w.pd.failNext(1, { status: 500 }, '/v2/enqueue');

    await command(w, 'page checking the secrets stay secret');
    const key = (await w.bot.bot.pages.pagesOf(runId))[0]!.dedupKey;
    await alertReaches(w.pd, key, 'triggered');
    const lookup = await command(w, 'oncall');
    expect(await followUp(w.fake, lookup.responseUrl)).toContain('Ana Lima');
    await command(w, 'abort end of the drill');
    await eventually(() => expect(buttonMessage(w.fake, ActionIds.pageResolve, key)).toBeTruthy());
    await acked(() =>
      w.bot.slack.clickButton({ ts: buttonMessage(w.fake, ActionIds.pageResolve, key), actionId: ActionIds.pageResolve, value: key, user: ALICE }),
    );
    await alertReaches(w.pd, key, 'resolved');
    await channelShows(w.fake, '✅ Page resolved');

    // PagerDuty did get both secrets, and the log is the full debug log of all that.
    expect(enqueued(w.pd).every((e) => e.routingKey === ROUTING_KEY)).toBe(true);
    expect(w.pd.requests.some((r) => r.headers.authorization === `Token token=${API_TOKEN}`)).toBe(true);
    expect(w.bot.logs.some((l) => l.includes('pager outbox: send failed, will retry'))).toBe(true);
    expect(w.bot.logs.some((l) => l.includes('DEBUG'))).toBe(true);
    expectNoSecrets(w.bot.logs);
    // Nor does Slack see them.
    const slackTraffic = JSON.stringify(w.fake.calls.map((c) => c.args)) + JSON.stringify(w.fake.responses.map((r) => r.body));
    expect(slackTraffic).not.toContain(ROUTING_KEY);
    expect(slackTraffic).not.toContain(API_TOKEN);
  });
});

/** The text of the first response_url post after the ack, for a command answered in two steps. */
async function followUp(fake: FakeSlack, responseUrl: string): Promise<string> {
  const post = await waitFor(() => fake.responses.find((r) => r.url === responseUrl), { ...PAGE_WAIT, message: 'response_url follow-up' });
  expect(post.outcome).toBe('ephemeral');
  return String(post.body['text'] ?? '');
}

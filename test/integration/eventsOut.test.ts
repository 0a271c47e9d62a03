/**
 * Events out end to end: the real app, the strict fake Slack, the fake PagerDuty (HTTPS, test CA)
 * and strict signed-webhook receivers. A run is driven through Slack while the receivers are
 * down; the clock is moved past a phase opening; then the receivers come back. Every event must
 * arrive exactly once (the receiver counts duplicates by event id), signed, in order.
 *
 * Needs NODE_EXTRA_CA_CERTS=test/fixtures/tls/ca.crt (Node reads it only at start).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds } from '../../src/slack/ids.js';
import { listDeliveries } from '../../src/store/eventsOut.js';
import { assertTestCaTrusted, startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { startFakeWebhookReceiver, type FakeWebhookReceiver } from '../support/fakeWebhookReceiver.js';
import { startBot, tempDir, type RunningBot } from '../support/startBot.js';
import { eventually, realDelay } from '../support/waitFor.js';
import { ALICE, CAROL, CHANNEL, ackText } from './checklistHarness.js';

const ROUTING_KEY = 'Rk7EventsOutDrill000Integration4';
const GLOBAL_SECRET = 'global-hook-secret-0123456789';
const CHECKLIST_SECRET = 'checklist-hook-secret-abcdef';
const MINUTE = 60_000;
const WAIT = { timeoutMs: 8_000, intervalMs: 25 };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(assertTestCaTrusted);

function drill(checklistHookUrl: string): string {
  return `---
timezone: UTC
roles:
  approver: ${CAROL}
webhooks:
  - url: ${checklistHookUrl}
    secretEnv: DEPLOYDAY_TEST_HOOK_SECRET
---
# Hooks Drill

## Prepare (T-1 hour)
- [ ] Warm the caches

## Decide (T+5 minutes)
- [ ] Go/No-Go with the release owners

## Rollback
- [ ] Point traffic back
`;
}

interface World {
  fake: FakeSlack;
  pd: FakePagerDuty;
  global: FakeWebhookReceiver;
  own: FakeWebhookReceiver;
  bot: RunningBot;
  clock: { offset: number };
}

async function world(): Promise<World> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY });
  cleanups.push(() => pd.close());
  const global = await startFakeWebhookReceiver(GLOBAL_SECRET);
  cleanups.push(() => global.close());
  const own = await startFakeWebhookReceiver(CHECKLIST_SECRET, '/checklist-hook');
  cleanups.push(() => own.close());
  const dir = tempDir('deployday-events-out-');
  cleanups.push(dir.remove);
  writeFileSync(join(dir.dir, 'hooks-drill.md'), drill(own.url));
  const clock = { offset: 0 };
  const bot = await startBot({
    fake,
    checklistsDir: dir.dir,
    env: {
      PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      PAGERDUTY_EVENTS_URL: pd.eventsUrl,
      DEPLOYDAY_WEBHOOK_URL: global.url,
      DEPLOYDAY_WEBHOOK_SECRET: GLOBAL_SECRET,
    },
    webhookEnv: { DEPLOYDAY_TEST_HOOK_SECRET: CHECKLIST_SECRET },
    clock: { now: () => Date.now() + clock.offset },
    pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
    pagerIntervalMs: 100,
    eventsBackoff: { baseMs: 50, maxMs: 400, jitter: 0 },
    eventsIntervalMs: 100,
  });
  cleanups.push(() => bot.stop().catch(() => undefined));
  return { fake, pd, global, own, bot, clock };
}

async function gateOf(w: World, runId: number): Promise<string> {
  return allItems((await w.bot.bot.runs.requireRun(runId)).checklist).find((i) => i.text.startsWith('Go/No-Go'))!.id;
}

function goButton(w: World, value: string): string {
  for (const message of w.fake.messages(CHANNEL)) {
    const has = message.blocks.some(
      (b) =>
        Array.isArray(b['elements']) &&
        (b['elements'] as Array<Record<string, unknown>>).some((e) => e['action_id'] === ActionIds.gateGo && e['value'] === value),
    );
    if (has) return message.ts;
  }
  throw new Error('no Go button');
}

describe('events out: signed webhooks and PagerDuty change events', () => {
  it('delivers every event of a run exactly once, signed and in order, after the receivers and PagerDuty were down through it', async () => {
    const w = await world();
    await w.global.setDown(true);
    await w.own.setDown(true);
    await w.pd.setDown(true);

    const started = await w.bot.slack.command('start hooks-drill', { user: ALICE });
    expect(ackText(started)).toContain('Started run');
    const runId = (await w.bot.bot.runs.resolveRun(CHANNEL, null)).id;

    // The Decide section opens at T+5 minutes: move the app's clock past it (the receivers stay down "a minute" and more).
    w.clock.offset += 6 * MINUTE;
    await eventually(async () => expect((await listDeliveries(w.bot.bot.db)).some((d) => d.eventId.startsWith('opened:'))).toBe(true), {
      ...WAIT,
      message: 'phase.opened queued',
    });

    const gate = await gateOf(w, runId);
    const value = `${runId}:${gate}`;
    await eventually(() => void goButton(w, value), { ...WAIT, message: 'Go button posted' });
    const voted = await w.bot.slack.clickButton({ ts: goButton(w, value), actionId: ActionIds.gateGo, value, user: CAROL });
    expect(voted.status).toBe(200);
    expect(ackText(await w.bot.slack.command('rollback canary error rate doubled', { user: ALICE }))).toContain('Rollback declared');
    expect(ackText(await w.bot.slack.command('finish waive rolled back cleanly', { user: ALICE }))).toContain('finished');

    // Several failed attempts each while everything is down, with backoff.
    await realDelay(1_500);
    expect(w.global.events).toEqual([]);
    const failing = await listDeliveries(w.bot.bot.db);
    expect(failing.every((d) => d.status !== 'sent')).toBe(true);
    expect(Math.max(...failing.map((d) => d.attempts))).toBeGreaterThan(1);

    await w.global.setDown(false);
    await w.own.setDown(false);
    await w.pd.setDown(false);

    // page.sent comes last: the rollback's page reaches PagerDuty only once PagerDuty is back.
    const expected = ['run.started', 'phase.opened', 'gate.decided', 'rollback.declared', 'run.finished', 'page.sent'];
    for (const receiver of [w.global, w.own]) {
      await eventually(() => expect(receiver.events.map((e) => e.type)).toEqual(expected), { ...WAIT, message: 'all events delivered' });
      expect(receiver.forged).toBe(0);
      expect(new Set(receiver.events.map((e) => e.id)).size).toBe(expected.length);
      expect(receiver.events.every((e) => e.run.id === runId && e.run.checklist === 'hooks-drill')).toBe(true);
    }
    const decided = w.global.events.find((e) => e.type === 'gate.decided')!;
    expect(decided.data).toMatchObject({ decision: 'go', by: CAROL, gate: 'Go/No-Go with the release owners' });
    expect(w.global.events.find((e) => e.type === 'rollback.declared')!.data).toMatchObject({ reason: 'canary error rate doubled', by: ALICE });
    expect(w.global.events.find((e) => e.type === 'run.finished')!.data).toMatchObject({ status: 'rolled_back' });
    expect(w.global.events.find((e) => e.type === 'page.sent')!.data['summary']).toContain(`Rollback declared on run #${runId}`);

    await eventually(
      () =>
        expect(w.pd.changes.map((c) => c.summary)).toEqual([
          `deployday run #${runId} (hooks-drill): Decide (T+5 minutes) opened`,
          `deployday run #${runId} (hooks-drill): Go on Go/No-Go with the release owners`,
          `deployday run #${runId} (hooks-drill): rollback declared (canary error rate doubled)`,
        ]),
      { ...WAIT, message: 'change events delivered' },
    );

    // Nothing more trickles in later, and no log line carries a secret.
    await realDelay(500);
    expect(w.global.events).toHaveLength(expected.length);
    expect(w.global.duplicates + w.own.duplicates).toBe(0);
    expect(w.pd.changes).toHaveLength(3);
    for (const line of w.bot.logs) {
      for (const secret of [ROUTING_KEY, GLOBAL_SECRET, CHECKLIST_SECRET]) expect(line).not.toContain(secret);
    }
  });

  it('retries a receiver answering 429 with Retry-After and gives up, logged, on a 4xx it will never accept', async () => {
    const w = await world();
    await w.own.setDown(true);
    w.global.failNext(1, { status: 429, retryAfter: '1' });
    await w.bot.slack.command('start hooks-drill', { user: ALICE });
    await realDelay(400);
    expect(w.global.events).toEqual([]);
    await eventually(() => expect(w.global.events.map((e) => e.type)).toEqual(['run.started']), { ...WAIT, message: 'delivered after Retry-After' });

    w.global.failNext(1, { status: 410 });
    expect(ackText(await w.bot.slack.command('abort not today', { user: ALICE }))).toContain('abort');
    await eventually(
      async () =>
        expect(
          (await listDeliveries(w.bot.bot.db)).filter((d) => d.destination.startsWith(`webhook:${w.global.url}`) && d.status === 'failed'),
        ).toHaveLength(1),
      WAIT,
    );
    expect(w.bot.logs.some((l) => l.includes('receiver refused the event'))).toBe(true);
    expect(w.global.events.map((e) => e.type)).toEqual(['run.started']);
  });
});

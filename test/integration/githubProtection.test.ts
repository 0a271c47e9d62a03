/**
 * GitHub deployment protection rules end to end: the real app on a random port, the strict fake
 * Slack and a strict fake GitHub (JWT → installation token → deployment callback). A signed
 * `deployment_protection_rule` delivery attaches the waiting deployment to the run's gate; the
 * gate's decision in Slack reaches GitHub exactly once, through the outbox, whatever GitHub does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { listProtections } from '../../src/store/githubProtections.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fakeGitHub.js';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { startBot, tempDir, type RunningBot } from '../support/startBot.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, BOB, CAROL, CHANNEL, ackText, auditRows } from './checklistHarness.js';

const WEBHOOK_SECRET = 'gh-webhook-secret-0123456789abcdef';
const APP_SLUG = 'deployday-test';
const WAIT = { timeoutMs: 8_000, intervalMs: 25 };

const CHECKLIST = `---
timezone: UTC
roles:
  approver: [${CAROL}, ${BOB}]
github:
  repository: acme/shop
  environment: production
  gate: canary-go
---
# Shop Release

## Prepare
- [ ] Warm the caches

## Decide
- [ ] Go/No-Go for production {#canary-go}

## Rollback
- [ ] Point traffic back
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface World {
  fake: FakeSlack;
  github: FakeGitHub;
  bot: RunningBot;
  dir: string;
  webhookUrl: string;
  start(databasePath?: string): Promise<RunningBot>;
}

async function world(): Promise<World> {
  const fake = await startFakeSlack();
  cleanups.push(() => fake.close());
  const github = await startFakeGitHub();
  cleanups.push(() => github.close());
  const dir = tempDir('deployday-github-');
  cleanups.push(dir.remove);
  writeFileSync(join(dir.dir, 'shop-release.md'), CHECKLIST);
  const start = async (databasePath = ':memory:') => {
    const bot = await startBot({
      fake,
      checklistsDir: dir.dir,
      databasePath,
      env: {
        GITHUB_APP_ID: github.appId,
        GITHUB_PRIVATE_KEY: github.privateKeyPem.replace(/\n/g, '\\n'),
        GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
        GITHUB_API_URL: github.apiUrl,
        GITHUB_APP_SLUG: APP_SLUG,
      },
      githubBackoff: { baseMs: 50, maxMs: 300, jitter: 0 },
      githubIntervalMs: 100,
    });
    cleanups.push(() => bot.stop().catch(() => undefined));
    return bot;
  };
  const bot = await start();
  return { fake, github, bot, dir: dir.dir, webhookUrl: `http://127.0.0.1:${bot.port}/github/webhook`, start };
}

async function startRun(w: World, bot = w.bot): Promise<{ runId: number; gateId: string }> {
  expect(ackText(await bot.slack.command('start shop-release', { user: ALICE }))).toContain('Started run');
  const runId = (await bot.bot.runs.resolveRun(CHANNEL, null)).id;
  const gateId = allItems((await bot.bot.runs.requireRun(runId)).checklist).find((i) => i.kind === 'gate')!.id;
  return { runId, gateId };
}

function buttonTs(fake: FakeSlack, actionId: string, value: string): string {
  for (const message of fake.messages(CHANNEL)) {
    const has = message.blocks.some(
      (b) =>
        Array.isArray(b['elements']) &&
        (b['elements'] as Array<Record<string, unknown>>).some((e) => e['action_id'] === actionId && e['value'] === value),
    );
    if (has) return message.ts;
  }
  throw new Error(`no ${actionId} button for ${value}`);
}

async function vote(w: World, bot: RunningBot, runId: number, gateId: string, choice: 'go' | 'no_go', user: string, reason = ''): Promise<void> {
  const value = `${runId}:${gateId}`;
  const actionId = choice === 'go' ? ActionIds.gateGo : ActionIds.gateNoGo;
  await eventually(() => void buttonTs(w.fake, actionId, value), { ...WAIT, message: 'gate buttons posted' });
  const views = w.fake.views.length;
  const clicked = await bot.slack.clickButton({ ts: buttonTs(w.fake, actionId, value), actionId, value, user });
  expect(clicked.status).toBe(200);
  if (choice === 'no_go') {
    await eventually(() => expect(w.fake.views.length).toBeGreaterThan(views), WAIT);
    const submitted = await bot.slack.viewSubmission({
      user,
      callbackId: CallbackIds.noGoModal,
      values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: reason } },
    });
    expect(submitted.status).toBe(200);
  }
}

/** The text of the message that holds the gate (found by its block id, with or without its buttons). */
function gateMessageText(fake: FakeSlack, runId: number, gateId: string): string {
  const message = fake.messages(CHANNEL).find((m) => m.blocks.some((b) => b['block_id'] === BlockIds.item(runId, gateId)));
  return message ? JSON.stringify(message.blocks) : '';
}

const channelText = (fake: FakeSlack): string =>
  fake
    .messages(CHANNEL)
    .map((m) => m.text ?? '')
    .join('\n');

describe('GitHub deployment protection rules', () => {
  it('attaches a signed deployment_protection_rule to the run gate, tells the channel, and a Go in Slack approves it once, naming the voter', async () => {
    const w = await world();
    const { runId, gateId } = await startRun(w);

    const delivered = await w.github.deliver(
      w.webhookUrl,
      WEBHOOK_SECRET,
      w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }),
    );
    expect(delivered.status).toBe(202);
    expect(delivered.body).toMatchObject({ outcome: 'waiting', runId, gateKey: 'canary-go' });

    // The gate shows it is awaited by GitHub, in the pipeline API's gate view and in the channel.
    const minted = ackText(await w.bot.slack.command('token create ci shop-release', { user: ALICE }));
    const token = /```(ddt_[A-Za-z0-9_-]+)```/.exec(minted)?.[1];
    const gateRes = await fetch(`http://127.0.0.1:${w.bot.port}/api/v1/runs/${runId}/gates/canary-go`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await gateRes.json()).toMatchObject({
      decision: 'pending',
      github: [{ repository: 'acme/shop', environment: 'production', status: 'waiting', decision: null }],
    });
    await eventually(
      () => expect(channelText(w.fake)).toContain('GitHub is waiting for this gate to deploy `production` (acme/shop, ref `main`'),
      WAIT,
    );
    await eventually(
      () => expect(gateMessageText(w.fake, runId, gateId)).toContain('🚦 GitHub is waiting for this gate to deploy `production` (acme/shop)'),
      {
        ...WAIT,
        message: "the gate's own message shows the waiting deployment",
      },
    );
    expect(w.github.reviews).toEqual([]);

    await vote(w, w.bot, runId, gateId, 'go', CAROL);
    await eventually(() => expect(w.github.reviews).toHaveLength(1), { ...WAIT, message: 'GitHub got the approval' });
    expect(w.github.reviews[0]).toMatchObject({ repository: 'acme/shop', environment: 'production', state: 'approved' });
    expect(w.github.reviews[0]!.comment).toContain('Test carol');
    expect(w.github.reviews[0]!.comment).toContain('deployday run #');

    const requested = await auditRows(w.bot.bot.db, runId, 'github.deployment_requested');
    expect(requested).toMatchObject([{ actor: `github:${APP_SLUG}`, target: gateId }]);
    await eventually(
      async () => expect(await auditRows(w.bot.bot.db, runId, 'github.approved')).toMatchObject([{ actor: `github:${APP_SLUG}` }]),
      WAIT,
    );
    await eventually(() => expect(channelText(w.fake)).toContain('GitHub was told to deploy `production`'), WAIT);
    await eventually(() => expect(gateMessageText(w.fake, runId, gateId)).toContain('🚀 GitHub told to deploy `production` (acme/shop)'), WAIT);

    // Later ticks never answer the deployment again.
    await w.bot.bot.github!.tick();
    expect(w.github.reviews).toHaveLength(1);
    expect(w.github.calls.filter((c) => c.path.endsWith('/deployment_protection_rule'))).toHaveLength(1);
  });

  it('rejects the deployment with the No-Go reason', async () => {
    const w = await world();
    const { runId, gateId } = await startRun(w);
    const delivered = await w.github.deliver(
      w.webhookUrl,
      WEBHOOK_SECRET,
      w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }),
    );
    expect(delivered.status).toBe(202);

    await vote(w, w.bot, runId, gateId, 'no_go', CAROL, 'canary error rate doubled');
    await eventually(() => expect(w.github.reviews).toHaveLength(1), { ...WAIT, message: 'GitHub got the rejection' });
    expect(w.github.reviews[0]).toMatchObject({ state: 'rejected', environment: 'production' });
    expect(w.github.reviews[0]!.comment).toContain('canary error rate doubled');
    expect(w.github.reviews[0]!.comment).toContain('Test carol');
    await eventually(
      async () => expect(await auditRows(w.bot.bot.db, runId, 'github.rejected')).toMatchObject([{ actor: `github:${APP_SLUG}` }]),
      WAIT,
    );
  });

  it('answers 401 to a forged signature and records nothing', async () => {
    const w = await world();
    const { runId } = await startRun(w);
    const payload = w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' });
    const forged = await w.github.deliver(w.webhookUrl, WEBHOOK_SECRET, payload, { forge: true });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(w.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'deployment_protection_rule', 'x-github-delivery': 'd-1' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(401);

    expect(await listProtections(w.bot.bot.db)).toEqual([]);
    expect((await auditRows(w.bot.bot.db, runId)).filter((r) => r.action.startsWith('github.'))).toEqual([]);
    await w.bot.bot.github!.tick();
    expect(w.github.calls).toEqual([]);
    expect(channelText(w.fake)).not.toContain('GitHub is waiting');
  });

  it('ignores a replayed delivery id: one attachment, one notice, one answer', async () => {
    const w = await world();
    const { runId, gateId } = await startRun(w);
    const payload = w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' });
    const first = await w.github.deliver(w.webhookUrl, WEBHOOK_SECRET, payload);
    const replay = await w.github.deliver(w.webhookUrl, WEBHOOK_SECRET, payload, { deliveryId: first.deliveryId });
    expect(first.body).toMatchObject({ outcome: 'waiting' });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ outcome: 'replayed' });
    expect(await listProtections(w.bot.bot.db)).toHaveLength(1);
    const notices = () =>
      w.fake.messages(CHANNEL).filter((m) => (m.text ?? '').includes('GitHub is waiting for this gate to deploy `production` (acme/shop, ref'))
        .length;
    await eventually(() => expect(notices()).toBe(1), WAIT);

    await vote(w, w.bot, runId, gateId, 'go', CAROL);
    await eventually(() => expect(w.github.reviews).toHaveLength(1), WAIT);
    await w.bot.bot.github!.tick();
    expect(w.github.reviews).toHaveLength(1);
    expect(await auditRows(w.bot.bot.db, runId, 'github.deployment_requested')).toHaveLength(1);
    expect(notices()).toBe(1);
  });

  it('rejects a deployment no active run maps, with a comment saying why', async () => {
    const w = await world();
    const delivered = await w.github.deliver(
      w.webhookUrl,
      WEBHOOK_SECRET,
      w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }),
    );
    expect(delivered.status).toBe(202);
    expect(delivered.body).toMatchObject({ outcome: 'answered', decision: 'rejected', why: 'no_run' });
    await eventually(() => expect(w.github.reviews).toHaveLength(1), WAIT);
    expect(w.github.reviews[0]).toMatchObject({ state: 'rejected' });
    expect(w.github.reviews[0]!.comment).toContain('No active deployday run maps acme/shop environment "production"');
    await eventually(
      async () => expect(await auditRows(w.bot.bot.db, null, 'github.rejected')).toMatchObject([{ actor: `github:${APP_SLUG}` }]),
      WAIT,
    );
  });

  it('rejects a waiting deployment when its run is aborted before the gate is decided, saying so', async () => {
    const w = await world();
    const { runId } = await startRun(w);
    await w.github.deliver(w.webhookUrl, WEBHOOK_SECRET, w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }));
    expect(ackText(await w.bot.slack.command('abort freeze called by the CTO', { user: ALICE }))).toContain('abort');
    await eventually(() => expect(w.github.reviews).toHaveLength(1), WAIT);
    expect(w.github.reviews[0]).toMatchObject({ state: 'rejected' });
    expect(w.github.reviews[0]!.comment).toContain(`deployday run #${runId} aborted before its gate was decided: freeze called by the CTO`);
  });

  it('approves at once a deployment that asks after the gate already passed', async () => {
    const w = await world();
    const { runId, gateId } = await startRun(w);
    await vote(w, w.bot, runId, gateId, 'go', BOB);
    const delivered = await w.github.deliver(
      w.webhookUrl,
      WEBHOOK_SECRET,
      w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }),
    );
    expect(delivered.body).toMatchObject({ outcome: 'answered', runId, decision: 'approved', why: 'go' });
    await eventually(() => expect(w.github.reviews).toHaveLength(1), WAIT);
    expect(w.github.reviews[0]).toMatchObject({ state: 'approved' });
    expect(w.github.reviews[0]!.comment).toContain('Test bob');
  });

  it('retries through 429 with Retry-After, a rate-limited 403 and GitHub down, across a restart, and approves exactly once', async () => {
    const w = await world();
    const dbDir = tempDir('deployday-github-db-');
    cleanups.push(dbDir.remove);
    const databasePath = join(dbDir.dir, 'deployday.db');
    await w.bot.stop();
    const first = await w.start(databasePath);
    let bot = first;
    const webhookUrl = `http://127.0.0.1:${bot.port}/github/webhook`;
    const { runId, gateId } = await startRun(w, bot);
    expect(
      (await w.github.deliver(webhookUrl, WEBHOOK_SECRET, w.github.waitingDeployment({ repository: 'acme/shop', environment: 'production' }))).status,
    ).toBe(202);

    w.github.failNext(1, { status: 429, retryAfter: '0' });
    w.github.failNext(1, { status: 403, rateLimitReset: Math.floor(Date.now() / 1000) });
    await vote(w, bot, runId, gateId, 'go', CAROL);
    await eventually(async () => expect((await listProtections(bot.bot.db))[0]!.attempts).toBeGreaterThanOrEqual(2), {
      ...WAIT,
      message: 'two refused attempts',
    });
    expect(w.github.reviews).toEqual([]);
    await w.github.setDown(true);
    await eventually(
      async () => {
        const row = (await listProtections(bot.bot.db))[0]!;
        expect(row.attempts).toBeGreaterThanOrEqual(3);
        expect(row).toMatchObject({ status: 'queued', decision: 'approved' });
      },
      { ...WAIT, message: 'an attempt refused while GitHub is down, waiting for the next' },
    );

    await bot.stop();
    await w.github.setDown(false);
    bot = await w.start(databasePath);
    await eventually(() => expect(w.github.reviews).toHaveLength(1), { ...WAIT, message: 'approved after the restart' });
    expect(w.github.reviews[0]).toMatchObject({ state: 'approved', environment: 'production' });
    await bot.bot.github!.tick();
    expect(w.github.reviews).toHaveLength(1);
    expect(await listProtections(bot.bot.db)).toMatchObject([{ status: 'sent', decision: 'approved' }]);
    expect(await auditRows(bot.bot.db, runId, 'github.approved')).toHaveLength(1);

    // The retries were logged; no secret was: not the webhook secret, the App key nor an installation token.
    const logs = [...first.logs, ...bot.logs].join('\n');
    expect(logs).toContain('github: callback failed, will retry');
    expect(logs).not.toContain(WEBHOOK_SECRET);
    expect(logs).not.toMatch(/ghs_[0-9a-f]{8}/);
    expect(logs).not.toContain(w.github.privateKeyPem.split('\n')[1]!);
  });
});

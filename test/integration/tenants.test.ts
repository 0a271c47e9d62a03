/**
 * OAuth distribution end to end (issue 11): deployday started with the OAuth variables and no bot
 * token, two workspaces installed through its own /slack/install and /slack/oauth_redirect against
 * the strict fake Slack, each running a day, and every way one could reach the other's run tried.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { allItems } from '../../src/domain/checklist.js';
import { ActionIds, BlockIds, CallbackIds } from '../../src/slack/ids.js';
import { BOT_SCOPES } from '../../src/slack/oauthInstall.js';
import { REMINDER_METADATA_TYPE } from '../../src/slack/reminderPoster.js';
import { findInstallation, listInstallations } from '../../src/store/installations.js';
import { createTokenCipher } from '../../src/store/tokenCipher.js';
import { startFakePagerDuty, type FakePagerDuty } from '../support/fakePagerDuty.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { createSlackClient, type SlackClient } from '../support/slackClient.js';
import { SIGNING_SECRET, startBot, type RunningBot } from '../support/startBot.js';
import { eventually } from '../support/waitFor.js';
import { ALICE, checkboxOf, itemRow } from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-for-tests-0000';
const STATE_SECRET = 'state-secret-for-tests-0000';
const PUBLIC_URL = 'https://deployday.example.com';

interface Workspace {
  id: string;
  domain: string;
  channel: string;
  /** A workspace of this Enterprise Grid org, where the app is installed org-wide. */
  enterpriseId?: string;
  orgWide?: boolean;
}
const A: Workspace = { id: 'T0AAA', domain: 'alpha', channel: 'C0ALPHA' };
const B: Workspace = { id: 'T0BBB', domain: 'beta', channel: 'C0BETA' };
const GRID = 'E0GRID';
const G1: Workspace = { id: 'T0GRID1', domain: 'grid-one', channel: 'C0GRID1', enterpriseId: GRID, orgWide: true };
const G2: Workspace = { id: 'T0GRID2', domain: 'grid-two', channel: 'C0GRID2', enterpriseId: GRID, orgWide: true };

/** The bot's clock from a fixed morning at real speed, so the overdue nudges never meet their end-of-day stop. */
function morningClock(): { now(): number } {
  const morning = Date.UTC(2026, 10, 23, 9, 0);
  const startedAt = Date.now();
  return { now: () => morning + (Date.now() - startedAt) };
}

const ROUTING_KEY = 'Rk7TenantDrill00000Integration42';
const PD_API_TOKEN = 'u+tenantDrillRestToken-71ab';

interface World {
  /** The bot's clock (a fixed morning at real speed). */
  clock: { now(): number };
  fake: FakeSlack;
  bot: RunningBot;
  base: string;
  key: Buffer;
  slack: (w: Workspace) => SlackClient;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(rotation: { expiresInSec: number } | null = null, pd: FakePagerDuty | null = null): Promise<World> {
  const fake = await FakeSlack.start({
    oauth: {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      appScopes: [...BOT_SCOPES],
      ...(rotation ? { tokenRotation: true, expiresInSec: rotation.expiresInSec } : {}),
    },
  });
  cleanups.push(() => fake.close());
  fake.oauth.addWorkspace({ teamId: A.id, teamName: 'Alpha', channels: [A.channel] });
  fake.oauth.addWorkspace({ teamId: B.id, teamName: 'Beta', channels: [B.channel] });
  for (const g of [G1, G2]) fake.oauth.addWorkspace({ teamId: g.id, teamName: g.domain, enterpriseId: GRID, channels: [g.channel] });
  const key = randomBytes(32);
  const clock = morningClock();
  const bot = await startBot({
    fake,
    clock,
    ...(pd ? { pagerBackoff: { baseMs: 50, maxMs: 200, jitter: 0 }, pagerIntervalMs: 100 } : {}),
    env: {
      ...(pd
        ? { PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: pd.eventsUrl, PAGERDUTY_API_TOKEN: PD_API_TOKEN, PAGERDUTY_API_URL: pd.apiUrl }
        : {}),
      // An empty value is an unset variable: OAuth mode has no bot token.
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: STATE_SECRET,
      DEPLOYDAY_PUBLIC_URL: PUBLIC_URL,
      DEPLOYDAY_ENCRYPTION_KEY: key.toString('base64'),
    },
  });
  cleanups.push(() => bot.stop());
  const base = `http://127.0.0.1:${bot.port}`;
  const slack = (w: Workspace) =>
    createSlackClient({
      baseUrl: base,
      signingSecret: SIGNING_SECRET,
      fake,
      team: { id: w.id, domain: w.domain, ...(w.enterpriseId ? { enterpriseId: w.enterpriseId, orgWide: w.orgWide === true } : {}) },
    });
  return { clock, fake, bot, base, key, slack };
}

/** A browser through the install: our link, Slack's authorize page (the fake), back to our redirect URL. */
async function install(
  w: World,
  teamId: string,
  tamper: (redirect: URL) => void = () => undefined,
  orgWide = false,
): Promise<{ status: number; page: string }> {
  const start = await fetch(`${w.base}/slack/install`, { redirect: 'manual' });
  expect(start.status).toBe(302);
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const authorize = new URL(start.headers.get('location')!);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/slack/oauth_redirect`);
  const redirect = new URL(w.fake.oauth.approve(authorize.toString(), { teamId, orgWide }));
  tamper(redirect);
  const back = await fetch(`${w.base}${redirect.pathname}${redirect.search}`, { headers: { cookie } });
  return { status: back.status, page: await back.text() };
}

async function botTokenOf(w: World, teamId: string, tenantKey = `T:${teamId}`): Promise<string> {
  const token = (await findInstallation(w.bot.bot.db, createTokenCipher(w.key), tenantKey))?.bot?.token;
  if (!token) throw new Error(`no installation for ${teamId}`);
  return token;
}

function ack(response: { status: number; body: unknown; text: string }): string {
  expect(response.status).toBe(200);
  return String((response.body as { text?: unknown } | null)?.text ?? '');
}

async function startIn(w: World, ws: Workspace, at = ''): Promise<number> {
  const text = ack(await w.slack(ws).command(`start small-release${at}`, { channel: ws.channel, user: ALICE }));
  const runId = Number(/#(\d+)/.exec(text)?.[1]);
  expect(runId).toBeGreaterThan(0);
  await w.bot.bot.sync.idle();
  return runId;
}

async function itemIdOf(w: World, runId: number, text: string): Promise<string> {
  const item = allItems((await w.bot.bot.runs.snapshot(runId)).run.checklist).find((i) => i.text.startsWith(text));
  if (!item) throw new Error(`no item “${text}”`);
  return item.id;
}

async function deniedRows(w: World, teamId: string): Promise<Array<{ target: string | null; detail: string | null }>> {
  return (await prepared(w.bot.bot.db, `SELECT target, detail_json AS detail FROM audit WHERE action = 'denied' AND team_id = ? ORDER BY id`).all(
    teamId,
  )) as Array<{
    target: string | null;
    detail: string | null;
  }>;
}

/** Posts what each workspace's channel received, by the token it came with. */
function tokensPostingTo(w: World, channel: string, kind?: string): Set<string | undefined> {
  return new Set(
    w.fake
      .callsTo('chat.postMessage')
      .filter((c) => c.ok && c.args['channel'] === channel)
      .filter((c) => kind === undefined || (c.args['metadata'] as { event_type?: string } | undefined)?.event_type === kind)
      .map((c) => c.token),
  );
}

async function signedEvent(w: World, ws: Workspace, event: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy-verification-token-0000',
    team_id: ws.id,
    api_app_id: 'A0DEPLOY',
    event: { ...event, event_ts: `${Math.floor(Date.now() / 1000)}.000100` },
    type: 'event_callback',
    event_id: `Ev${randomBytes(4).toString('hex')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [],
  });
  const slack = w.slack(ws);
  const response = await slack.sendRaw(body, { ...slack.signedHeaders(body), 'Content-Type': 'application/json' });
  return response.status;
}

describe('OAuth distribution: two workspaces, isolated', () => {
  it('installs two workspaces through /slack/install and /slack/oauth_redirect, and posts each run and its reminders with its own token', async () => {
    const w = await world();
    expect((await install(w, A.id)).page).toContain('deployday is installed');
    expect((await install(w, B.id)).status).toBe(200);
    expect((await listInstallations(w.bot.bot.db)).map((i) => i.tenantKey)).toEqual([`T:${A.id}`, `T:${B.id}`]);
    const tokenA = await botTokenOf(w, A.id);
    const tokenB = await botTokenOf(w, B.id);
    expect(tokenA).not.toBe(tokenB);
    // At rest only sealed: no row of the database holds a token in clear.
    expect(JSON.stringify(await prepared(w.bot.bot.db, 'SELECT * FROM installations').all())).not.toContain(tokenA);

    const runA = await startIn(w, A);
    const runB = await startIn(w, B);
    expect(await prepared(w.bot.bot.db, 'SELECT id, team_id FROM runs ORDER BY id').all()).toEqual([
      { id: runA, team_id: A.id },
      { id: runB, team_id: B.id },
    ]);
    // Both runs start with "Before (T-1 hour)" overdue (it closes at T-0): its nudge is a reminder, due at once.
    await eventually(() => {
      expect(tokensPostingTo(w, A.channel, REMINDER_METADATA_TYPE).size).toBe(1);
      expect(tokensPostingTo(w, B.channel, REMINDER_METADATA_TYPE).size).toBe(1);
    });
    expect(tokensPostingTo(w, A.channel)).toEqual(new Set([tokenA]));
    expect(tokensPostingTo(w, B.channel)).toEqual(new Set([tokenB]));
    // Each overview links its phases to their messages through its own workspace's URL (auth.test with its token).
    const linksIn = (t: typeof A) => `https://${t.id.toLowerCase()}.slack.com/archives/${t.channel}/p`;
    await eventually(
      () => {
        for (const t of [A, B]) expect(w.fake.findText(t.channel, linksIn(t)).length).toBeGreaterThan(0);
      },
      { timeoutMs: 10_000 },
    );
    expect([w.fake.findText(A.channel, linksIn(B)), w.fake.findText(B.channel, linksIn(A))]).toEqual([[], []]);
    // The fake holds each token to its own workspace, as Slack does: nothing was refused.
    expect(w.fake.callsTo('chat.postMessage').filter((c) => c.error === 'channel_not_found')).toEqual([]);
    // No token or secret in any log line, at debug level.
    const log = w.bot.logs.join('\n');
    expect(log).toContain(`installed into workspace ${A.id}`);
    for (const secret of [tokenA, tokenB, CLIENT_SECRET, STATE_SECRET, w.key.toString('base64')]) expect(log).not.toContain(secret);
  });

  it("installs org-wide on an Enterprise Grid org once, and serves each of the org's workspaces with the org's token", async () => {
    const w = await world();
    expect((await install(w, G1.id, undefined, true)).status).toBe(200);
    expect((await listInstallations(w.bot.bot.db)).map((i) => i.tenantKey)).toEqual([`E:${GRID}`]);
    const orgToken = await botTokenOf(w, G1.id, `E:${GRID}`);
    const run1 = await startIn(w, G1);
    const run2 = await startIn(w, G2);
    expect(await prepared(w.bot.bot.db, 'SELECT id, team_id, enterprise_id FROM runs ORDER BY id').all()).toEqual([
      { id: run1, team_id: G1.id, enterprise_id: GRID },
      { id: run2, team_id: G2.id, enterprise_id: GRID },
    ]);
    expect(tokensPostingTo(w, G1.channel)).toEqual(new Set([orgToken]));
    expect(tokensPostingTo(w, G2.channel)).toEqual(new Set([orgToken]));
    // A run still belongs to the workspace it was started in.
    expect(ack(await w.slack(G2).command(`status #${run1}`, { channel: G2.channel }))).toBe(`There is no run #${run1} in this channel.`);
  });

  it('refreshes a rotating token about to expire before the background posts use it, and stores the new one sealed', async () => {
    // Bolt refreshes a token within two hours of its expiry: one hour makes the first use refresh it.
    const w = await world({ expiresInSec: 3600 });
    await install(w, A.id);
    const installed = await botTokenOf(w, A.id);
    expect(installed).toMatch(/^xoxe\.xoxb-/);
    await startIn(w, A);
    const used = tokensPostingTo(w, A.channel);
    expect(used.size).toBeGreaterThan(0);
    expect(used.has(installed)).toBe(false);
    expect(w.fake.callsTo('chat.postMessage').every((c) => c.ok)).toBe(true);
    expect(w.fake.callsTo('oauth.v2.access').some((c) => c.args['grant_type'] === 'refresh_token')).toBe(true);
    expect(await botTokenOf(w, A.id)).not.toBe(installed);
  });

  it('refuses a forged or stale state on the redirect with a 400 page, and stores nothing', async () => {
    const w = await world();
    const forged = await install(w, A.id, (redirect) => redirect.searchParams.set('state', 'forged-state'));
    expect(forged.status).toBe(400);
    expect(forged.page).toContain('This installation link has expired, was forged, or was started in another browser.');
    expect(await listInstallations(w.bot.bot.db)).toEqual([]);
  });

  it("answers a command from workspace B naming A's run exactly as a run that does not exist, and audits it in B", async () => {
    const w = await world();
    await install(w, A.id);
    await install(w, B.id);
    const runA = await startIn(w, A);
    const slackB = w.slack(B);
    for (const verb of ['status', 'export', 'schedule', 'roles']) {
      const named = ack(await slackB.command(`${verb} #${runA}`, { channel: B.channel }));
      const missing = ack(await slackB.command(`${verb} #999`, { channel: B.channel }));
      expect(named).toBe(missing.replace('999', String(runA)));
      expect(named).not.toContain('Small Release');
    }
    expect((await deniedRows(w, B.id)).filter((r) => r.target === `run:${runA}`)).toHaveLength(4);
    // The refusals are B's, not part of A's run record.
    expect(await prepared(w.bot.bot.db, `SELECT COUNT(*) AS n FROM audit WHERE run_id = ? AND action = 'denied'`).get(runA)).toEqual({ n: 0 });
  });

  it("refuses clicks from workspace B on A's messages (forged checkbox, Go button, replayed No-Go view), changing nothing", async () => {
    const w = await world();
    await install(w, A.id);
    await install(w, B.id);
    const runA = await startIn(w, A);
    const slackB = w.slack(B);
    const item = await itemIdOf(w, runA, 'Freeze merges');
    const { ts, blockId } = checkboxOf(w.fake, item, A.channel);
    expect((await slackB.clickCheckbox({ channel: A.channel, ts, blockId, itemValue: item, checked: true })).status).toBe(200);

    const gate = await itemIdOf(w, runA, 'Go/No-Go decision');
    const goTs = checkboxOrButtonTs(w, A.channel, ActionIds.gateGo);
    expect((await slackB.clickButton({ channel: A.channel, ts: goTs, actionId: ActionIds.gateGo })).status).toBe(200);
    const replay = await slackB.viewSubmission({
      callbackId: CallbackIds.noGoModal,
      privateMetadata: `${runA}:${gate}:${A.channel}`,
      values: { [BlockIds.noGoReason]: { [ActionIds.noGoReasonInput]: 'from the other workspace' } },
    });
    expect(replay.text).toContain(`There is no run #${runA}`);

    expect(await itemRow(w.bot.bot.db, runA, item)).toBeUndefined();
    expect(await prepared(w.bot.bot.db, 'SELECT COUNT(*) AS n FROM gate_votes WHERE run_id = ?').get(runA)).toEqual({ n: 0 });
    await eventually(async () => expect((await deniedRows(w, B.id)).filter((r) => r.target === `run:${runA}`)).toHaveLength(3));
    // The same clicks from A itself are taken: the refusal was the workspace, not the payload.
    const slackA = w.slack(A);
    expect((await slackA.clickCheckbox({ channel: A.channel, ts, blockId, itemValue: item, checked: true })).status).toBe(200);
    await eventually(async () => expect((await itemRow(w.bot.bot.db, runA, item))?.done).toBe(1));
  });

  it("lets a pipeline token of workspace A reach A's runs only, never B's", async () => {
    const w = await world();
    await install(w, A.id);
    await install(w, B.id);
    const runA = await startIn(w, A);
    const runB = await startIn(w, B);
    const created = ack(await w.slack(A).command('token create ci', { channel: A.channel, user: ALICE }));
    const secret = /```(ddt_[^`]+)```/.exec(created)?.[1];
    expect(secret).toBeDefined();
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${w.base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    expect((await api('GET', `/runs/${runA}`)).status).toBe(200);
    const readB = await api('GET', `/runs/${runB}`);
    const readMissing = await api('GET', '/runs/999');
    expect(readB.status).toBe(readMissing.status);
    expect(readB.status).toBe(404);
    expect((await api('POST', `/runs/${runB}/items/deploy-to-canary`, { done: true })).status).toBe(404);
    expect((await api('GET', `/runs/${runB}/gates/go-no-go-decision-recorded`)).status).toBe(404);
    expect(await prepared(w.bot.bot.db, 'SELECT COUNT(*) AS n FROM item_states WHERE run_id = ?').get(runB)).toEqual({ n: 0 });
    expect((await deniedRows(w, A.id)).filter((r) => r.target === `run:${runB}`).length).toBeGreaterThanOrEqual(2);
  });

  it("on app_uninstalled deletes A's tokens and suspends A's runs (reminders stop, state and audit kept) while B's carry on", async () => {
    const w = await world();
    await install(w, A.id);
    await install(w, B.id);
    const tokenA = await botTokenOf(w, A.id);
    const tokenB = await botTokenOf(w, B.id);
    const runA = await startIn(w, A);
    const runB = await startIn(w, B);
    await eventually(() => expect(tokensPostingTo(w, A.channel, REMINDER_METADATA_TYPE).size).toBe(1));

    // Slack revokes the tokens, then tells the app.
    w.fake.oauth.revoke(`T:${A.id}`);
    expect(await signedEvent(w, A, { type: 'app_uninstalled' })).toBe(200);
    await eventually(async () => expect((await listInstallations(w.bot.bot.db)).map((i) => i.tenantKey)).toEqual([`T:${B.id}`]));
    const db = w.bot.bot.db;
    expect(
      await prepared(db, 'SELECT status, CASE WHEN suspended_at IS NULL THEN 0 ELSE 1 END AS suspended FROM runs WHERE id = ?').get(runA),
    ).toEqual({
      status: 'active',
      suspended: 1,
    });
    expect(await prepared(db, `SELECT COUNT(*) AS n FROM reminders WHERE run_id = ? AND status IN ('pending', 'claimed')`).get(runA)).toEqual({
      n: 0,
    });
    expect(await prepared(db, `SELECT actor, team_id FROM audit WHERE run_id = ? AND action = 'app.uninstalled'`).all(runA)).toEqual([
      { actor: 'slack', team_id: A.id },
    ]);
    expect(await prepared(db, 'SELECT suspended_at FROM runs WHERE id = ?').get(runB)).toEqual({ suspended_at: null });

    // A's workspace can no longer reach the bot; B's still can, and its notices still go out with B's token.
    const fromA = ack(await w.slack(A).command(`status #${runA}`, { channel: A.channel }));
    expect(fromA).toBe(
      `deployday is not installed in this workspace (or was uninstalled). Install it from ${PUBLIC_URL}/slack/install, then try again.`,
    );
    const callsWithA = w.fake.calls.filter((c) => c.token === tokenA).length;
    ack(await w.slack(B).command('slip 10m', { channel: B.channel, user: ALICE }));
    await eventually(() => expect(w.fake.findText(B.channel, 'T-0').length).toBeGreaterThan(0));
    await w.bot.bot.sync.idle();
    expect(w.fake.calls.filter((c) => c.token === tokenA).length).toBe(callsWithA);
    expect(tokensPostingTo(w, B.channel)).toEqual(new Set([tokenB]));
  });

  it('keeps taking clicks when Slack revokes a token mid-run without telling us, and logs the refusal once, with an error id', async () => {
    const w = await world();
    await install(w, A.id);
    const runA = await startIn(w, A);
    w.fake.oauth.revoke(`T:${A.id}`);
    const slackA = w.slack(A);
    // Items of two messages (the Before and Go phases): each message's update is refused.
    for (const text of ['Announce the window', 'Freeze merges', 'Deploy to canary']) {
      const item = await itemIdOf(w, runA, text);
      const { ts, blockId } = checkboxOf(w.fake, item, A.channel);
      expect((await slackA.clickCheckbox({ channel: A.channel, ts, blockId, itemValue: item, checked: true })).status).toBe(200);
      expect((await itemRow(w.bot.bot.db, runA, item))?.done).toBe(1);
    }
    const told = () => w.bot.logs.filter((line) => line.includes(`Slack refuses deployday's token for run ${runA}'s channel (token_revoked)`));
    // Both messages' refusals recorded (each just before its log line would be written) …
    const refused = async () =>
      (
        (await prepared(w.bot.bot.db, `SELECT COUNT(*) AS n FROM run_messages WHERE run_id = ? AND last_error LIKE 'token_revoked%'`).get(runA)) as {
          n: number;
        }
      ).n;
    await eventually(async () => expect(await refused()).toBeGreaterThanOrEqual(2));
    // … and one line says so.
    expect(told()).toHaveLength(1);
    expect(told()[0]).toMatch(/\[[\w-]+\]/);
  });

  it('still pages PagerDuty when Slack revokes a token mid-run, and logs the refused reminders of that channel once', async () => {
    const pd = await startFakePagerDuty({ routingKey: ROUTING_KEY, apiToken: PD_API_TOKEN });
    cleanups.push(() => pd.close());
    const w = await world(null, pd);
    await install(w, A.id);
    const runA = await startIn(w, A);
    w.fake.oauth.revoke(`T:${A.id}`);

    // A page by hand reaches PagerDuty although the channel can no longer be told.
    expect((await w.slack(A).command(`page #${runA} the primary database is unreachable`, { channel: A.channel, user: ALICE })).status).toBe(200);
    await eventually(() => expect([...pd.alerts.values()].some((a) => a.summary.includes('the primary database is unreachable'))).toBe(true));

    // The Before phase's nudge, the phases' openings and the page's notice fall due: each is refused, one line says so.
    const told = () => w.bot.logs.filter((line) => line.includes(`Slack refuses deployday's token for channel ${A.channel} (token_revoked)`));
    await eventually(() => expect(told()).toHaveLength(1));
    const refusedReminders = async () =>
      (
        (await prepared(w.bot.bot.db, `SELECT COUNT(*) AS n FROM reminders WHERE run_id = ? AND outcome LIKE '%token_revoked'`).get(runA)) as {
          n: number;
        }
      ).n;
    await eventually(async () => expect(await refusedReminders()).toBeGreaterThanOrEqual(2));
    expect(told()).toHaveLength(1);
    expect(told()[0]).toMatch(/\[[\w-]+\]/);
  });

  it('reinstalling resumes the suspended runs of that workspace', async () => {
    const w = await world();
    await install(w, A.id);
    // T-0 two hours after the bot's morning: the run's reminders are ahead.
    const runA = await startIn(w, A, ' at 11:00');
    expect(await signedEvent(w, A, { type: 'tokens_revoked', tokens: { oauth: [], bot: ['U0AAABOT'] } })).toBe(200);
    await eventually(async () => expect(await listInstallations(w.bot.bot.db)).toEqual([]));
    expect(
      await prepared(w.bot.bot.db, 'SELECT CASE WHEN suspended_at IS NULL THEN 0 ELSE 1 END AS suspended FROM runs WHERE id = ?').get(runA),
    ).toEqual({ suspended: 1 });
    const remindersOf = async () =>
      (await prepared(w.bot.bot.db, 'SELECT key, status, due_at FROM reminders WHERE run_id = ? ORDER BY id').all(runA)) as Array<{
        key: string;
        status: string;
        due_at: number;
      }>;
    const ahead = (await remindersOf()).filter((r) => r.due_at > w.clock.now() + 60_000);
    expect(ahead.length).toBeGreaterThan(0);
    expect(ahead.every((r) => r.status === 'cancelled')).toBe(true);
    // Only a suspended run is active: the poller does not keep beating for it.
    expect(await w.bot.bot.timeline.anyActiveRun()).toBe(false);

    expect((await install(w, A.id)).status).toBe(200);
    expect(await prepared(w.bot.bot.db, 'SELECT suspended_at FROM runs WHERE id = ?').get(runA)).toEqual({ suspended_at: null });
    // The reminders still ahead come back; the poller beats again.
    const back = new Map((await remindersOf()).map((r) => [r.key, r.status]));
    expect(ahead.map((r) => back.get(r.key))).toEqual(ahead.map(() => 'pending'));
    expect(await w.bot.bot.timeline.anyActiveRun()).toBe(true);
    expect(await prepared(w.bot.bot.db, `SELECT action FROM audit WHERE run_id = ? AND action LIKE 'app.%' ORDER BY id`).all(runA)).toEqual([
      { action: 'app.uninstalled' },
      { action: 'app.installed' },
    ]);
    expect(ack(await w.slack(A).command(`status #${runA}`, { channel: A.channel }))).toContain('Small Release');
  });
});

/** The ts of the message holding the first button with this action id in a channel. */
function checkboxOrButtonTs(w: World, channel: string, actionId: string): string {
  const found = w.fake.messages(channel).find((m) => JSON.stringify(m.blocks).includes(`"action_id":"${actionId}"`));
  if (!found) throw new Error(`no ${actionId} button in ${channel}`);
  return found.ts;
}

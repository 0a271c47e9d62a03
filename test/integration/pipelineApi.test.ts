/**
 * Issue 12: the pipeline API and `deployday gate wait` against the real bot on a random port, the
 * fake Slack, and real SQLite. The CLI's command runs in-process with the real fetch.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateWaitCommand } from '../../src/cli/gateWaitCommand.js';
import { startFakeSlack } from '../support/fakeSlack.js';
import { REPO_ROOT, startBot, tempDir } from '../support/startBot.js';
import {
  ALICE,
  BOB,
  CHANNEL,
  ackText,
  auditRows,
  checkboxOf,
  clickItem,
  confirmGo,
  harnessPerTest,
  optionsIn,
  type Harness,
} from './checklistHarness.js';
import { prepared } from '../../src/store/db.js';

const PIPELINE_CHECKLISTS = join(REPO_ROOT, 'test', 'fixtures', 'pipeline');
const open = harnessPerTest();

async function mintToken(h: Harness, args = 'github-actions release', user = ALICE): Promise<string> {
  const text = ackText(await h.bot.slack.command(`token create ${args}`, { user }));
  const match = /```(ddt_[A-Za-z0-9_-]+)```/.exec(text);
  if (!match) throw new Error(`no token in: ${text}`);
  return match[1]!;
}

function api(h: Harness, token: string | null, signal?: AbortSignal) {
  const base = `http://127.0.0.1:${h.bot.port}/api/v1`;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(signal ? { signal } : {}),
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
}

function cli(args: string[], out: string[] = [], longestPauseMs = Number.POSITIVE_INFINITY) {
  return gateWaitCommand(
    args,
    {},
    {
      fetch,
      out: (line) => out.push(line),
      err: (line) => out.push(line),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, longestPauseMs))),
    },
  );
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the pipeline: API, CI ticks and gate wait', () => {
  it('starts a run, takes three CI ticks with evidence, and releases the gate wait on a Go in Slack', async () => {
    const h = await open({ checklistsDir: PIPELINE_CHECKLISTS });
    const token = await mintToken(h);
    const call = api(h, token);

    const started = await call('POST', '/runs', { checklist: 'release' });
    expect(started.status).toBe(201);
    const runId = started.body.runId as number;
    await h.bot.bot.sync.idle();
    for (const [key, note] of [
      ['tests-green', 'build #512'],
      ['artefact-signed', 'cosign ok'],
      ['canary-deployed', 'canary 5%'],
    ] as const) {
      const ticked = await call('POST', `/runs/${runId}/items/${key}`, { evidenceUrl: `https://ci.example/build/512#${key}`, note });
      expect(ticked.status).toBe(200);
    }
    expect((await clickItem(h, 's0.i3', { user: ALICE })).status).toBe(200);

    const out: string[] = [];
    const waiting = cli(
      ['--url', `http://127.0.0.1:${h.bot.port}`, '--token', token, '--run', String(runId), '--gate', 'canary-go', '--timeout', '2m'],
      out,
    );
    await until(() => h.bot.bot.gateWaiters.size === 1);
    const goTs = checkboxOf(h.fake, 's0.i0').ts;
    expect((await h.bot.slack.clickButton({ ts: goTs, actionId: 'dd_gate_go', user: BOB })).status).toBe(200);
    // The vote releases the waiter itself: the CLI's 2-minute wait would outlast the test.
    expect(await waiting).toBe(0);
    expect(out.at(-1)).toBe(`Go: "Canary Go/No-Go decision" on run #${runId}`);

    await h.bot.bot.sync.idle();
    const descriptions = Object.fromEntries(optionsIn(checkboxOf(h.fake, 's0.i0').message).map((o) => [o.value, o.description]));
    // The link would not fit Slack's 75 characters here, so the note stands alone (the URL is in the API and the audit).
    expect(descriptions['s0.i0']).toBe('✓ by ci:github-actions · build #512');
    expect(descriptions['s0.i3']).toMatch(/^✓ <@U0ALICE> · /);
    const exported = ackText(await h.bot.slack.command(`export #${runId}`, { user: ALICE }));
    expect(exported).toMatch(/ci:github-actions item\.tick/);
    expect(exported).toMatch(/<@U0ALICE> item\.tick/);
    expect(exported).toMatch(/<@U0BOB> gate\.go/);
    // The token was shown once, ephemerally: never in a log line, and only its hash is stored.
    expect(h.bot.logs.filter((l) => l.includes(token))).toEqual([]);
    expect(JSON.stringify(await prepared(h.db, 'SELECT * FROM api_tokens').all())).not.toContain(token);
  });

  it('exits 1 with the reason on a No-Go', async () => {
    const h = await open({ checklistsDir: PIPELINE_CHECKLISTS });
    const token = await mintToken(h);
    const runId = (await api(h, token)('POST', '/runs', { checklist: 'release' })).body.runId as number;
    await h.bot.bot.sync.idle();
    const out: string[] = [];
    const waiting = cli(
      ['--url', `http://127.0.0.1:${h.bot.port}`, '--token', token, '--run', String(runId), '--gate', 'canary-go', '--timeout', '1m'],
      out,
    );
    await until(() => h.bot.bot.gateWaiters.size === 1);
    expect(
      (await h.bot.bot.services.gates.voteGate({ userId: BOB, channelId: CHANNEL, runId, itemId: 's0.i4', vote: 'no_go', reason: 'error rate 4%' }))
        .outcome,
    ).toBe('failed');
    expect(await waiting).toBe(1);
    expect(out.at(-1)).toBe(`No-Go: "Canary Go/No-Go decision" on run #${runId}: error rate 4%`);
  });
});

describe('the pipeline API refuses bad input and changes nothing', () => {
  it('answers 401 to a wrong or revoked token and 403 outside its scope, auditing the refusal', async () => {
    const h = await open({ checklistsDir: PIPELINE_CHECKLISTS });
    const token = await mintToken(h);
    const hotfixOnly = await mintToken(h, 'hotfix-bot hotfix');
    const runId = (await api(h, token)('POST', '/runs', { checklist: 'release' })).body.runId as number;

    expect((await api(h, 'ddt_not-a-real-token')('GET', `/runs/${runId}`)).status).toBe(401);
    expect((await api(h, null)('GET', `/runs/${runId}`)).status).toBe(401);
    const scoped = await api(h, hotfixOnly)('POST', `/runs/${runId}/items/tests-green`, {});
    expect(scoped.status).toBe(403);
    expect(await auditRows(h.db, runId, 'denied')).toEqual([expect.objectContaining({ actor: 'ci:hotfix-bot' })]);
    expect((await api(h, hotfixOnly)('POST', '/runs', { checklist: 'release' })).status).toBe(403);

    ackText(await h.bot.slack.command('token revoke github-actions', { user: ALICE }));
    expect((await api(h, token)('GET', `/runs/${runId}`)).status).toBe(401);
    expect(await auditRows(h.db, runId, 'item.tick')).toEqual([]);
  });

  it('lists the valid keys for an unknown one, and refuses malformed JSON and oversized bodies with a reason', async () => {
    const h = await open({ checklistsDir: PIPELINE_CHECKLISTS });
    const call = api(h, await mintToken(h));
    const runId = (await call('POST', '/runs', { checklist: 'release' })).body.runId as number;

    const unknown = await call('POST', `/runs/${runId}/items/tests-gren`, {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'unknown_key', validKeys: expect.arrayContaining(['tests-green', 'check-the-canary-dashboard']) });
    expect((await call('GET', `/runs/${runId}/gates/nope`)).body).toMatchObject({ validKeys: ['canary-go'] });
    const malformed = await call('POST', `/runs/${runId}/items/tests-green`, '{"done": tru');
    expect(malformed.status).toBe(400);
    expect(String(malformed.body.message)).toMatch(/not valid JSON/);
    const oversized = await call('POST', `/runs/${runId}/items/tests-green`, { note: 'x'.repeat(20_000) });
    expect(oversized.status).toBe(400);
    expect(String(oversized.body.message)).toMatch(/at most 16384/);
    expect((await call('POST', `/runs/${runId}/items/tests-green`, { evidenceUrl: 'javascript:alert(1)' })).status).toBe(400);
    expect(await auditRows(h.db, runId, 'item.tick')).toEqual([]);
  });

  it('answers 409 on a finished run, and replays an Idempotency-Key without ticking twice', async () => {
    const h = await open({ checklistsDir: PIPELINE_CHECKLISTS });
    const call = api(h, await mintToken(h));
    const runId = (await call('POST', '/runs', { checklist: 'release' })).body.runId as number;

    const first = await call('POST', `/runs/${runId}/items/tests-green`, { note: 'build #512' }, { 'idempotency-key': 'build-512-tests' });
    const again = await call('POST', `/runs/${runId}/items/tests-green`, { note: 'build #512' }, { 'idempotency-key': 'build-512-tests' });
    expect(first.status).toBe(200);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await call('POST', `/runs/${runId}/items/tests-green`, { done: false }, { 'idempotency-key': 'build-512-tests' })).status).toBe(422);
    expect(await auditRows(h.db, runId, 'item.tick')).toHaveLength(1);

    ackText(await h.bot.slack.command(`abort #${runId} pipeline test`, { user: ALICE }));
    const late = await call('POST', `/runs/${runId}/items/artefact-signed`, {});
    expect(late).toMatchObject({ status: 409, body: { error: 'run_ended' } });
    expect((await call('GET', `/runs/${runId}/gates/canary-go`)).body).toMatchObject({ decision: 'ended' });
  });
});

describe('deployday gate wait across a bot restart', () => {
  it('keeps waiting while the bot is down and exits 0 on a Go given after it comes back', async () => {
    const fake = await startFakeSlack();
    const tmp = tempDir();
    const databasePath = join(tmp.dir, 'deployday.db');
    let bot = await startBot({ fake, databasePath, checklistsDir: PIPELINE_CHECKLISTS });
    try {
      const h = { fake, bot, db: bot.bot.db, close: async () => undefined };
      const token = await mintToken(h);
      const runId = (await api(h, token)('POST', '/runs', { checklist: 'release' })).body.runId as number;
      await bot.bot.sync.idle();
      const port = bot.port;
      const out: string[] = [];
      const waiting = cli(
        ['--url', `http://127.0.0.1:${port}`, '--token', token, '--run', String(runId), '--gate', 'canary-go', '--timeout', '2m'],
        out,
        // Its backoff (0.5 s doubling) cut to 0.2 s: the test proves it keeps asking, not how long it pauses.
        200,
      );
      await until(() => bot.bot.gateWaiters.size === 1);

      await bot.stop();
      await until(() => out.some((line) => /bot unreachable/.test(line)));
      bot = await startBot({ fake, databasePath, checklistsDir: PIPELINE_CHECKLISTS, env: { PORT: String(port) } });
      await until(() => bot.bot.gateWaiters.size === 1, 20_000);
      const goTs = checkboxOf(fake, 's0.i0').ts;
      expect((await bot.slack.clickButton({ ts: goTs, actionId: 'dd_gate_go', user: BOB })).status).toBe(200);
      // Nothing of the canary was ticked: the Go is asked to be confirmed, and counts once it is.
      expect((await confirmGo({ fake, bot, db: bot.bot.db, close: async () => undefined }, BOB)).status).toBe(200);
      expect(await waiting).toBe(0);
    } finally {
      await bot.stop().catch(() => undefined);
      await fake.close();
      tmp.remove();
    }
  }, 60_000);

  it('answers a gate wait asked while the bot is stopping at once, closing the connection, so the stop never waits out a long poll', async () => {
    let resume = () => {};
    const fake = await startFakeSlack();
    const tmp = tempDir();
    const bot = await startBot({ fake, databasePath: join(tmp.dir, 'deployday.db'), checklistsDir: PIPELINE_CHECKLISTS });
    try {
      const h = { fake, bot, db: bot.bot.db, close: async () => undefined };
      const token = await mintToken(h);
      const runId = (await api(h, token)('POST', '/runs', { checklist: 'release' })).body.runId as number;
      await bot.bot.sync.idle();
      const gate = `/runs/${runId}/gates/canary-go?wait=60`;
      const first = api(h, token)('GET', gate);
      await until(() => bot.bot.gateWaiters.size === 1);
      // The stop is held after it answered the waiters and before it closes its port, as a slow stop
      // (PostgreSQL under load) is: the window the CLI's next poll lands in.
      const held = new Promise<void>((resolve) => (resume = resolve));
      const sync = bot.bot.sync;
      const stopSync = sync.stop.bind(sync);
      sync.stop = async () => held.then(stopSync);
      const stopped = bot.stop();
      const released = await first;
      expect(released.body.decision).toBe('pending');
      // What gate wait does on that answer: it asks again at once.
      const late = await api(h, token, AbortSignal.timeout(10_000))('GET', gate);
      resume();
      await stopped;
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('1');
      // Both close their connection: a kept-alive one the CLI kept asking on would hold the stop open
      // (the port's close waits for every connection; seen as a stop that never ended).
      expect([released.headers.get('connection'), late.headers.get('connection')]).toEqual(['close', 'close']);
    } finally {
      resume();
      await bot.stop().catch(() => undefined);
      await fake.close();
      tmp.remove();
    }
  }, 30_000);
});

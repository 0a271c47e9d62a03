/**
 * Issue 15: a pipeline's long poll on a gate, held by one replica, is answered when the vote is
 * clicked on another replica of the same PostgreSQL database (LISTEN/NOTIFY, service/gateWakes.ts),
 * also after the listening connection was cut and opened again. Both bots run in this process on
 * one database; their own periodic recheck is set far beyond the test's timeout, so only the wake
 * can answer the poll in time (the poll itself would wait its full minute).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fakeSlack.js';
import { connectPostgres } from '../support/postgresDatabase.js';
import { REPO_ROOT, startBot, tempDir, type RunningBot } from '../support/startBot.js';
import { postgresUrlFor } from '../support/testDatabase.js';
import { waitFor } from '../support/waitFor.js';
import { ackText, ALICE, BOB, CHANNEL, checkboxOf, confirmGo } from './checklistHarness.js';

const PIPELINE_CHECKLISTS = join(REPO_ROOT, 'test', 'fixtures', 'pipeline');
/** Far longer than the test may take: a poll answered in time was woken, not rechecked. */
const RECHECK_MS = 10 * 60_000;
/** Shorter than the poll's own wait (60 s), so a poll left to its timeout fails the test. */
const TEST_TIMEOUT_MS = 40_000;

interface Pair {
  fake: FakeSlack;
  a: RunningBot;
  b: RunningBot;
  databaseUrl: string;
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function twoReplicas(): Promise<Pair> {
  const fake = await startFakeSlack();
  cleanup.push(() => fake.close());
  const tmp = tempDir();
  cleanup.push(() => tmp.remove());
  const databasePath = join(tmp.dir, 'deployday.db');
  const options = { fake, databasePath, checklistsDir: PIPELINE_CHECKLISTS, gateRecheckMs: RECHECK_MS };
  const a = await startBot(options);
  cleanup.push(() => a.stop());
  const b = await startBot(options);
  cleanup.push(() => b.stop());
  return { fake, a, b, databaseUrl: await postgresUrlFor(databasePath) };
}

/** A token minted on replica A, a run started through A's API, and its messages posted (by either replica). */
async function runWithToken(pair: Pair): Promise<{ token: string; runId: number }> {
  const text = ackText(await pair.a.slack.command('token create github-actions release', { user: ALICE }));
  const token = /```(ddt_[A-Za-z0-9_-]+)```/.exec(text)?.[1];
  if (!token) throw new Error(`no token in: ${text}`);
  const started = await fetch(`http://127.0.0.1:${pair.a.port}/api/v1/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ checklist: 'release' }),
  });
  expect(started.status).toBe(201);
  const runId = ((await started.json()) as { runId: number }).runId;
  await waitFor(() => pair.fake.messages(CHANNEL).some((m) => JSON.stringify(m.blocks ?? []).includes('dd_gate_go')), {
    timeoutMs: 10_000,
    message: 'the gate’s message posted',
  });
  return { token, runId };
}

/** A long poll on replica A for the canary gate, registered before it returns. */
async function waitOnA(pair: Pair, token: string, runId: number): Promise<{ answer: Promise<{ status: number; decision: string }> }> {
  const answer = fetch(`http://127.0.0.1:${pair.a.port}/api/v1/runs/${runId}/gates/canary-go?wait=60`, {
    headers: { authorization: `Bearer ${token}` },
  }).then(async (res) => ({ status: res.status, decision: ((await res.json()) as { decision: string }).decision }));
  await waitFor(() => pair.a.bot.gateWaiters.size === 1, { timeoutMs: 5_000, message: 'the poll waiting on replica A' });
  // Wrapped: an async function returning the promise itself would wait for the answer.
  return { answer };
}

/** Bob clicks Go on replica B and confirms it (nothing of the canary is ticked). */
async function goOnB(pair: Pair): Promise<void> {
  const goTs = checkboxOf(pair.fake, 's0.i0').ts;
  expect((await pair.b.slack.clickButton({ ts: goTs, actionId: 'dd_gate_go', user: BOB })).status).toBe(200);
  expect((await confirmGo({ fake: pair.fake, bot: pair.b, db: pair.b.bot.db, close: async () => undefined }, BOB)).status).toBe(200);
}

/** The server processes holding a LISTEN on the pair's database (one per replica). */
async function listeners(pair: Pair): Promise<number[]> {
  const client = await connectPostgres(pair.databaseUrl);
  try {
    const rows = await client.query(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN deployday_gate' ORDER BY pid`,
    );
    return (rows.rows as Array<{ pid: number }>).map((r) => r.pid);
  } finally {
    await client.end();
  }
}

describe('a gate wait held by one replica', () => {
  it(
    'is answered with Go when the Go is clicked on the other replica',
    async () => {
      const pair = await twoReplicas();
      const { token, runId } = await runWithToken(pair);
      await waitFor(async () => (await listeners(pair)).length === 2, { timeoutMs: 10_000, message: 'both replicas listening' });
      const { answer } = await waitOnA(pair, token, runId);

      await goOnB(pair);

      expect(await answer).toEqual({ status: 200, decision: 'go' });
      expect(pair.a.bot.gateWaiters.size).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is still woken from the other replica after its listening connection was cut and reopened',
    async () => {
      const pair = await twoReplicas();
      const { token, runId } = await runWithToken(pair);
      const before = await waitFor(async () => ((await listeners(pair)).length === 2 ? await listeners(pair) : undefined), {
        timeoutMs: 10_000,
        message: 'both replicas listening',
      });
      // Cut every listening connection, as a database restart or a network cut would.
      const admin = await connectPostgres(pair.databaseUrl);
      try {
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before]);
      } finally {
        await admin.end();
      }
      await waitFor(
        async () => {
          const now = await listeners(pair);
          return now.length === 2 && now.every((pid) => !before.includes(pid));
        },
        { timeoutMs: 15_000, intervalMs: 100, message: 'both replicas listening again' },
      );
      const { answer } = await waitOnA(pair, token, runId);

      await goOnB(pair);

      expect(await answer).toEqual({ status: 200, decision: 'go' });
    },
    TEST_TIMEOUT_MS,
  );
});

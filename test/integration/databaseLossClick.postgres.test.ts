/**
 * Pinned to PostgreSQL (the `.postgres.test.ts` rule in vitest.config.ts): a replica whose database
 * goes away mid-day (not killed: its connections cut, new ones refused for a while) still takes
 * clicks, and must not let one look saved when it was not.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectPostgres, freshMigratedPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { waitFor } from '../support/waitFor.js';
import { ALICE, checkboxOf, clickItem, harnessPerTest, isTicked, itemRow, startRun, updatesOf } from './checklistHarness.js';

const WAIT = { timeoutMs: 10_000, intervalMs: 50 };
const ERROR_REPLY = /Something went wrong on our side \(error id `(E[0-9A-F]{8})`\)/;
/** What a click's answer through its response_url says. */
const textOf = (post: { body: Record<string, unknown> }): string => String(post.body['text'] ?? '');

describe('a click on a replica that lost its PostgreSQL database mid-day', () => {
  const open = harnessPerTest();
  let admin: pg.Client | null = null;
  beforeAll(() => freshMigratedPostgresDatabase().then(() => undefined), POSTGRES_START_TIMEOUT);
  afterEach(async () => {
    await admin?.end();
    admin = null;
  });

  it('gets the generic error reply with an error id in the log, not a saved tick, and is saved once the database is back', async () => {
    const url = await freshMigratedPostgresDatabase();
    const name = new URL(url).pathname.slice(1);
    const h = await open({ env: { DATABASE_URL: url }, databaseProbe: { intervalMs: 100, timeoutMs: 1_000, failuresBeforeDown: 2 } });
    const { runId } = await startRun(h);
    expect(isTicked(h.fake, 's0.i0')).toBe(false);
    const { ts } = checkboxOf(h.fake, 's0.i0');
    const updatesBefore = updatesOf(h.fake, ts);

    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    admin = await connectPostgres(adminUrl.toString());
    // The database goes away: every open connection is cut, and no new one is accepted for a while.
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);

    const click = await clickItem(h, 's0.i0', { user: ALICE });
    expect(click.status).toBe(200);
    const reply = await waitFor(() => h.fake.responses.find((r) => ERROR_REPLY.test(textOf(r))), WAIT);
    expect(reply.outcome).toBe('ephemeral');
    const errorId = ERROR_REPLY.exec(textOf(reply))![1]!;
    const logged = h.bot.logs.filter((line) => line.includes(errorId));
    expect(logged.length, 'the error id is in the log, with what went wrong').toBeGreaterThan(0);
    expect(logged.join('\n')).not.toContain(url);

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${h.bot.port}/healthz`)).status === 200, WAIT);
    // Nothing pretends the tick was kept: it is not in the database, and the message is rendered again
    // (no one clicked since), which puts back the box the clicker's Slack showed ticked.
    expect((await itemRow(h.db, runId, 's0.i0'))?.done ?? 0).toBe(0);
    await waitFor(() => updatesOf(h.fake, ts) > updatesBefore, WAIT);
    await h.bot.bot.sync.idle();
    expect(isTicked(h.fake, 's0.i0')).toBe(false);

    // It resumes: the same click now is saved and shown.
    const errorsBefore = h.fake.responses.filter((r) => ERROR_REPLY.test(textOf(r))).length;
    expect((await clickItem(h, 's0.i0', { user: ALICE })).status).toBe(200);
    expect(await itemRow(h.db, runId, 's0.i0')).toMatchObject({ done: 1, done_by: ALICE });
    await h.bot.bot.sync.idle();
    expect(isTicked(h.fake, 's0.i0')).toBe(true);
    expect(h.fake.responses.filter((r) => ERROR_REPLY.test(textOf(r)))).toHaveLength(errorsBefore);
  });
});

/**
 * Pinned to PostgreSQL (the `.postgres.test.ts` rule in vitest.config.ts): losing the database is a
 * network event, which SQLite, a file of the bot's own process, does not have.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connectPostgres, freshMigratedPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { waitFor } from '../support/waitFor.js';
import { CHANNEL, harnessPerTest, startRun } from './checklistHarness.js';

const WAIT = { timeoutMs: 5_000, intervalMs: 50 };

interface Health {
  status: number;
  body: { ok: boolean; database: { engine: string; up: boolean; lastAnsweredAgoMs: number }; work: { claiming: boolean } };
}

async function healthz(port: number): Promise<Health> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as Health['body'] };
}

/** What a background loop logs when its tick fails (src/jobs): none may appear while the replica knows the database is gone. */
const LOOP_FAILURE =
  /reminder pass failed|pager outbox: tick failed|events out: tick failed|message sync pass failed|run reports:|forecast check failed/;

describe('a replica that loses its PostgreSQL database', () => {
  const open = harnessPerTest();
  let admin: pg.Client | null = null;
  beforeAll(() => freshMigratedPostgresDatabase().then(() => undefined), POSTGRES_START_TIMEOUT);
  afterEach(async () => {
    await admin?.end();
    admin = null;
  });

  it('answers 503 and stops claiming while the database does not answer, and serves and claims again once it does', async () => {
    const url = await freshMigratedPostgresDatabase();
    const name = new URL(url).pathname.slice(1);
    const h = await open({ env: { DATABASE_URL: url }, databaseProbe: { intervalMs: 100, timeoutMs: 1_000, failuresBeforeDown: 2 } });
    expect((await healthz(h.bot.port)).body.database).toMatchObject({ engine: 'postgres', up: true });

    const adminUrl = new URL(url);
    adminUrl.pathname = '/postgres';
    admin = await connectPostgres(adminUrl.toString());
    // The database goes away: no new connection is accepted, and every open one is cut.
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);

    const down = await waitFor(async () => {
      const health = await healthz(h.bot.port);
      return health.status === 503 ? health : null;
    }, WAIT);
    expect(down.body.ok).toBe(false);
    expect(down.body.database).toMatchObject({ engine: 'postgres', up: false });
    expect(down.body.work).toEqual({ claiming: false });
    // Long enough for every loop's heartbeat (reminders and outboxes: every second) to come round while it is down.
    await waitFor(async () => (await healthz(h.bot.port)).body.database.lastAnsweredAgoMs >= 2_500, { ...WAIT, timeoutMs: 15_000 });

    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    const up = await waitFor(async () => {
      const health = await healthz(h.bot.port);
      return health.status === 200 ? health : null;
    }, WAIT);
    expect(up.body.work).toEqual({ claiming: true });

    const lost = h.bot.logs.findIndex((line) => line.includes('the database does not answer'));
    const back = h.bot.logs.findIndex((line) => line.includes('the database answers again'));
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(back).toBeGreaterThan(lost);
    expect(h.bot.logs.slice(lost, back).filter((line) => LOOP_FAILURE.test(line))).toEqual([]);

    // Work goes on: a run starts and the message sync posts its messages.
    await startRun(h);
    expect(h.fake.messages(CHANNEL).length).toBeGreaterThan(0);
  });
});

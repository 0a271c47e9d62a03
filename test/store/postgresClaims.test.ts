/**
 * Evidence for the lease design in docs/high-availability-plan.md, on a real PostgreSQL: the
 * reminders claim as it was written before leases (one UPDATE … WHERE id IN (SELECT … LIMIT)
 * RETURNING *) is safe on SQLite's single writer but not between two replicas on PostgreSQL, and
 * FOR UPDATE SKIP LOCKED in its subquery is what makes it safe (the store's claims now end with
 * `db.skipLocked`: test/store/leases.test.ts). Also: why the events-out audit cursor could not stay
 * a cursor (migration 019 replaced it).
 */
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPostgresMigrations } from '../../src/store/postgresMigrations.js';
import { connectPostgres, freshPostgresDatabase, POSTGRES_START_TIMEOUT } from '../support/postgresDatabase.js';
import { MIGRATIONS } from './storeFixtures.js';

/**
 * The reminders claim as it was written for SQLite's single writer, before leases (the store's own
 * claim, with its lease and `db.skipLocked`, is tested between two replicas in leases.test.ts).
 */
const claimToday = `UPDATE reminders SET status = 'claimed', claimed_at = $1
   WHERE id IN (SELECT id FROM reminders WHERE status = 'pending' AND due_at <= $1
                  AND run_id NOT IN (SELECT id FROM runs WHERE suspended_at IS NOT NULL)
                ORDER BY due_at, id LIMIT $2)
   RETURNING *`;
const claimSkippingLocked = claimToday.replace(/LIMIT \$2\)/, 'LIMIT $2 FOR UPDATE SKIP LOCKED)');

let replicaA: pg.Client;
let replicaB: pg.Client;
beforeAll(async () => {
  const url = await freshPostgresDatabase();
  replicaA = await connectPostgres(url);
  replicaB = await connectPostgres(url);
  await applyPostgresMigrations(replicaA, join(MIGRATIONS, 'postgres'));
}, POSTGRES_START_TIMEOUT);

afterAll(async () => {
  await Promise.all([replicaA?.end(), replicaB?.end()]);
});

async function threeDueReminders(): Promise<void> {
  await replicaA.query('DELETE FROM reminders');
  const run = await replicaA.query<{ id: string }>(
    `INSERT INTO runs (checklist_name, checklist_json, title, channel_id, started_by, t0, timezone, created_at)
     VALUES ('deploy', '{}', 'Deploy', 'C1', 'U1', 0, 'UTC', 0) RETURNING id`,
  );
  for (const key of ['r1', 'r2', 'r3']) {
    await replicaA.query(`INSERT INTO reminders (run_id, key, kind, due_at) VALUES ($1, $2, 'opened', 0)`, [run.rows[0]!.id, key]);
  }
}

/** Resolves true once `client`'s backend waits on a lock another session holds, false if `done` first. */
async function blockedOnALock(client: pg.Client, done: () => boolean): Promise<boolean> {
  const pid = (client as unknown as { processID: number }).processID;
  while (!done()) {
    const row = await replicaA.query<{ wait_event_type: string | null }>('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid]);
    if (row.rows[0]?.wait_event_type === 'Lock') return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

/** Replica A claims inside an open transaction; B claims meanwhile; A commits; B's claim returns. */
async function claimOnBothReplicas(sql: string): Promise<{ a: string[]; b: string[] }> {
  await threeDueReminders();
  await replicaA.query('BEGIN');
  const a = await replicaA.query<{ key: string }>(sql, [1000, 50]);
  await replicaB.query('BEGIN');
  let bAnswered = false;
  const claimB = replicaB.query<{ key: string }>(sql, [1000, 50]).finally(() => {
    bAnswered = true;
  });
  // Without SKIP LOCKED, B waits on A's row locks until A commits; with it, B answers at once.
  const bWaited = await blockedOnALock(replicaB, () => bAnswered);
  await replicaA.query('COMMIT');
  const b = await claimB;
  await replicaB.query('COMMIT');
  expect(bWaited).toBe(sql === claimToday);
  return { a: a.rows.map((r) => r.key).sort(), b: b.rows.map((r) => r.key).sort() };
}

describe('claiming due reminders from two replicas on PostgreSQL', () => {
  it('hands the same rows to both replicas with the claim as written for SQLite', async () => {
    const { a, b } = await claimOnBothReplicas(claimToday);
    expect(a).toEqual(['r1', 'r2', 'r3']);
    expect(b).toEqual(['r1', 'r2', 'r3']);
  });

  it('hands each row to one replica once the subquery takes its rows FOR UPDATE SKIP LOCKED', async () => {
    const { a, b } = await claimOnBothReplicas(claimSkippingLocked);
    expect(a).toEqual(['r1', 'r2', 'r3']);
    expect(b).toEqual([]);
  });
});

describe('reading the audit after a cursor on PostgreSQL', () => {
  it('misses a row whose id was handed out first but committed last, as a collector moving events_cursor would', async () => {
    const audit = (actor: string) => `INSERT INTO audit (run_id, at, actor, action) VALUES (NULL, 0, '${actor}', 'tick') RETURNING id`;
    const idsAfter = async (cursor: number) =>
      (await replicaA.query<{ id: string }>('SELECT id FROM audit WHERE id > $1 ORDER BY id', [cursor])).rows.map((r) => Number(r.id));
    const start = Math.max(0, ...(await idsAfter(0)));
    await replicaB.query('BEGIN');
    const slow = Number((await replicaB.query<{ id: string }>(audit('slow'))).rows[0]!.id);
    const quick = Number((await replicaA.query<{ id: string }>(audit('quick'))).rows[0]!.id);
    expect(slow).toBeLessThan(quick);
    // The collector reads after its cursor and moves the cursor to the last id it saw.
    expect(await idsAfter(start)).toEqual([quick]);
    await replicaB.query('COMMIT');
    expect(await idsAfter(quick)).toEqual([]);
    expect(await idsAfter(start)).toEqual([slow, quick]);
  });
});

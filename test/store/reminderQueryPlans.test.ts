/**
 * The reminder poller runs its claim and its "when next" query every second on every replica, so
 * neither may read a table that grows with history. The scale bench found both scanning `runs`
 * (a `NOT IN` list of suspended runs); this pins the plans on the real migrations.
 */
import { describe, expect, it } from 'vitest';
import type { SqliteDb } from '../../src/store/db.js';
import { claimDueReminders, nextClaimableAt } from '../../src/store/reminders.js';
import { addRun, databasePerTest, T0 } from './storeFixtures.js';

const openDb = databasePerTest();

/** Every statement `work` prepares on `db`, as SQLite's EXPLAIN QUERY PLAN details. */
async function plansOf(db: SqliteDb, work: () => Promise<unknown>): Promise<string[][]> {
  const sqls = new Set<string>();
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    sqls.add(sql);
    return prepare(sql);
  };
  try {
    await work();
  } finally {
    db.prepare = prepare;
  }
  return [...sqls].map((sql) => {
    const names = [...sql.matchAll(/@([A-Za-z_]\w*)/g)].map((m) => m[1] as string);
    const params = Object.fromEntries(names.map((n) => [n, null]));
    return (db.raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((row) => row.detail);
  });
}

describe('reminder poller query plans', () => {
  it('claims due reminders without scanning runs or reminders', async () => {
    const db = openDb();
    await addRun(db);
    const plans = await plansOf(db, () => claimDueReminders(db, T0));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan.filter((d) => /^SCAN (runs|reminders)\b/.test(d))).toEqual([]);
  });

  it('finds the next claimable moment without scanning runs or reminders', async () => {
    const db = openDb();
    await addRun(db);
    const plans = await plansOf(db, () => nextClaimableAt(db));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan.filter((d) => /^SCAN (runs|reminders)\b/.test(d))).toEqual([]);
  });
});

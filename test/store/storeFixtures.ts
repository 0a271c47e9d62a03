/**
 * A fresh database per test, built by the real migrations (in memory: each test gets its own),
 * and a run to hang rows on, since most tables reference runs.
 */
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Db, openDatabase, type SqliteDb } from '../../src/store/db.js';
import { insertRun } from '../../src/store/runs.js';
import { gatedRelease, T0 } from '../domain/domainFixtures.js';

export const MIGRATIONS = join(import.meta.dirname, '..', '..', 'migrations');
export { T0 };
export const MINUTE = 60_000;

/** Opens a migrated in-memory database per call and closes it after the test. */
export function databasePerTest(): () => SqliteDb {
  const open: SqliteDb[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close();
  });
  return () => {
    const db = openDatabase(':memory:', MIGRATIONS);
    open.push(db);
    return db;
  };
}

/** Inserts an active run of the gated test release in `channelId`; returns its id. */
export async function addRun(db: Db, channelId = 'C0DEPLOY', now = T0 - 60 * MINUTE): Promise<number> {
  return await insertRun(db, { checklist: gatedRelease(), channelId, teamId: 'T0TEST', startedBy: 'U0LEAD', t0: T0, timezone: 'UTC', now });
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientBase } from 'pg';

/**
 * The PostgreSQL advisory lock every replica takes while it migrates: 0x6465706c6f79, the ASCII
 * bytes of "deploy". Fixed and documented so an operator can see it in pg_locks
 * (`locktype = 'advisory'`, classid = 25701, objid = 1886154617) and nothing else in the database
 * should use it. Session-level: released when migrating ends, or when the connection drops.
 */
export const MIGRATION_LOCK_KEY = '110386840629113';

/**
 * Applies every migration in `migrationsDir` (migrations/postgres: `NNN_name.sql`, numbered like
 * the SQLite ones in migrations/) not yet recorded in schema_migrations, in number order, each in
 * its own transaction, and returns the files it applied.
 *
 * Two replicas starting together both call this: the advisory lock makes the second wait until
 * the first has finished, and it then finds every migration recorded and applies none. The lock is
 * held on `client`'s session, so `client` must be one dedicated connection (a pg.Client, or a
 * PoolClient checked out for the call), never a pool that could run each query on another one.
 *
 * schema_migrations has the shape SQLite's has (src/store/db.ts applyMigrations), applied_at in
 * epoch ms (BIGINT here).
 */
export async function applyPostgresMigrations(client: ClientBase, migrationsDir: string, now: () => number = Date.now): Promise<string[]> {
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d+_[\w-]+\.sql$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    // Under the lock: two sessions racing on CREATE TABLE IF NOT EXISTS can both miss the table
    // and one then fails on the catalog's unique index.
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const newlyApplied: string[] = [];
    for (const file of files) {
      const version = parseInt(file, 10);
      if (applied.has(version)) continue;
      await applyOne(client, version, file, readFileSync(join(migrationsDir, file), 'utf8'), now());
      newlyApplied.push(file);
    }
    return newlyApplied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

async function applyOne(client: ClientBase, version: number, file: string, sql: string, appliedAt: number): Promise<void> {
  await client.query('BEGIN');
  try {
    // No parameters: sent as a simple query, so a file may hold many statements (and $$ bodies).
    await client.query(sql);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [version, file, appliedAt]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`PostgreSQL migration ${file} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

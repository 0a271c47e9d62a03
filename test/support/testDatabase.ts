/**
 * Which engine the bots of a test run on, chosen once for the whole run by DEPLOYDAY_TEST_ENGINE
 * (vitest.config.ts: the `postgres` project sets it for test/integration; unset means SQLite).
 * Harnesses ask here for a bot's database instead of naming a SQLite file, so one test file proves
 * the same behaviour on both engines.
 *
 * A test keeps saying where "its" database is with a SQLite path (a temp file, or ':memory:' for one
 * of its own): on PostgreSQL the same path maps to the same database for the file's lifetime, so a
 * test that stops a bot and starts another on the same path gets its data back on either engine.
 */
import { MIGRATIONS_DIR } from '../../src/app.js';
import type { Db } from '../../src/store/db.js';
import { openStore } from '../../src/store/openStore.js';
import { freshMigratedPostgresDatabase } from './postgresDatabase.js';

export type TestEngine = 'sqlite' | 'postgres';

export const TEST_ENGINE: TestEngine = process.env.DEPLOYDAY_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

const postgresByPath = new Map<string, Promise<string>>();

/** The PostgreSQL database standing for `databasePath`: the same one each time for a file, a new one for ':memory:' or none. */
export function postgresUrlFor(databasePath?: string): Promise<string> {
  if (!databasePath || databasePath === ':memory:') return freshMigratedPostgresDatabase();
  let url = postgresByPath.get(databasePath);
  if (!url) postgresByPath.set(databasePath, (url = freshMigratedPostgresDatabase()));
  return url;
}

/** The variables that point a bot (in this process, a child process or the CLI) at the database standing for `databasePath`. */
export async function databaseEnv(databasePath?: string): Promise<Record<string, string>> {
  if (TEST_ENGINE === 'sqlite') return { DATABASE_PATH: databasePath ?? ':memory:' };
  return { DATABASE_URL: await postgresUrlFor(databasePath) };
}

/**
 * A second handle on a bot's database, for a test that reads or writes its rows directly: through
 * `prepared(db, …)`, whose SQL runs on both engines, never through better-sqlite3. The caller closes it.
 */
export async function openTestDatabase(databasePath: string): Promise<Db> {
  if (TEST_ENGINE === 'sqlite') return openStore({ databasePath }, MIGRATIONS_DIR);
  return openStore({ databaseUrl: await postgresUrlFor(databasePath), databasePath }, MIGRATIONS_DIR, { poolSize: 2 });
}

import { join } from 'node:path';
import { type Db, openDatabase } from './db.js';
import type { PostgresOptions } from './postgresDb.js';

/** Where the bot's database is: DATABASE_URL (PostgreSQL) when set, else the SQLite file at DATABASE_PATH. */
export interface DatabaseLocation {
  databaseUrl?: string | null | undefined;
  databasePath: string;
}

/**
 * Opens the bot's database and applies the migrations it has not seen: `migrationsDir` for SQLite,
 * its `postgres` folder (the same migrations, numbered alike, in PostgreSQL's dialect) for PostgreSQL.
 * The PostgreSQL adapter and `pg` are imported only when DATABASE_URL is set: a bot on SQLite never
 * loads them (0.4–0.5 MiB of RSS and 32 CommonJS modules; docs/performance.md, "Memory").
 */
export async function openStore(location: DatabaseLocation, migrationsDir: string, postgres: PostgresOptions = {}): Promise<Db> {
  if (location.databaseUrl) {
    const { openPostgres } = await import('./postgresDb.js');
    return openPostgres(location.databaseUrl, join(migrationsDir, 'postgres'), postgres);
  }
  return openDatabase(location.databasePath, migrationsDir);
}

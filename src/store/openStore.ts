import { join } from 'node:path';
import { type Db, openDatabase } from './db.js';
import { openPostgres, type PostgresOptions } from './postgresDb.js';

/** Where the bot's database is: DATABASE_URL (PostgreSQL) when set, else the SQLite file at DATABASE_PATH. */
export interface DatabaseLocation {
  databaseUrl?: string | null | undefined;
  databasePath: string;
}

/**
 * Opens the bot's database and applies the migrations it has not seen: `migrationsDir` for SQLite,
 * its `postgres` folder (the same migrations, numbered alike, in PostgreSQL's dialect) for PostgreSQL.
 */
export async function openStore(location: DatabaseLocation, migrationsDir: string, postgres: PostgresOptions = {}): Promise<Db> {
  if (location.databaseUrl) return openPostgres(location.databaseUrl, join(migrationsDir, 'postgres'), postgres);
  return openDatabase(location.databasePath, migrationsDir);
}

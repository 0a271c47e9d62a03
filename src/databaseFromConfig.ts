import type { Config } from './config.js';
import { DatabaseProbe, type DatabaseProbeOptions } from './jobs/databaseProbe.js';
import type { RedactingLogger } from './logger.js';
import type { Db } from './store/db.js';
import { openStore } from './store/openStore.js';
import { ping } from './store/ping.js';

/**
 * The bot's database as configuration says: PostgreSQL at DATABASE_URL when set (migrations/postgres
 * applied under an advisory lock, collation C required), else SQLite at DATABASE_PATH; and the probe
 * that tells /healthz and the background loops whether it still answers.
 */
export async function databaseFromConfig(input: {
  config: Config;
  migrationsDir: string;
  logger: RedactingLogger;
  probe?: DatabaseProbeOptions | undefined;
}): Promise<{ db: Db; probe: DatabaseProbe }> {
  const { config, logger } = input;
  const db = await openStore(config, input.migrationsDir);
  logger.info(db.engine === 'postgres' ? 'database: PostgreSQL at DATABASE_URL' : `database: SQLite at ${config.databasePath}`);
  return { db, probe: new DatabaseProbe({ engine: db.engine, ping: () => ping(db) }, logger, input.probe ?? {}) };
}

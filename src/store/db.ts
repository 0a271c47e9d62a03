/**
 * The store's database handle: the engine-neutral interface (dbInterface.ts) and the SQLite adapter
 * (sqliteDb.ts), reached through one module so store functions and callers import one path.
 */
export { type Db, type Engine, prepared, type RunResult, type Statement } from './dbInterface.js';
export { applyMigrations, openDatabase, SqliteDb } from './sqliteDb.js';

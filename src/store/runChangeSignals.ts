import { prepared, type Db } from './db.js';
import { RUN_CHANGE_CHANNEL, type ListenRetry, type RunChangeHandlers, type RunChangeListener } from './runChanges.js';

export type { ListenRetry, RunChangeHandlers, RunChangeListener };

/**
 * Call inside the transaction that makes the change: PostgreSQL delivers the notification only
 * when it commits, so no replica re-reads before the change is there, and a rollback sends nothing.
 */
export async function signalRunChanged(db: Db, runId: number): Promise<void> {
  if (db.engine !== 'postgres') return;
  await prepared(db, `SELECT pg_notify('${RUN_CHANGE_CHANNEL}', ?)`).get(String(runId));
}

/**
 * Listens for run changes committed by any replica (PostgreSQL; SQLite has nothing to listen to).
 * The PostgreSQL side is imported on first use, so a bot on SQLite never loads `pg`
 * (test/tooling/startupImports.test.ts).
 */
export function listenForRunChanges(db: Db, handlers: RunChangeHandlers, retry: ListenRetry = { baseMs: 250, maxMs: 10_000 }): RunChangeListener {
  if (db.engine !== 'postgres') return { close: async () => undefined };
  const listener = import('./postgresRunChanges.js').then(
    ({ listenOnPostgres }) => listenOnPostgres(db, handlers, retry),
    (error: unknown): RunChangeListener => {
      handlers.lost(error);
      return { close: async () => undefined };
    },
  );
  return { close: async () => await (await listener).close() };
}

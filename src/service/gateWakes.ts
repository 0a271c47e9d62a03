import type { Db } from '../store/db.js';
import { listenForRunChanges, type ListenRetry, type RunChangeListener } from '../store/runChangeSignals.js';

export type { ListenRetry, RunChangeListener };

export interface GateWakeHandlers {
  /** Run `runId` changed (a vote, a waiver, its end), on this replica or another: its waiters look again. */
  wake(runId: number): void;
  /** Changes may have gone unseen (the listening connection was down): every waiter looks again. */
  wakeAll(): void;
  warn(message: string): void;
  info(message: string): void;
}

/**
 * Wakes a replica's gate long polls when any replica commits a change to their run. The votes,
 * waivers and endings signal it inside their transactions (store/runChangeSignals.ts); on
 * PostgreSQL each replica listens on one connection of its own. On SQLite the one process's own
 * hooks (RunEvents.stateChanged, runEnded) wake its waiters, and this listens to nothing.
 */
export class GateWakes {
  constructor(private readonly db: Db) {}

  listen(handlers: GateWakeHandlers, retry?: ListenRetry): RunChangeListener {
    let wasLost = false;
    return listenForRunChanges(
      this.db,
      {
        changed: (runId) => handlers.wake(runId),
        listening: () => {
          if (wasLost) handlers.info('gate wakes: listening again');
          wasLost = false;
          handlers.wakeAll();
        },
        lost: (error) => {
          wasLost = true;
          // The message only: a connection error may carry the connection string.
          handlers.warn(`gate wakes: listening connection lost (${errorCode(error)}); gate waits recheck on their own until it is back`);
        },
      },
      retry,
    );
  }
}

/** What a lost connection is called in the log: its code, never its message (which may name the database URL). */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection error';
}

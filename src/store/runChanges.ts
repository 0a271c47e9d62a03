/**
 * Tells every replica that a run changed in a way a gate's long poll waits for (a vote, a waiver,
 * the run's end), so a poll held by one replica is answered when another took the click. On
 * PostgreSQL a NOTIFY on one channel, with the run id as its payload; on SQLite nothing: one process
 * owns the database file, and its in-process hooks wake its own waiters.
 */
export const RUN_CHANGE_CHANNEL = 'deployday_gate';

export interface RunChangeHandlers {
  /** Another replica (or this one) committed a change to run `runId`. */
  changed(runId: number): void;
  /**
   * Listening (again): notifications sent while the connection was down are lost, so whatever
   * waits should look again now. Also called once the first LISTEN is in place.
   */
  listening(): void;
  /** The connection dropped (said once per outage); it is opened again with a backoff. */
  lost(error: unknown): void;
}

export interface RunChangeListener {
  close(): Promise<void>;
}

/** Backoff between reconnects of the LISTEN connection. */
export interface ListenRetry {
  baseMs: number;
  maxMs: number;
}

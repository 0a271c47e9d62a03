import pg from 'pg';
import { prepared, type Db } from './db.js';
import { PostgresDb } from './postgresDb.js';

/**
 * Tells every replica that a run changed in a way a gate's long poll waits for (a vote, a waiver,
 * the run's end), so a poll held by one replica is answered when another took the click. On
 * PostgreSQL a NOTIFY on one channel, with the run id as its payload; on SQLite nothing: one process
 * owns the database file, and its in-process hooks wake its own waiters.
 */
const CHANNEL = 'deployday_gate';

/**
 * Call inside the transaction that makes the change: PostgreSQL delivers the notification only
 * when it commits, so no replica re-reads before the change is there, and a rollback sends nothing.
 */
export async function signalRunChanged(db: Db, runId: number): Promise<void> {
  if (db.engine !== 'postgres') return;
  await prepared(db, `SELECT pg_notify('${CHANNEL}', ?)`).get(String(runId));
}

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

/**
 * One dedicated connection per replica, outside the pool (a pooled connection goes back to the pool
 * and may be closed, and its LISTEN with it), that LISTENs and hands each notification on. When it
 * drops (the server restarted, the network went away) it is opened again, base to max backoff, for
 * as long as the bot runs. SQLite: nothing to listen to.
 */
export function listenForRunChanges(db: Db, handlers: RunChangeHandlers, retry: ListenRetry = { baseMs: 250, maxMs: 10_000 }): RunChangeListener {
  if (!(db instanceof PostgresDb)) return { close: async () => undefined };
  const { connectionString } = db.pool.options;
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;

  const again = (error: unknown): void => {
    if (closed) return;
    if (failures++ === 0) handlers.lost(error);
    if (timer) return;
    const delay = Math.min(retry.maxMs, retry.baseMs * 2 ** Math.min(failures - 1, 16));
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, delay);
    timer.unref();
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const next = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 10_000 });
    let dropped = false;
    const drop = (error: unknown): void => {
      if (dropped) return;
      dropped = true;
      if (client === next) client = null;
      void next.end().catch(() => undefined);
      again(error);
    };
    next.on('error', drop);
    next.on('end', () => drop(new Error('connection ended')));
    next.on('notification', (message) => {
      if (message.channel !== CHANNEL) return;
      const runId = Number(message.payload);
      if (Number.isSafeInteger(runId)) handlers.changed(runId);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (closed) {
      dropped = true;
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    failures = 0;
    handlers.listening();
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      const open = client;
      client = null;
      if (open) await open.end().catch(() => undefined);
    },
  };
}

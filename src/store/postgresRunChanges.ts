import pg from 'pg';
import type { Db } from './db.js';
import { PostgresDb } from './postgresDb.js';
import { RUN_CHANGE_CHANNEL as CHANNEL, type ListenRetry, type RunChangeHandlers, type RunChangeListener } from './runChanges.js';

/**
 * One dedicated connection per replica, outside the pool (a pooled connection goes back to the pool
 * and may be closed, and its LISTEN with it), that LISTENs and hands each notification on. When it
 * drops (the server restarted, the network went away) it is opened again, base to max backoff, for
 * as long as the bot runs.
 */
export function listenOnPostgres(db: Db, handlers: RunChangeHandlers, retry: ListenRetry): RunChangeListener {
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

import { prepared, type Db } from './db.js';

/**
 * The claim / lease / backoff half shared by the bot's three outboxes (pager_outbox,
 * events_outbox, github_protections): a worker claims due rows by marking them 'sending',
 * then records the answer with one of the mark functions. Each table keeps its own columns
 * and its own enqueueing; this is only the delivery bookkeeping they all spell the same way.
 */

/** A row still 'sending' this long after its claim belongs to a worker that died. */
export const SENDING_LEASE_MS = 2 * 60 * 1000;

export interface LeasedOutboxTable {
  /** The table's name: a constant written in src/store, never input (it is spliced into the SQL). */
  table: string;
  /** The status of a row waiting for its next attempt ('pending', or 'queued' where 'pending' means something else). */
  readyStatus: string;
  /**
   * A column whose rows go out one at a time and in id order: a row waits while an earlier row
   * with the same value is unfinished. Omitted when rows are independent.
   */
  inOrderPer?: string;
}

export interface LeasedOutbox {
  /**
   * Atomically claims up to `limit` due rows, marking them 'sending' and counting an attempt. Due
   * means ready with next_attempt_at ≤ now, or left 'sending' longer than SENDING_LEASE_MS by a
   * worker that crashed. Returns the raw rows in id order.
   */
  claimDue(db: Db, now: number, limit: number): Promise<unknown[]>;
  /**
   * At start, before the worker's first tick: rows left 'sending' were claimed by this bot's
   * previous process, which died before it recorded the answer, so they are due at once. Only safe
   * while one bot process owns the database, which deployday assumes throughout. Returns the count.
   */
  releaseSending(db: Db, now: number): Promise<number>;
  /*
   * The mark functions change a row only while it is 'sending', and say whether they did: a worker
   * that outlived its lease must not overwrite what the worker that took over wrote.
   */
  markSent(db: Db, id: number, now: number, status: number): Promise<boolean>;
  /** Puts the row back to wait until nextAttemptAt. */
  markRetry(db: Db, id: number, nextAttemptAt: number, error: string, status: number | null): Promise<boolean>;
  /** Gives up on a row its receiver will never accept. */
  markFailed(db: Db, id: number, error: string, status: number | null): Promise<boolean>;
}

/** The shared statements for one outbox table, written out once. */
export function leasedOutbox({ table, readyStatus, inOrderPer }: LeasedOutboxTable): LeasedOutbox {
  const ready = `'${readyStatus}'`;
  const earlierUnfinished = inOrderPer
    ? `AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.${inOrderPer} = o.${inOrderPer} AND e.id < o.id AND e.status IN (${ready}, 'sending'))`
    : '';
  // The inner SELECT ends with db.skipLocked, so PostgreSQL replicas each claim different rows;
  // the text depends on the engine, hence one per engine.
  const claimSql = (skipLocked: string) => `UPDATE ${table} SET status = 'sending', claimed_at = @now, attempts = attempts + 1
     WHERE id IN (
       SELECT o.id FROM ${table} o
       WHERE ((o.status = ${ready} AND o.next_attempt_at <= @now) OR (o.status = 'sending' AND o.claimed_at <= @staleBefore))
         ${earlierUnfinished}
       ORDER BY o.id LIMIT @limit${skipLocked})
     RETURNING *`;
  const releaseSql = `UPDATE ${table} SET status = ${ready}, next_attempt_at = ?, claimed_at = NULL,
       last_error = COALESCE(last_error, 'interrupted by a restart while sending') WHERE status = 'sending'`;
  const sentSql = `UPDATE ${table} SET status = 'sent', sent_at = ?, last_status = ?, last_error = NULL WHERE id = ? AND status = 'sending'`;
  const retrySql = `UPDATE ${table} SET status = ${ready}, next_attempt_at = ?, claimed_at = NULL, last_error = ?, last_status = ?
     WHERE id = ? AND status = 'sending'`;
  const failedSql = `UPDATE ${table} SET status = 'failed', last_error = ?, last_status = ? WHERE id = ? AND status = 'sending'`;

  return {
    async claimDue(db, now, limit) {
      const rows = (await prepared(db, claimSql(db.skipLocked)).all({ now, staleBefore: now - SENDING_LEASE_MS, limit })) as Array<{ id: number }>;
      // RETURNING gives no order guarantee.
      return rows.sort((a, b) => a.id - b.id);
    },
    releaseSending: async (db, now) => (await prepared(db, releaseSql).run(now)).changes,
    markSent: async (db, id, now, status) => (await prepared(db, sentSql).run(now, status, id)).changes === 1,
    markRetry: async (db, id, nextAttemptAt, error, status) => (await prepared(db, retrySql).run(nextAttemptAt, error, status, id)).changes === 1,
    markFailed: async (db, id, error, status) => (await prepared(db, failedSql).run(error, status, id)).changes === 1,
  };
}

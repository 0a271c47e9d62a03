import { prepared, type Db } from './db.js';
import { everyLeaseIsStaleAtStart, LEASE_MS, leaseOf, leaseParams, PROCESS_REPLICA, RELEASABLE_AT_START, type Lease } from './leases.js';

/**
 * The claim / lease / backoff half shared by the bot's three outboxes (pager_outbox,
 * events_outbox, github_protections): a worker claims due rows by marking them 'sending' under
 * its lease (store/leases.ts), then records the answer with one of the mark functions. Each table
 * keeps its own columns and its own enqueueing; this is only the delivery bookkeeping they all
 * spell the same way.
 */

/** A row still 'sending' after its lease ran out belongs to a worker that died. */
export const SENDING_LEASE_MS = LEASE_MS;

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
   * Atomically claims up to `limit` due rows for `lease.by`, marking them 'sending' and counting an
   * attempt. Due means ready with next_attempt_at ≤ now, or left 'sending' by a worker whose lease
   * ran out. On PostgreSQL the rows are taken FOR UPDATE SKIP LOCKED: two replicas claiming at
   * once get different rows. Returns the raw rows in id order.
   */
  claimDue(db: Db, now: number, limit: number, lease?: Lease): Promise<unknown[]>;
  /**
   * At start, before the worker's first tick: rows left 'sending' by a worker that died are due at
   * once. Only rows whose lease ran out, on PostgreSQL: another replica may be sending the others
   * right now. On SQLite every 'sending' row: one process owns the database file, so whatever is
   * 'sending' was its previous process's, and waiting for the lease would only delay it. Returns the count.
   */
  releaseSending(db: Db, now: number, lease?: Lease): Promise<number>;
  /** Extends `lease.by`'s lease on the rows `ids` it still holds; returns how many it does. */
  renew(db: Db, ids: readonly number[], lease: Lease): Promise<number>;
  /*
   * The mark functions change a row only while it is 'sending' under `by`'s lease, and say whether
   * they did: a worker that outlived its lease must not overwrite what the worker that took over wrote.
   */
  markSent(db: Db, id: number, now: number, status: number, by?: string): Promise<boolean>;
  /** Puts the row back to wait until nextAttemptAt. */
  markRetry(db: Db, id: number, nextAttemptAt: number, error: string, status: number | null, by?: string): Promise<boolean>;
  /** Gives up on a row its receiver will never accept. */
  markFailed(db: Db, id: number, error: string, status: number | null, by?: string): Promise<boolean>;
}

/** The shared statements for one outbox table, written out once. */
export function leasedOutbox({ table, readyStatus, inOrderPer }: LeasedOutboxTable): LeasedOutbox {
  const ready = `'${readyStatus}'`;
  const earlierUnfinished = inOrderPer
    ? `AND NOT EXISTS (SELECT 1 FROM ${table} e WHERE e.${inOrderPer} = o.${inOrderPer} AND e.id < o.id AND e.status IN (${ready}, 'sending'))`
    : '';
  // The inner SELECT ends with db.skipLocked, so PostgreSQL replicas each claim different rows;
  // the text depends on the engine, hence one per engine.
  const claimSql = (skipLocked: string) => `UPDATE ${table} SET status = 'sending', claimed_at = @now, attempts = attempts + 1,
       leased_by = @by, lease_until = @leaseUntil
     WHERE id IN (
       SELECT o.id FROM ${table} o
       WHERE ((o.status = ${ready} AND o.next_attempt_at <= @now) OR (o.status = 'sending' AND COALESCE(o.lease_until, 0) < @leaseNow))
         ${earlierUnfinished}
       ORDER BY o.id LIMIT @limit${skipLocked})
     RETURNING *`;
  const releaseSql = `UPDATE ${table} SET status = ${ready}, next_attempt_at = @now, claimed_at = NULL,
       leased_by = NULL, lease_until = NULL,
       last_error = COALESCE(last_error, 'interrupted by a restart while sending')
     WHERE status = 'sending' AND ${RELEASABLE_AT_START}`;
  const renewSql = (ids: readonly number[]) =>
    `UPDATE ${table} SET lease_until = ? WHERE leased_by = ? AND status = 'sending' AND id IN (${ids.map(() => '?').join(', ')})`;
  const mine = `id = @id AND status = 'sending' AND leased_by = @by`;
  const sentSql = `UPDATE ${table} SET status = 'sent', sent_at = @now, last_status = @status, last_error = NULL, leased_by = NULL, lease_until = NULL
     WHERE ${mine}`;
  const retrySql = `UPDATE ${table} SET status = ${ready}, next_attempt_at = @next, claimed_at = NULL, last_error = @error, last_status = @status,
       leased_by = NULL, lease_until = NULL
     WHERE ${mine}`;
  const failedSql = `UPDATE ${table} SET status = 'failed', last_error = @error, last_status = @status, leased_by = NULL, lease_until = NULL
     WHERE ${mine}`;

  return {
    async claimDue(db, now, limit, lease = leaseOf()) {
      const rows = (await prepared(db, claimSql(db.skipLocked)).all({ now, limit, ...leaseParams(lease) })) as Array<{ id: number }>;
      // RETURNING gives no order guarantee.
      return rows.sort((a, b) => a.id - b.id);
    },
    async releaseSending(db, now, lease = leaseOf()) {
      return (await prepared(db, releaseSql).run({ now, leaseNow: lease.now, everything: everyLeaseIsStaleAtStart(db) })).changes;
    },
    async renew(db, ids, lease) {
      if (ids.length === 0) return 0;
      return (await prepared(db, renewSql(ids)).run(lease.now + lease.ms, lease.by, ...ids)).changes;
    },
    markSent: async (db, id, now, status, by = PROCESS_REPLICA) => (await prepared(db, sentSql).run({ id, now, status, by })).changes === 1,
    markRetry: async (db, id, next, error, status, by = PROCESS_REPLICA) =>
      (await prepared(db, retrySql).run({ id, next, error, status, by })).changes === 1,
    markFailed: async (db, id, error, status, by = PROCESS_REPLICA) => (await prepared(db, failedSql).run({ id, error, status, by })).changes === 1,
  };
}

import type { Db } from '../store/db.js';
import { claimDueOutbox, renewSendingLeases, markFailed, markRetry, markSent, releaseStaleSending, type OutboxRow } from '../store/outbox.js';
import { getPage, type Page } from '../store/pages.js';

export type { OutboxRow, Page };

/**
 * What the outbox worker (jobs/outboxWorker.ts) reads and records about queued page events,
 * so the job never holds the database. See store/outbox.ts for the guarantees of each step.
 */
export interface PageOutbox {
  /** Claims up to `limit` due rows, at most one per dedup key, oldest first. */
  claimDue(now: number, limit: number): Promise<OutboxRow[]>;
  /** Each says whether the row was still this worker's to record. */
  recordSent(id: number, now: number): Promise<boolean>;
  recordRetry(id: number, nextAttemptAt: number, error: string, status: number | null): Promise<boolean>;
  recordRefused(id: number, error: string, status: number | null): Promise<boolean>;
  /** Extends this replica's lease on rows it is sending (jobs/leaseRenewer.ts); returns how many it still holds. */
  renew(ids: number[]): Promise<number>;
  /** At start: rows a worker that died left mid-send are due now (on PostgreSQL, only those whose lease ran out); returns how many. */
  releaseInterrupted(now: number): Promise<number>;
  page(dedupKey: string): Promise<Page | null>;
}

export function createPageOutbox(db: Db): PageOutbox {
  return {
    claimDue: (now, limit) => claimDueOutbox(db, now, limit),
    recordSent: (id, now) => markSent(db, id, now),
    recordRetry: (id, nextAttemptAt, error, status) => markRetry(db, id, nextAttemptAt, error, status),
    recordRefused: (id, error, status) => markFailed(db, id, error, status),
    renew: (ids) => renewSendingLeases(db, ids),
    releaseInterrupted: (now) => releaseStaleSending(db, now),
    page: (dedupKey) => getPage(db, dedupKey),
  };
}

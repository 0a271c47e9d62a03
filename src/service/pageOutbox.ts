import type { Db } from '../store/db.js';
import { claimDueOutbox, markFailed, markRetry, markSent, releaseStaleSending, type OutboxRow } from '../store/outbox.js';
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
  /** At start: rows the last process left mid-send are due now; returns how many. */
  releaseInterrupted(now: number): Promise<number>;
  page(dedupKey: string): Promise<Page | null>;
}

export function createPageOutbox(db: Db): PageOutbox {
  return {
    claimDue: async (now, limit) => await claimDueOutbox(db, now, limit),
    recordSent: async (id, now) => await markSent(db, id, now),
    recordRetry: async (id, nextAttemptAt, error, status) => await markRetry(db, id, nextAttemptAt, error, status),
    recordRefused: async (id, error, status) => await markFailed(db, id, error, status),
    releaseInterrupted: async (now) => await releaseStaleSending(db, now),
    page: async (dedupKey) => await getPage(db, dedupKey),
  };
}

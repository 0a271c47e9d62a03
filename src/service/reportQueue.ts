import type { Db } from '../store/db.js';
import { LEASE_MS, leaseOf, PROCESS_REPLICA } from '../store/leases.js';
import {
  claimDueRunReports,
  enqueueMissedRunReports,
  enqueueRunReport,
  markRunReportDone,
  markRunReportRetry,
  markSummaryPosted,
  nextRunReportDue,
  releaseRunReportLeasesAtStart,
  renewRunReportLeases,
  type RunReportRow,
} from '../store/runReports.js';

export type { RunReportRow };

/**
 * What the run report job (jobs/runReportJob.ts) reads and records about the reports of ended
 * runs, so the job never holds the database. Each step is one row update in run_reports. A report
 * is claimed under this replica's lease (store/leases.ts): the records change it only while this
 * replica still holds it, and say whether they did.
 */
export interface ReportQueue {
  /** This replica's id, the `leased_by` of what it claims. */
  readonly replica: string;
  /** How long a claim lasts unless renewed (wall clock). */
  readonly leaseMs: number;
  /** Queues the report of an ended run; a second call for the same run changes nothing. */
  enqueue(runId: number, now: number): Promise<void>;
  /** At start: queues runs that ended recently without a report, and frees what a previous process held (SQLite); returns how many were queued. */
  enqueueMissed(now: number): Promise<number>;
  /** Claims the reports due by `now` (bot clock) that no live lease holds. */
  claimDue(now: number): Promise<RunReportRow[]>;
  /** When to look again: the next report due (bot clock), and the first live lease of another replica to run out (wall clock). */
  nextDue(): Promise<{ due: number | null; leaseUntil: number | null }>;
  /** Extends this replica's lease on the reports it is posting; returns how many it still holds. */
  renew(runIds: readonly number[]): Promise<number>;
  recordSummary(runId: number, ts: string): Promise<boolean>;
  recordDone(runId: number, status: 'posted' | 'posted_without_files' | 'failed', now: number, error?: string | null): Promise<boolean>;
  recordRetry(runId: number, nextAttemptAt: number, error: string): Promise<boolean>;
}

export function createReportQueue(db: Db, replica: string = PROCESS_REPLICA, leaseMs: number = LEASE_MS): ReportQueue {
  const lease = () => leaseOf(replica, Date.now(), leaseMs);
  return {
    replica,
    leaseMs,
    enqueue: async (runId, now) => void (await enqueueRunReport(db, runId, now)),
    enqueueMissed: async (now) => {
      await releaseRunReportLeasesAtStart(db, lease());
      return await enqueueMissedRunReports(db, now);
    },
    claimDue: (now) => claimDueRunReports(db, now, 5, lease()),
    nextDue: () => nextRunReportDue(db),
    renew: (runIds) => renewRunReportLeases(db, runIds, lease()),
    recordSummary: (runId, ts) => markSummaryPosted(db, runId, ts, replica),
    recordDone: (runId, status, now, error = null) => markRunReportDone(db, runId, status, now, error, replica),
    recordRetry: (runId, nextAttemptAt, error) => markRunReportRetry(db, runId, nextAttemptAt, error, replica),
  };
}

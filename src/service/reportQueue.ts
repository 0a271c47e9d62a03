import type { Db } from '../store/db.js';
import {
  dueRunReports,
  enqueueMissedRunReports,
  enqueueRunReport,
  markRunReportDone,
  markRunReportRetry,
  markSummaryPosted,
  nextRunReportDue,
  type RunReportRow,
} from '../store/runReports.js';

export type { RunReportRow };

/**
 * What the run report job (jobs/runReportJob.ts) reads and records about the reports of ended
 * runs, so the job never holds the database. Each step is one row update in run_reports.
 */
export interface ReportQueue {
  /** Queues the report of an ended run; a second call for the same run changes nothing. */
  enqueue(runId: number, now: number): Promise<void>;
  /** At start: queues runs that ended recently without a report; returns how many. */
  enqueueMissed(now: number): Promise<number>;
  due(now: number): Promise<RunReportRow[]>;
  /** When the next queued report is due, or null when none is. */
  nextDue(): Promise<number | null>;
  recordSummary(runId: number, ts: string): Promise<void>;
  recordDone(runId: number, status: 'posted' | 'posted_without_files' | 'failed', now: number, error?: string | null): Promise<void>;
  recordRetry(runId: number, nextAttemptAt: number, error: string): Promise<void>;
}

export function createReportQueue(db: Db): ReportQueue {
  return {
    enqueue: async (runId, now) => void (await enqueueRunReport(db, runId, now)),
    enqueueMissed: (now) => enqueueMissedRunReports(db, now),
    due: (now) => dueRunReports(db, now),
    nextDue: () => nextRunReportDue(db),
    recordSummary: (runId, ts) => markSummaryPosted(db, runId, ts),
    recordDone: (runId, status, now, error = null) => markRunReportDone(db, runId, status, now, error),
    recordRetry: (runId, nextAttemptAt, error) => markRunReportRetry(db, runId, nextAttemptAt, error),
  };
}
